#!/usr/bin/env bash
# `iommusim run` with the built-in trace exits 0 and prints the report, and
# the help/version entry points work: run_default.sh IOMMUSIM
set -u
bin=$1
fail=0
check() { # what, command..., then a pattern the output must contain (last arg)
  local what=$1 pattern=${*: -1} out rc
  out=$("${@:2:$#-2}" 2>&1)
  rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "FAIL $what: exit status $rc, expected 0"; echo "$out" | head -n 20; fail=1
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $what: output lacks /$pattern/"; echo "$out" | head -n 20; fail=1
  else
    echo "ok $what"
  fi
}
check "run (built-in trace)" "$bin" run '^DMA requests +[1-9][0-9]*$'
check "run: translated" "$bin" run '^  translated +[1-9][0-9]*$'
check "run: faults by reason" "$bin" run '^  0x59  PASID table entry not present'
check "run: walks" "$bin" run '^  paging-entry reads +[1-9]'
check "run: cache table" "$bin" run '^  iotlb +[1-9][0-9]* +[1-9][0-9]* +[0-9]+ +[0-9.]+%'
check "run: device TLB" "$bin" run '^  devtlb \(1 endpoint\) +[1-9]'
check "run: invalidation queue" "$bin" run '^  waits completed +[1-9]'
check "run: stale translations" "$bin" run '^  stale_translations +0  '
check "run: missing flushes" "$bin" run '^  software_missing_flush +2  '
check "run: flagged DMA" "$bin" run '^ +[0-9]+ +[0-9]+  00:08\.0 +3  0x300000 +iotlb +missing_flush$'
check "--help" "$bin" --help '^  run +replay'
check "run --help" "$bin" run --help '^usage: iommusim run \[--trace FILE\]'
check "convert --help" "$bin" convert --help '^usage: iommusim convert \[--from auto\|text\|bin\|ftrace\]'
check "--help lists convert" "$bin" --help '^  convert '
check "--version" "$bin" --version '^iommusim [0-9]+\.[0-9]+\.[0-9]+$'
exit $fail
