#!/usr/bin/env bash
# The --records CSV: exact header, one row per dma event of the trace, the
# same count as JSON "requests", and (when given) byte-identical to a golden
# file. records.sh IOMMUSIM JSONCHECK TRACE [GOLDEN.csv]
set -u
bin=$1 jsoncheck=$2 trace=$3 golden=${4:-}
header='id,dev,pasid,addr,op,status,hpa,fault_reason,cycle,size,page_size,perm,did,mem_reads,priv,fault_addr,source,oracle,issue,done,latency,page_reqs,gpasid'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run --trace "$trace" --records "$tmp/rec.csv" --json "$tmp/out.json" >/dev/null ||
  { echo "FAIL: iommusim exit status $?"; exit 1; }
fail=0
first=$(head -n 1 "$tmp/rec.csv")
if [[ $first != "$header" ]]; then
  echo "FAIL header: expected $header"; echo "            actual   $first"; fail=1
fi
# dma events: first word after an optional time prefix, comments stripped.
expected_rows=$(sed 's/#.*//' "$trace" | awk '{ w = $1; if (w ~ /^[@+]/) w = $2; if (w == "dma") n++ } END { print n + 0 }')
rows=$(($(wc -l <"$tmp/rec.csv") - 1))
if [[ $rows -ne $expected_rows ]]; then
  echo "FAIL rows: expected $expected_rows (dma lines in $trace), actual $rows"; fail=1
fi
"$jsoncheck" "$tmp/out.json" requests "$expected_rows" || fail=1
if awk -F, 'NR > 1 && NF != 23 { exit 1 }' "$tmp/rec.csv"; then :; else
  echo "FAIL: a row does not have 23 columns"; fail=1
fi
# Timing: a request is issued at or after its time stamp, and its latency is
# done - issue, at least the 4 cycles of an IOTLB hit (docs/uarch.md §4).
if awk -F, 'NR > 1 && ($19 < $9 || $20 - $19 != $21 || $21 < 4) { exit 1 }' "$tmp/rec.csv"; then :; else
  echo "FAIL: a row has issue < cycle, latency != done - issue, or latency < 4"; fail=1
fi
# source and oracle take known words only.
if awk -F, 'NR > 1 && ($17 !~ /^(walk|iotlb|devtlb|untranslated)$/ || $18 !~ /^(|stale|missing_flush)$/) { exit 1 }' "$tmp/rec.csv"; then :; else
  echo "FAIL: a row has a source other than walk/iotlb/devtlb/untranslated or an oracle verdict other than empty/stale/missing_flush"; fail=1
fi
if [[ -n $golden ]] && ! diff -u "$golden" "$tmp/rec.csv"; then
  echo "FAIL records differ from $golden (if the change is intended, regenerate it with"
  echo "     iommusim run --trace $trace --records $golden)"
  fail=1
fi
[[ $fail -eq 0 ]] && echo "ok records: header, $rows rows"
exit $fail
