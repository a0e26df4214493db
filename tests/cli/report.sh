#!/usr/bin/env bash
# `iommusim report` on the JSON and CSV of the default run: exit 0 and the
# summary's key lines (values of traces/default.trace): report.sh IOMMUSIM
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$bin" run --json "$tmp/run.json" --records "$tmp/run.csv" >/dev/null ||
  { echo "FAIL: iommusim run exit status $?"; exit 1; }
check() { # what, pattern, command...
  local what=$1 pattern=$2 out rc
  out=$("${@:3}" 2>&1)
  rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "FAIL $what: exit status $rc, expected 0"; echo "$out" | head -n 20; fail=1
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $what: output lacks /$pattern/"; echo "$out" | head -n 40; fail=1
  else
    echo "ok $what"
  fi
}
json=("$bin" report "$tmp/run.json")
both=("$bin" report "$tmp/run.json" --records "$tmp/run.csv")
check "run line" '^Run: .*run\.json \(trace default\.trace, built-in, 73 events, last cycle 147000\)$' "${json[@]}"
check "requests" '^DMA requests +34$' "${json[@]}"
check "translated" '^  translated +22$' "${json[@]}"
check "faulted" '^  faulted +12$' "${json[@]}"
check "walks" '^page walks +26  72 paging-entry reads, 2\.77 per walk, at most 23$' "${json[@]}"
check "invalidations" '^invalidation descriptors +19  8 waits, 0 queue errors$' "${json[@]}"
check "latency" '^DMA latency \(cycles\) +34  min 4, mean 201\.6, p50 56, p90 412, p99 1381, p99\.9 1381, max 1381$' "${json[@]}"
check "stale" '^stale_translations +0  ' "${json[@]}"
check "missing flush" '^software_missing_flush +2  ' "${json[@]}"
check "iotlb row" '^  iotlb +32 +7 +25 +21\.9%$' "${json[@]}"
check "context cache row" '^  context_cache +39 +31 +8 +79\.5%$' "${json[@]}"
check "idle cache row" '^  sl_pwc_l5 +0 +0 +0 +-$' "${json[@]}"
check "devtlb row" '^  devtlb \(1 endpoint\) +5 +2 +3 +40\.0%$' "${json[@]}"
check "records line" '^Records: .*run\.csv, 34 requests \(12 faulted\)$' "${both[@]}"
check "served by" '^  served by  walk 27  iotlb 5  devtlb 2  untranslated 0  ' "${both[@]}"
check "reads per request" '^  paging-entry reads per request: mean 2\.12, p50 1, p90 4, p99 23, max 23$' "${both[@]}"
check "JSON from stdin" '^Run: <stdin> ' bash -c '"$1" report - <"$2"' _ "$bin" "$tmp/run.json"
check "--help" '^usage: iommusim report \[--records RUN\.csv\]' "$bin" report --help
check "main --help" '^  report +summarise' "$bin" --help
exit $fail
