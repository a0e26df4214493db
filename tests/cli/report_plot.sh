#!/usr/bin/env bash
# `iommusim report --plot`: non-empty PNG and SVG charts of the default run
# (gnuplot, Debian package gnuplot-nox): report_plot.sh IOMMUSIM
set -u
bin=$1
if ! command -v gnuplot >/dev/null; then
  echo "SKIP: gnuplot not installed (Debian package gnuplot-nox; tools/install-deps.sh installs it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$bin" run --json "$tmp/run.json" --records "$tmp/run.csv" >/dev/null ||
  { echo "FAIL: iommusim run exit status $?"; exit 1; }
out=$("$bin" report "$tmp/run.json" --records "$tmp/run.csv" --window 8 --plot "$tmp/plots" 2>&1) ||
  { echo "FAIL: iommusim report --plot exit status $?"; echo "$out"; exit 1; }
for chart in hitrate mem_reads hitrate_time; do
  for ext in dat gp png svg; do
    f=$tmp/plots/$chart.$ext
    [[ -s $f ]] || { echo "FAIL $chart.$ext: missing or empty"; fail=1; continue; }
  done
  [[ $(head -c 8 "$tmp/plots/$chart.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
    { echo "FAIL $chart.png: not a PNG"; fail=1; }
  grep -q '<svg' "$tmp/plots/$chart.svg" || { echo "FAIL $chart.svg: not an SVG"; fail=1; }
  grep -qF "$chart.png, $chart.svg" <<<"$out" || { echo "FAIL $chart: not listed"; fail=1; }
done
grep -q 'windows of 8 requests' "$tmp/plots/hitrate_time.gp" ||
  { echo "FAIL hitrate_time.gp: --window 8 not used"; fail=1; }
# 34 requests in windows of 8: ids 0-7, ..., 32-39.
[[ $(grep -vc '^#' "$tmp/plots/hitrate_time.dat") -eq 5 ]] ||
  { echo "FAIL hitrate_time.dat: expected 5 windows"; fail=1; }
grep -q $'^iotlb\t21\.875' "$tmp/plots/hitrate.dat" ||
  { echo "FAIL hitrate.dat: iotlb row"; fail=1; }
grep -q $'^23\t1$' "$tmp/plots/mem_reads.dat" ||
  { echo "FAIL mem_reads.dat: the 23-read request"; fail=1; }
# Without --records, only the hit rate per cache.
"$bin" report "$tmp/run.json" --plot "$tmp/json-only" >/dev/null || { echo "FAIL json-only"; fail=1; }
[[ -s $tmp/json-only/hitrate.png && ! -e $tmp/json-only/mem_reads.png ]] ||
  { echo "FAIL json-only: expected hitrate.png alone"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok PNG and SVG charts"
exit $fail
