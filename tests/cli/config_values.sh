#!/usr/bin/env bash
# config_values.sh IOMMUSIM JSONCHECK: a configuration file and --set
# overrides reach the model (cache geometry changes the statistics).
set -u
bin=$1 jsoncheck=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '; every cache off but the IOTLB, which is one entry\n[iotlb]\nsets = 1\nways = 1\nreplacement = lru\n' >"$tmp/one.ini"
"$bin" gen window --count 200 --window 16K --out "$tmp/w.trace" || exit 1
# Four pages, a one-entry IOTLB, random order: almost every lookup misses.
"$bin" run --trace "$tmp/w.trace" --config "$tmp/one.ini" --json "$tmp/a.json" >/dev/null || exit 1
"$jsoncheck" "$tmp/a.json" iotlb.lookups 200 || exit 1
# --set after --config wins: ways=0 disables the IOTLB.
"$bin" run --trace "$tmp/w.trace" --config "$tmp/one.ini" --set iotlb.ways=0 --json "$tmp/b.json" >/dev/null || exit 1
"$jsoncheck" "$tmp/b.json" iotlb.hits 0 iotlb.fills 0 || exit 1
# The default geometry keeps all four pages: 4 cold misses when the requests
# do not overlap (open loop, a later request to a page can miss while the
# first walk is in flight: walks are not merged, docs/uarch.md §5).
# Closed loop, one request in flight: each page walks once, then hits.
"$bin" run --trace "$tmp/w.trace" --set replay.outstanding=1 --json "$tmp/c.json" >/dev/null || exit 1
"$jsoncheck" "$tmp/c.json" iotlb.misses 4 iotlb.hits 196 || exit 1
echo "ok configuration reaches the model"
