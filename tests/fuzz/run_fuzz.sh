#!/usr/bin/env bash
# run_fuzz.sh FUZZER CORPUS SECONDS: a coverage-guided run from the seed
# corpus, on a scratch copy; fails on any crash, leak, sanitizer report or
# timeout, and keeps the crashing input under build/fuzz-crashes/.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/corpus"
mkdir -p fuzz-crashes
"$fuzzer" -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=fuzz-crashes/ "$work/corpus" 2>&1 | tail -n 12
