#!/usr/bin/env bash
# Two runs of the same trace write byte-identical JSON, CSV and summary:
# determinism.sh IOMMUSIM [TRACE]
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trace_args=()
[[ $# -ge 2 ]] && trace_args=(--trace "$2")
for i in 1 2; do
  "$bin" run "${trace_args[@]}" --json "$tmp/$i.json" --records "$tmp/$i.csv" >"$tmp/$i.txt" ||
    { echo "FAIL: run $i exit status $?"; exit 1; }
done
fail=0
for ext in json csv txt; do
  if ! cmp "$tmp/1.$ext" "$tmp/2.$ext"; then echo "FAIL: $ext differs between runs"; fail=1; fi
  if [[ ! -s $tmp/1.$ext ]]; then echo "FAIL: $ext is empty"; fail=1; fi
done
[[ $fail -eq 0 ]] && echo "ok deterministic: json, csv and summary identical"
exit $fail
