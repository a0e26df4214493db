#!/usr/bin/env bash
# One bad-input case: bad_input.sh IOMMUSIM CASE
#
# CASE holds a line "# expect: MESSAGE" (the exact, whole stderr) and
# optionally "# args: ARGS" (the command line, shell words; default:
# "run --trace CASE"). The command runs in CASE's directory, so FILE in
# "FILE:LINE:" is the bare case name. Passes when the exit status is 2,
# stderr is exactly MESSAGE plus a newline and stdout is empty.
set -u
bin=$1
case_file=$2
dir=$(dirname "$case_file")
name=$(basename "$case_file")

expect=$(sed -n 's/^# expect: //p' "$case_file" | head -n 1)
args=$(sed -n 's/^# args: //p' "$case_file" | head -n 1)
if [[ -z $expect ]]; then
  echo "FAIL $name: no '# expect:' line"
  exit 1
fi
[[ -n $args ]] || args="run --trace $name"
eval "set -- $args"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$dir" && "$bin" "$@") >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
printf '%s\n' "$expect" >"$tmp/expect"

fail=0
if [[ $rc -ne 2 ]]; then
  echo "FAIL $name: exit status $rc, expected 2"
  fail=1
fi
if ! cmp -s "$tmp/expect" "$tmp/stderr"; then
  echo "FAIL $name: stderr differs"
  echo "  expected: $expect"
  sed 's/^/  actual:   /' "$tmp/stderr"
  fail=1
fi
if [[ -s $tmp/stdout ]]; then
  echo "FAIL $name: stdout not empty:"
  head -n 5 "$tmp/stdout" | sed 's/^/  /'
  fail=1
fi
[[ $fail -eq 0 ]] && echo "ok $name"
exit $fail
