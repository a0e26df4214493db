#!/usr/bin/env bash
# ats events and a closed-loop device (traces/ats-closed-loop.trace):
# ats_closed_loop.sh IOMMUSIM JSONCHECK TRACE
#  - the ats event sends one translation request per 4 KiB page and fills the
#    device TLB, so the next four DMA requests hit it: each costs the device-TLB
#    lookup, the link both ways and an IOTLB-stage answer of the translated
#    request, 1 + 2 x 100 + 4 = 205 cycles (docs/uarch.md §9);
#  - with device outstanding=1 the four requests stamped at one cycle are
#    issued one after the other: each when the previous answer reached the
#    device;
#  - the page not prefetched misses the device TLB.
set -u
bin=$1 jsoncheck=$2 trace=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$bin" run --trace "$trace" --json "$tmp/a.json" --records "$tmp/a.csv" >/dev/null ||
  { echo "FAIL: iommusim exit status $?"; exit 1; }
"$jsoncheck" "$tmp/a.json" requests 5 faults 0 ats.events 1 ats.pages 4 ats.faults 0 \
  ats.latency.count 1 devtlb.hits 4 devtlb.misses 5 stale_translations 0 || fail=1
# id,...,source(17),...,issue(19),done(20),latency(21)
awk -F, 'NR >= 2 && NR <= 5 && ($17 != "devtlb" || $21 != 205) { exit 1 }' "$tmp/a.csv" ||
  { echo "FAIL: the prefetched pages are not device-TLB hits of 205 cycles"; fail=1; }
awk -F, 'NR >= 3 && NR <= 5 && $19 != prev { exit 1 } { prev = $20 }' "$tmp/a.csv" ||
  { echo "FAIL: closed loop: a request was issued before the previous one was answered"; fail=1; }
awk -F, 'NR == 6 && $17 != "walk" { exit 1 }' "$tmp/a.csv" ||
  { echo "FAIL: the page not prefetched did not miss the device TLB"; fail=1; }
# Open loop (device outstanding=0 overrides nothing here: set it by config):
# --set replay.outstanding has no effect on a device the trace sets itself.
"$bin" run --trace "$trace" --set replay.outstanding=3 --records "$tmp/b.csv" >/dev/null || fail=1
cmp -s "$tmp/a.csv" "$tmp/b.csv" || { echo "FAIL: the trace's device line did not win over replay.outstanding"; fail=1; }
# Without the device line the four requests go out together.
grep -v '^ *device ' "$trace" >"$tmp/open.trace"
"$bin" run --trace "$tmp/open.trace" --records "$tmp/c.csv" >/dev/null || fail=1
awk -F, 'NR >= 2 && NR <= 5 && $19 != 3000 { exit 1 }' "$tmp/c.csv" ||
  { echo "FAIL: open loop: the requests were not all issued at their time stamp"; fail=1; }
# ats needs an ATS endpoint.
printf 'iommusim-trace v1\nats dev=00:03.0 addr=0 size=4K op=r\n' >"$tmp/bad.trace"
err=$("$bin" run --trace "$tmp/bad.trace" 2>&1 >/dev/null)
[[ $? -eq 2 && $err == *"bad.trace:2: ats: device 00:03.0 has no ATS endpoint, expected an earlier attach of it with ats=1" ]] ||
  { echo "FAIL: ats without endpoint: $err"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok ats prefetch and closed loop"
exit $fail
