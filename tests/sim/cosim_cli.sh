#!/usr/bin/env bash
# iommusim cosim as a command: dispatch to the co-simulation program, input
# errors (one line, exit 2), shipped traces, JUnit output and the waveform of
# a divergence.
#   cosim_cli.sh IOMMUSIM COSIM_BUG1_BIN TRACES_DIR
set -u
bin=$1
bug1=$2
traces=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

expect2() {
  local what=$1
  shift
  "$bin" cosim "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [[ $rc -eq 2 ]] || no "$what: exit status $rc, expected 2"
  [[ $(wc -l <"$tmp/e") -eq 1 ]] || no "$what: expected one line on stderr: $(cat "$tmp/e")"
}
expect2 "unknown option" --trace "$traces/default.trace" --frobnicate
expect2 "missing trace" --trace "$tmp/none.trace"
expect2 "geometry" --trace "$traces/default.trace" --set mem.latency=10
grep -q 'mem.latency' "$tmp/e" || no "geometry: the message does not name mem.latency"
expect2 "waves path" --trace "$traces/default.trace" --waves "$tmp/no/such/dir.fst"
expect2 "waves not FST" --trace "$traces/default.trace" --waves "$tmp/w.vcd"
grep -q 'ending in .fst' "$tmp/e" || no "waves not FST: the message does not say .fst"
# The block takes page requests (ECAP.PRS): a model without them is not it.
expect2 "page requests" --trace "$traces/vsva.trace" --set iommu.page_req=0
grep -q 'iommu capabilities: differs' "$tmp/e" ||
  no "page requests: the message does not name the capabilities: $(cat "$tmp/e")"
expect2 "--pri without --seeds" --trace "$traces/default.trace" --pri
grep -q -- '--pri' "$tmp/e" || no "--pri without --seeds: $(cat "$tmp/e")"
printf 'iommusim-trace v1\nbogus line\n' >"$tmp/bad.trace"
expect2 "bad trace" --trace "$tmp/bad.trace" --no-cycles
grep -q 'bad.trace:2' "$tmp/e" || no "bad trace: the message does not name bad.trace:2"

# The shipped single-IOMMU traces the block runs, cycle for cycle.
for t in default ats-closed-loop nested-cold inval-errors; do
  out=$("$bin" cosim --trace "$traces/$t.trace") || no "$t: exit status $?: $out"
  echo "$out" | grep -q '^PASS ' || no "$t: $out"
done
# vsva: its page request goes through the block's page request unit, and
# the page group response of the driver's 0x9 descriptor leaves it.
out=$("$bin" cosim --trace "$traces/vsva.trace") || no "vsva: exit status $?: $out"
echo "$out" | grep -q '^PASS .*1 page requests and 1 page group responses compared' ||
  no "vsva: $out"
out=$("$bin" cosim --trace "$traces/inval-errors.trace") || no "inval-errors: exit status $?: $out"
# inval-errors: the endpoint with respond=0 gets its request and never
# answers; both sides raise ITE ats.timeout later.
echo "$out" | grep -q 'device-TLB invalidations matched (1 unanswered)' ||
  no "inval-errors: the unanswered request is not counted: $out"
# ats.timeout is the block's: another value is refused.
expect2 "ats.timeout" --trace "$traces/default.trace" --set ats.timeout=5000
grep -q 'ats.timeout: differs' "$tmp/e" || no "ats.timeout: $(cat "$tmp/e")"

# Through iommusim: a passing functional run of a shipped trace.
out=$("$bin" cosim --trace "$traces/nested-cold.trace" --no-cycles) ||
  no "nested-cold: exit status $?: $out"
echo "$out" | grep -q '^PASS ' || no "nested-cold: $out"
echo "$out" | grep -q 'nested_tlb.ways=0 iommu.lookup_after_fetch=0' ||
  no "the header does not state the forced geometry"

# JUnit: one testcase per seed of the shard, the divergence as the message.
"$bug1" --seeds 1-4 --shard 1/2 --count 100 --settle 1500 --no-cycles \
  --junit "$tmp/j.xml" >"$tmp/o" 2>&1
rc=$?
[[ $rc -eq 1 ]] || no "junit run: exit status $rc, expected 1"
[[ $(grep -c '<testcase ' "$tmp/j.xml") -eq 2 ]] || no "junit: expected 2 testcases (seeds 2, 4)"
grep -q 'name="seed2"' "$tmp/j.xml" && grep -q 'name="seed4"' "$tmp/j.xml" ||
  no "junit: shard 1/2 of 1-4 is seeds 2 and 4"
grep -q '<failure message="divergence at cycle' "$tmp/j.xml" || no "junit: no failure message"

# Deterministic: the same seeds give the same standard output.
"$bug1" --seeds 1-2 --count 100 --settle 1500 --no-cycles >"$tmp/d1" 2>/dev/null
"$bug1" --seeds 1-2 --count 100 --settle 1500 --no-cycles >"$tmp/d2" 2>/dev/null
cmp -s "$tmp/d1" "$tmp/d2" || no "two runs of the same seeds differ"

# --waves: an FST of the cycles around the first divergence.
"$bug1" --trace <("$bin" gen cosim --seed 1 --count 50 --settle 1500) --no-cycles \
  --waves "$tmp/d.fst" >"$tmp/o" 2>"$tmp/e"
[[ $? -eq 1 ]] || no "waves run: expected a divergence"
[[ -s $tmp/d.fst ]] || no "waves: no waveform written"
grep -q 'waveform of cycles' "$tmp/e" || no "waves: no note of the waveform"
[[ $fail -eq 0 ]] && echo "ok cosim command: errors, dispatch, junit, waves"
exit $fail
