#!/usr/bin/env bash
# Binary traces: bin_roundtrip.sh IOMMUSIM TRACE [GEN ARGS...]
#
# With TRACE '-', the trace is `iommusim gen GEN ARGS...`. Checks that
#  - text -> bin -> text -> bin gives the same binary file, byte for byte, and
#    the canonical text (bin -> text) is a fixed point of text -> text;
#  - the text and the binary trace replay the same: JSON identical except the
#    trace's file name (and, when the trace has invalidation queue errors, the
#    line of each: a binary trace counts records), CSV records identical.
# IOMMUSIM_RUN_ARGS (environment): more options for the replays, e.g.
# "--set replay.iommus=2".
set -u
bin=$1 trace=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
if [[ $trace == - ]]; then
  "$bin" gen "$@" --count 300 --out "$tmp/in.trace" || { echo "FAIL gen $*"; exit 1; }
  trace=$tmp/in.trace
fi
name=$(basename "$trace")
extra=()
[[ -n ${IOMMUSIM_RUN_ARGS-} ]] && read -ra extra <<<"$IOMMUSIM_RUN_ARGS"
run() { "$bin" "$@" || { echo "FAIL: iommusim $* (exit $?)"; exit 1; }; }
run convert "$trace" --to bin --out "$tmp/a.bin"
run convert "$tmp/a.bin" --out "$tmp/b.trace"
run convert --from text "$tmp/b.trace" --to bin --out "$tmp/c.bin"
run convert --from bin "$tmp/c.bin" --to text --out "$tmp/d.trace"
run convert "$tmp/b.trace" --out "$tmp/e.trace"
cmp -s "$tmp/a.bin" "$tmp/c.bin" || { echo "FAIL $name: text->bin->text->bin differs from text->bin"; fail=1; }
cmp -s "$tmp/b.trace" "$tmp/d.trace" || { echo "FAIL $name: bin->text differs after a round trip"; fail=1; }
cmp -s "$tmp/b.trace" "$tmp/e.trace" || { echo "FAIL $name: canonical text is not a fixed point of text->text"; fail=1; }
# Pipes work both ways too.
"$bin" convert "$trace" --to bin | "$bin" convert - --out "$tmp/p.trace" || { echo "FAIL $name: convert through a pipe"; fail=1; }
cmp -s "$tmp/b.trace" "$tmp/p.trace" || { echo "FAIL $name: converting through a pipe differs"; fail=1; }

run run --trace "$trace" ${extra[@]+"${extra[@]}"} --json "$tmp/t.json" --records "$tmp/t.csv" >/dev/null
run run --trace "$tmp/a.bin" ${extra[@]+"${extra[@]}"} --json "$tmp/b.json" --records "$tmp/b.csv" >/dev/null
"$bin" convert "$trace" --to bin --out - |
  "$bin" run --trace - ${extra[@]+"${extra[@]}"} --json "$tmp/s.json" >/dev/null ||
  { echo "FAIL $name: run --trace - of a binary trace"; fail=1; }
strip() { grep -vE '^[[:space:]]*"(file|line)":' "$1"; }
if ! diff <(strip "$tmp/t.json") <(strip "$tmp/b.json") >"$tmp/diff"; then
  echo "FAIL $name: JSON of the text and the binary trace differ:"; head -n 20 "$tmp/diff"; fail=1
fi
if ! diff <(strip "$tmp/b.json") <(strip "$tmp/s.json") >/dev/null; then
  echo "FAIL $name: binary trace from a pipe replays differently"; fail=1
fi
cmp -s "$tmp/t.csv" "$tmp/b.csv" || { echo "FAIL $name: CSV records of text and binary differ"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok $name: round trip byte-identical ($(stat -c %s "$tmp/a.bin") bytes binary, $(stat -c %s "$tmp/b.trace") text), replay identical"
exit $fail
