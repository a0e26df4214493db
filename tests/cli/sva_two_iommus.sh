#!/usr/bin/env bash
# SVA across two IOMMU instances: sva_two_iommus.sh IOMMUSIM JSONCHECK TRACE
#
# TRACE (traces/sva-two-iommus.trace) shares one process table between
# 00:02.0 behind IOMMU 0 and the ATS device 00:10.0 behind IOMMU 1, unmaps
# a page flushed on both, then a page flushed on IOMMU 0 only. Checks, with
# replay.iommus = 2:
#  - the per-IOMMU counters: 5 requests each; IOMMU 1's oracle flags the one
#    DMA its device TLB serves after the one-sided flush, IOMMU 0's nothing;
#    the top-level keys are the sums;
#  - the records: an iommu column last, 1 exactly for 00:10.0's rows;
#  - variants of the trace: the second flush on both IOMMUs (no flag), or on
#    IOMMU 1 only (IOMMU 0's IOTLB is now the one left stale);
#  - the trace needs replay.iommus = 2: with one IOMMU it is refused.
set -u
bin=$1 jsoncheck=$2 trace=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
two=(--set replay.iommus=2)

run() { # TRACE JSON [CSV]
  local csv=()
  [[ $# -gt 2 ]] && csv=(--records "$3")
  "$bin" run --trace "$1" "${two[@]}" --json "$2" "${csv[@]}" >/dev/null ||
    { echo "FAIL: iommusim run --trace $1 (exit $?)"; exit 1; }
}
check() { # NAME JSON KEY VALUE...
  local name=$1 json=$2
  shift 2
  if "$jsoncheck" "$json" "$@"; then echo "ok $name"; else echo "FAIL $name"; fail=1; fi
}

run "$trace" "$tmp/a.json" "$tmp/a.csv"
# 10 DMA requests, 5 per device. Faults: the first unmapped page through
# both IOMMUs (flushed on both), the second through IOMMU 0 (flushed
# there); 00:10.0's device TLB still holds the second page: it translates.
check counters "$tmp/a.json" requests 10 completed 7 faults 3 \
  iommus.0.index 0 iommus.0.requests 5 iommus.0.faults 2 \
  iommus.1.index 1 iommus.1.requests 5 iommus.1.faults 1 \
  iommus.0.stale_translations 0 iommus.0.software_missing_flush 0 iommus.0.flagged 0 \
  iommus.1.stale_translations 0 iommus.1.software_missing_flush 1 iommus.1.flagged 1 \
  stale_translations 0 software_missing_flush 1
# Flushes: both ran on IOMMU 0, only the first on IOMMU 1; a device-TLB
# invalidation only behind IOMMU 1 (its ATS device), which removed the
# first page's entry. The device TLB served the second page twice: after
# its fill, and after the flush that left IOMMU 1 out.
check flushes "$tmp/a.json" invalidations.flushes 2 \
  iommus.0.invalidations.flushes 2 iommus.1.invalidations.flushes 1 \
  iommus.0.invalidations.by_type.pdevtlb 0 iommus.1.invalidations.by_type.pdevtlb 1 \
  iommus.0.invalidations.devtlb_requests 0 iommus.1.invalidations.devtlb_requests 1 \
  iommus.0.devtlb.endpoints 0 iommus.1.devtlb.endpoints 1 devtlb.endpoints 1 \
  iommus.1.devtlb.hits 2 iommus.1.devtlb.invalidations 1 devtlb.hits 2
# Each IOMMU walked the shared table itself: the first DMA through each
# reads all four levels. Walks: IOMMU 0 for its two first touches and its
# two faults (the fifth request hit the IOTLB), IOMMU 1 for its two first
# touches and its fault (the device TLB served the other two); the
# top-level count is their sum.
check walks "$tmp/a.json" iommus.0.walks.max_mem_reads 4 iommus.1.walks.max_mem_reads 4 \
  iommus.0.walks.count 4 iommus.1.walks.count 3 walks.count 7

# Records: the iommu column is last; 00:10.0 is behind IOMMU 1.
header=$(head -n 1 "$tmp/a.csv")
if [[ $header != *,gpasid,iommu ]]; then
  echo "FAIL records: header does not end with ',gpasid,iommu': $header"; fail=1
elif ! awk -F, 'NR > 1 { want = ($2 == "00:10.0") ? 1 : 0; if ($NF != want) bad = 1; n++ }
               END { exit bad || n != 10 }' "$tmp/a.csv"; then
  echo "FAIL records: iommu column does not follow the devices"; fail=1
elif [[ $(awk -F, '$18 != "" && NR > 1 { print $2 "," $18 "," $NF }' "$tmp/a.csv") != "00:10.0,missing_flush,1" ]]; then
  echo "FAIL records: the flagged record is not 00:10.0's through IOMMU 1"; fail=1
else
  echo "ok records"
fi

# The text summary: a line per IOMMU (index first, the two oracle counters
# last), and the flagged request names IOMMU 1.
"$bin" run --trace "$trace" "${two[@]}" >"$tmp/a.txt" || { echo "FAIL: text run"; exit 1; }
lines=$(sed -n '/^IOMMU instances (replay.iommus = 2)$/,/^  (descriptors/p' "$tmp/a.txt" |
  awk '$1 ~ /^[0-9]+$/ { print $1, $(NF - 1), $NF }' | tr '\n' ';')
if [[ $lines != "0 0 0;1 0 1;" ]]; then
  echo "FAIL text: per-IOMMU oracle counters: '$lines'"; fail=1
elif ! grep -qE '^ +9 +[0-9]+ +00:10\.0 +1 +0x7f0000001000 +devtlb +missing_flush +1$' "$tmp/a.txt"; then
  echo "FAIL text: the flagged request does not name IOMMU 1"; fail=1
else
  echo "ok text"
fi

# The second flush on every IOMMU: nothing left stale anywhere, and the
# second page faults through IOMMU 1 too.
sed 's/ leaf=1 iommu=0/ leaf=1/' "$trace" >"$tmp/both.trace"
run "$tmp/both.trace" "$tmp/both.json"
check flush-both "$tmp/both.json" faults 4 software_missing_flush 0 \
  iommus.0.software_missing_flush 0 iommus.1.software_missing_flush 0 \
  iommus.1.invalidations.flushes 2 iommus.1.devtlb.invalidations 2

# The second flush on IOMMU 1 only: IOMMU 0's IOTLB keeps the page, its
# oracle flags the DMA of 00:02.0; IOMMU 1's is clean.
sed 's/ leaf=1 iommu=0/ leaf=1 iommu=1/' "$trace" >"$tmp/one.trace"
run "$tmp/one.trace" "$tmp/one.json"
check flush-other "$tmp/one.json" software_missing_flush 1 \
  iommus.0.software_missing_flush 1 iommus.1.software_missing_flush 0 \
  iommus.0.invalidations.flushes 1 iommus.1.invalidations.flushes 2

# One IOMMU (the default): the device's iommu=1 is refused.
"$bin" run --trace "$trace" >/dev/null 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 ]] || ! grep -q 'device: iommu=1: the replay has 1 IOMMU' "$tmp/err"; then
  echo "FAIL one-iommu: exit $rc, stderr: $(cat "$tmp/err")"; fail=1
else
  echo "ok one-iommu"
fi
exit $fail
