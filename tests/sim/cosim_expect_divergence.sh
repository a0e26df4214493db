#!/usr/bin/env bash
# A planted bug must be caught: the co-simulation regression exits 1 and its
# first divergence is of the bug's kind.
#   cosim_expect_divergence.sh COSIM_BIN bug1|bug2|bug3|bug4 [cosim options...]
# bug1 (the first PASID-cache invalidation is skipped): a functional
# divergence (status or fault reason) of a request whose PASID entry was torn
# down, the model answering "PASID entry not present" (fault 0x59).
# bug2 (cache hits answered one cycle late): a completion-cycle divergence of
# a request the RTL answered from its caches.
# bug3 (context-cache fills store bit 255 of the entry inverted, a bit no
# check or response reads): every per-request, memory, wait and counter
# check passes; the first divergence is the end-of-run cache comparison's,
# a context-cache line whose entry differs in bit 255 alone.
# bug4 (the page request port's PRG index reaches the page request unit with
# bit 0 inverted; run with --pri): the first divergence is a page request's:
# a descriptor word in the page request queue whose PRG index (bits 11:3 of
# its second qword) differs in bit 3 alone, or a page group response of the
# unit's own with the wrong group.
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
bug3)
  echo "$first" | grep -Eq 'end of run: context cache set [0-9]+ way [0-9]+: model sid ' ||
    { echo "FAIL: the first divergence is not a context-cache line: $first"; exit 1; }
  # The two entries as printed (0x<qw3>_<qw2>_<qw1>_<qw0>): bit 255 is the
  # top bit of qword 3, the rest equal.
  m=$(echo "$first" | sed -n 's/.*model sid [^ ]* entry \(0x[0-9a-f_]*\),.*/\1/p')
  r=$(echo "$first" | sed -n 's/.*RTL sid [^ ]* entry \(0x[0-9a-f_]*\).*/\1/p')
  [[ $m =~ ^0x[0-9a-f]{16}_ && $r =~ ^0x[0-9a-f]{16}_ ]] ||
    { echo "FAIL: no entries in: $first"; exit 1; }
  [[ ${m#0x????????????????} == "${r#0x????????????????}" ]] ||
    { echo "FAIL: the entries differ below qword 3: $m / $r"; exit 1; }
  mq=$((16#${m:2:16})) rq=$((16#${r:2:16}))
  (( (mq ^ rq) == (1 << 63) )) ||
    { echo "FAIL: qword 3 does not differ in bit 63 alone: $m / $r"; exit 1; }
  # Every seed's divergence is the cache comparison's: nothing else found it.
  other=$(echo "$out" | grep '^FAIL ' | grep -v ': end of run: context cache set ')
  [[ -z $other ]] || { echo "FAIL: another check found a difference: $other"; exit 1; }
  ;;
bug4)
  if echo "$first" | grep -q 'page group response'; then
    echo "$first" | grep -Eq 'the model sent one .* prgi ([0-9]+) .*, the RTL .* prgi ([0-9]+) ' ||
      { echo "FAIL: not a page group response with another group: $first"; exit 1; }
    m=$(echo "$first" | sed -n 's/.*the model sent one .* prgi \([0-9]*\) code.*, the RTL.*/\1/p')
    r=$(echo "$first" | sed -n 's/.*, the RTL .* prgi \([0-9]*\) code.*/\1/p')
    (( (m ^ r) == 1 )) || { echo "FAIL: the groups differ in more than bit 0: $first"; exit 1; }
  else
    m=$(echo "$first" | sed -n 's/.*memory write stream at 0x[0-9a-f]*: the model wrote \(0x[0-9a-f]*\) .*/\1/p')
    r=$(echo "$first" | sed -n 's/.*, the RTL \(0x[0-9a-f]*\) (.*/\1/p')
    [[ -n $m && -n $r ]] || { echo "FAIL: not a memory write or page group response: $first"; exit 1; }
    (( (m ^ r) == 8 )) || { echo "FAIL: the words differ in more than PRGI bit 0: $first"; exit 1; }
  fi
  ;;
*) echo "FAIL: unknown kind $kind"; exit 1 ;;
esac
echo "ok $kind caught: $first"
