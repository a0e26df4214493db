#!/usr/bin/env bash
# The SystemC co-simulation program reports what the direct one does: the
# same standard output, byte for byte, and the same exit status, for a
# passing regression run through `iommusim cosim --kernel systemc` and for a
# planted bug's divergence report; and --kernel's input errors.
#   cosim_sc_same.sh IOMMUSIM COSIM_BUG1_BIN COSIM_SC_BUG1_BIN
set -u
bin=$1
bug1=$2
sc_bug1=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

same() {
  local what=$1 want=$2
  [[ $rc_d -eq $want ]] || no "$what: the direct program's exit status $rc_d, expected $want"
  [[ $rc_s -eq $rc_d ]] || no "$what: exit status $rc_s (SystemC) and $rc_d (direct)"
  cmp -s "$tmp/d" "$tmp/s" || { no "$what: the reports differ"; diff "$tmp/d" "$tmp/s" | head -20; }
  [[ -s $tmp/d ]] || no "$what: no report"
}

# A passing run, through iommusim.
args=(--seeds 7-7 --count 400 --settle 1500 --no-cycles)
"$bin" cosim "${args[@]}" >"$tmp/d" 2>/dev/null
rc_d=$?
"$bin" cosim --kernel systemc "${args[@]}" >"$tmp/s" 2>/dev/null
rc_s=$?
same "seed 7" 0
grep -q '^PASS seed7: ' "$tmp/s" || no "seed 7: no PASS line: $(cat "$tmp/s")"

# A divergence: the first failing seed's whole report (boundary history).
args=(--seeds 1-2 --count 300 --settle 1500 --no-cycles)
"$bug1" "${args[@]}" >"$tmp/d" 2>/dev/null
rc_d=$?
"$sc_bug1" "${args[@]}" >"$tmp/s" 2>/dev/null
rc_s=$?
same "PlantBug=1" 1
grep -q 'recent boundary events' "$tmp/s" || no "PlantBug=1: no divergence report"

# --kernel's errors: one line, exit 2.
expect2() {
  local what=$1
  shift
  "$bin" cosim "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [[ $rc -eq 2 ]] || no "$what: exit status $rc, expected 2"
  [[ $(wc -l <"$tmp/e") -eq 1 ]] || no "$what: expected one line on stderr: $(cat "$tmp/e")"
}
expect2 "--kernel value" --kernel verilog --seeds 1-1
grep -q "expected direct or systemc" "$tmp/e" || no "--kernel value: $(cat "$tmp/e")"
expect2 "--kernel without value" --seeds 1-1 --kernel
expect2 "--kernel systemc --waves" --kernel systemc --seeds 1-1 --waves "$tmp/w.fst"
[[ $fail -eq 0 ]] && echo "ok the SystemC program's reports are the direct program's"
exit $fail
