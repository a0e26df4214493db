#!/usr/bin/env bash
# A planted bug must be caught: the co-simulation regression exits 1 and its
# first divergence is of the bug's kind.
#   cosim_expect_divergence.sh COSIM_BIN bug1|bug2 [cosim options...]
# bug1 (the first PASID-cache invalidation is skipped): a functional
# divergence (status or fault reason) of a request whose PASID entry was torn
# down, the model answering "PASID entry not present" (fault 0x59).
# bug2 (cache hits answered one cycle late): a completion-cycle divergence of
# a request the RTL answered from its caches.
set -u
bin=$1
kind=$2
shift 2
out=$("$bin" "$@" 2>&1)
rc=$?
echo "$out" | head -40
[[ $rc -eq 1 ]] || { echo "FAIL: exit status $rc, expected 1 (a divergence)"; exit 1; }
first=$(echo "$out" | grep -m1 '^FAIL ')
case $kind in
bug1)
  echo "$first" | grep -Eq 'status differs|fault reason differs' ||
    { echo "FAIL: the first divergence is not functional: $first"; exit 1; }
  echo "$out" | grep -A2 -m1 '^FAIL ' | grep -q 'model: fault fault 0x59' ||
    { echo "FAIL: the model's answer is not 'PASID entry not present' (0x59)"; exit 1; }
  ;;
bug2)
  echo "$first" | grep -q 'completion cycle differs' ||
    { echo "FAIL: the first divergence is not a cycle difference: $first"; exit 1; }
  echo "$out" | grep -A3 -m1 '^FAIL ' | grep -q 'rtl: .*(cached)' ||
    { echo "FAIL: the diverging response did not come from the RTL's caches"; exit 1; }
  ;;
*) echo "FAIL: unknown kind $kind"; exit 1 ;;
esac
echo "ok $kind caught: $first"
