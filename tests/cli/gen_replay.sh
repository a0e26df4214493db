#!/usr/bin/env bash
# gen_replay.sh IOMMUSIM JSONCHECK WORKLOAD [GEN OPTIONS...]: the workload's
# trace (two seeds) replays with no fault, no stale translation and no
# missing flush, and the same seed gives the same trace byte for byte.
set -u
bin=$1 jsoncheck=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in 1 7; do
  "$bin" gen "$@" --seed $seed --count 500 --out "$tmp/a.trace" || { echo "FAIL gen exit $?"; exit 1; }
  "$bin" gen "$@" --seed $seed --count 500 >"$tmp/b.trace" || { echo "FAIL gen to stdout"; exit 1; }
  cmp -s "$tmp/a.trace" "$tmp/b.trace" || { echo "FAIL seed $seed: two runs differ"; exit 1; }
  "$bin" run --trace "$tmp/a.trace" --json "$tmp/out.json" >/dev/null || { echo "FAIL replay exit $?"; exit 1; }
  "$jsoncheck" "$tmp/out.json" faults 0 stale_translations 0 software_missing_flush 0 || exit 1
done
"$bin" gen "$@" --seed 2 --count 500 >"$tmp/c.trace"
cmp -s "$tmp/a.trace" "$tmp/c.trace" && { echo "FAIL seeds 7 and 2 give the same trace"; exit 1; }
echo "ok gen $*: replays clean, deterministic per seed"
