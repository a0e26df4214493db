#!/usr/bin/env bash
# `iommusim report --sweep`: three runs of one trace with a fully associative
# IOTLB of 1, 4 and 16 ways; the hit rate rises and the walks' paging-entry
# reads fall with the ways: report_sweep.sh IOMMUSIM
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cd "$tmp" || exit 1
"$bin" gen window --window 64K --count 2000 --out w.trace || exit 1
for ways in 16 1 4; do
  "$bin" run --trace w.trace --set iotlb.sets=1 --set iotlb.ways=$ways \
    --json "run-iotlb.ways=$ways.json" >/dev/null || { echo "FAIL: run ways=$ways"; exit 1; }
done
cp run-iotlb.ways=4.json four.json
out=$("$bin" report --sweep iotlb.ways --metric iotlb.hit_rate --metric walks.mem_reads \
  run-iotlb.ways=16.json run-iotlb.ways=1.json run-iotlb.ways=4.json 2>&1) ||
  { echo "FAIL: report --sweep exit status $?"; echo "$out"; exit 1; }
echo "$out"
grep -qE '^Sweep of iotlb\.ways over 3 runs$' <<<"$out" || { echo "FAIL: title"; fail=1; }
grep -qE '^  iotlb\.ways  iotlb\.hit_rate  walks\.mem_reads  file$' <<<"$out" ||
  { echo "FAIL: header"; fail=1; }
# Rows sorted by value (1, 4, 16); hit rate up, paging-entry reads down.
rows=$(grep -E '^ +[0-9]+ +[0-9.]+ +[0-9]+  run-iotlb\.ways=' <<<"$out")
[[ $(awk '{print $1}' <<<"$rows" | tr '\n' ' ') == "1 4 16 " ]] ||
  { echo "FAIL: rows not in value order"; fail=1; }
awk 'NR > 1 && !($2 > r && $3 < m) { bad = 1 } { r = $2; m = $3 } END { exit bad }' <<<"$rows" ||
  { echo "FAIL: hit rate should rise and reads fall with the ways"; fail=1; }
# --values instead of file names, kept in the order given when not numeric.
out=$("$bin" report --sweep size --values small,large run-iotlb.ways=1.json four.json 2>&1) ||
  { echo "FAIL: --values exit status $?"; fail=1; }
grep -qE '^ +small +[0-9.]+  run-iotlb\.ways=1\.json$' <<<"$out" &&
  grep -qE '^ +large +[0-9.]+  four\.json$' <<<"$out" || { echo "FAIL: --values rows"; echo "$out"; fail=1; }
if command -v gnuplot >/dev/null; then
  "$bin" report --sweep iotlb.ways --metric walks.mem_reads --plot sweep \
    run-iotlb.ways=1.json run-iotlb.ways=4.json run-iotlb.ways=16.json >/dev/null ||
    { echo "FAIL: --sweep --plot exit status $?"; fail=1; }
  for ext in dat gp png svg; do
    [[ -s sweep/sweep_walks_mem_reads.$ext ]] || { echo "FAIL: sweep_walks_mem_reads.$ext"; fail=1; }
  done
else
  echo "note: gnuplot not installed (Debian package gnuplot-nox), sweep chart not checked"
fi
[[ $fail -eq 0 ]] && echo "ok sweep over iotlb.ways"
exit $fail
