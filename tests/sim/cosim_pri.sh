#!/usr/bin/env bash
# Page requests through the co-simulation (iommusim cosim --pri): seeds whose
# ATS devices send page requests must pass, cycle for cycle, and every seed
# must have compared page requests and page group responses (a run without
# any would pass vacuously).
#   cosim_pri.sh COSIM_BIN [cosim options...]
set -u
bin=$1
shift
out=$("$bin" "$@" --pri 2>&1)
rc=$?
echo "$out" | cut -c1-400
[[ $rc -eq 0 ]] || { echo "FAIL: exit status $rc, expected 0"; exit 1; }
n=$(echo "$out" | grep -c '^PASS ')
[[ $n -gt 0 ]] || { echo "FAIL: no seed passed"; exit 1; }
echo "$out" | grep '^PASS ' | while read -r line; do
  p=$(echo "$line" | sed -n 's/.*, \([0-9]*\) page requests and \([0-9]*\) page group responses compared.*/\1 \2/p')
  read -r nr ng <<<"$p"
  [[ ${nr:-0} -gt 0 && ${ng:-0} -gt 0 ]] ||
    { echo "FAIL: a seed compared no page request or response: $line"; exit 1; }
done || exit 1
echo "ok: $n seeds with page requests"
