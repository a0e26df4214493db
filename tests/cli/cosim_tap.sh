#!/usr/bin/env bash
# The co-simulation's model side: the IOMMU boundary stream of a replay
# (iommusim cosim --model-only checks it: every request completes once,
# after it arrived; each IQT write follows the descriptor it publishes),
# the seeded cosim workload (same seed, same bytes) and the command's
# input errors: cosim_tap.sh IOMMUSIM TRACES_DIR
set -u
bin=$1
traces=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

# Boundary streams of the shipped traces with one IOMMU.
for t in default inval-errors nested-cold ats-closed-loop; do
  out=$("$bin" cosim --model-only --trace "$traces/$t.trace" --events "$tmp/$t.ev") ||
    no "$t: exit status $?: $out"
  [[ $out == PASS* ]] || no "$t: $out"
  subs=$(grep -c ' submit ' "$tmp/$t.ev")
  dones=$(grep -c ' done ' "$tmp/$t.ev")
  [[ $subs -gt 0 && $subs -eq $dones ]] || no "$t: $subs requests submitted, $dones completed"
  grep -q ' reg 0x088/8 ' "$tmp/$t.ev" || no "$t: no IQT write in the stream"
  grep -q ' reg 0x020/8 ' "$tmp/$t.ev" || no "$t: no RTADDR write in the stream"
done
# inval-errors: IQE recovery writes FSTS; waits complete and write their status.
grep -q ' reg 0x034/4 ' "$tmp/inval-errors.ev" || no "inval-errors: no FSTS write (IQE recovery)"
grep -q ' wait$' "$tmp/inval-errors.ev" || no "inval-errors: no wait completion"
grep -q ' hw_write ' "$tmp/inval-errors.ev" || no "inval-errors: no status write of the IOMMU"

# The cosim workload: deterministic, seed-dependent, a mix of everything.
"$bin" gen cosim --seed 7 --count 400 --out "$tmp/a.trace" || no "gen cosim exit status $?"
"$bin" gen cosim --seed 7 --count 400 --out "$tmp/b.trace" || no "gen cosim exit status $?"
"$bin" gen cosim --seed 8 --count 400 --out "$tmp/c.trace" || no "gen cosim exit status $?"
cmp -s "$tmp/a.trace" "$tmp/b.trace" || no "gen cosim: same seed, different traces"
cmp -s "$tmp/a.trace" "$tmp/c.trace" && no "gen cosim: seeds 7 and 8 wrote the same trace"
for op in dma ats map unmap flush attach detach qi wait; do
  grep -Eq "^(\+[0-9]+ )?$op( |$)" "$tmp/a.trace" || no "gen cosim: no $op event"
done
[[ $(grep -c ' dma \| ats ' "$tmp/a.trace") -eq 400 ]] || no "gen cosim: not 400 dma/ats events"
out=$("$bin" cosim --model-only --trace "$tmp/a.trace" --events "$tmp/a.ev") ||
  no "cosim workload: exit status $?: $out"
grep -q ' done .*fault 0x[1-9a-f]' "$tmp/a.ev" || no "cosim workload: no fault"
grep -q ' done .*rc 0 fault 0x00' "$tmp/a.ev" || no "cosim workload: no translation"
grep -q ' submit .* at 1$' "$tmp/a.ev" || no "cosim workload: no ATS translation request"
grep -q ' submit .* at 2$' "$tmp/a.ev" || no "cosim workload: no translated request"

# Input errors: one line, exit status 2.
expect2() {
  local what=$1
  shift
  "$bin" cosim "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [[ $rc -eq 2 ]] || no "$what: exit status $rc, expected 2"
  [[ $(wc -l <"$tmp/e") -eq 1 ]] || no "$what: expected one line on stderr: $(cat "$tmp/e")"
}
expect2 "unknown option" --bogus
expect2 "no trace" --model-only
expect2 "missing file" --model-only --trace "$tmp/none.trace"
expect2 "bad seeds" --seeds 5-2
expect2 "bad shard" --seeds 1-2 --shard 2/2
expect2 "RTL geometry" --model-only --trace "$tmp/a.trace" --set iotlb.ways=2
expect2 "two IOMMUs" --model-only --trace "$tmp/a.trace" --set replay.iommus=2
# Without the co-simulation program next to it: says so, exit status 2.
mkdir "$tmp/solo" && cp "$bin" "$tmp/solo/iommusim"
"$tmp/solo/iommusim" cosim --trace "$traces/default.trace" >"$tmp/o" 2>"$tmp/e"
rc=$?
[[ $rc -eq 2 ]] || no "without the RTL: exit status $rc, expected 2"
grep -q 'no RTL co-simulation here' "$tmp/e" || no "without the RTL: $(cat "$tmp/e")"
[[ $fail -eq 0 ]] && echo "ok cosim boundary stream, cosim workload, input errors"
exit $fail
