#!/usr/bin/env bash
# Replays TRACE and checks JSON values: json_values.sh IOMMUSIM JSONCHECK TRACE KEY VALUE...
set -u
bin=$1 jsoncheck=$2 trace=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run --trace "$trace" --json "$tmp/out.json" >/dev/null ||
  { echo "FAIL: iommusim exit status $?"; exit 1; }
"$jsoncheck" "$tmp/out.json" "$@" || exit 1
echo "ok $(basename "$trace"): $(($# / 2)) JSON values as expected"
