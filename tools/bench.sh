#!/usr/bin/env bash
# Replay speed of `iommusim run` (requests per second, end to end) and its peak
# resident memory on generated traces; writes docs/benchmarks.md. Not a test:
# the figures depend on the machine. Run by `make bench`.
#
# usage: tools/bench.sh [BUILD_DIR]          (default: build)
# environment: BENCH_SCALE (1) multiplies the request counts, BENCH_REPEAT (3)
#   runs per case (the fastest is kept), BENCH_OUT (docs/benchmarks.md),
#   BENCH_PROFILE (1; 0 skips the perf profile of the hot functions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
[[ $build == /* ]] || build=$PWD/$build
bin=$build/bin/iommusim
scale=${BENCH_SCALE:-1}
repeat=${BENCH_REPEAT:-3}
out=${BENCH_OUT:-$root/docs/benchmarks.md}
profile=${BENCH_PROFILE:-1}

[[ -x $bin ]] || { echo "bench: $bin not built, expected make build first" >&2; exit 1; }
[[ -x /usr/bin/time ]] ||
  { echo "bench: /usr/bin/time not found, expected GNU time (Debian package time)" >&2; exit 1; }
[[ $scale =~ ^[1-9][0-9]*$ && $repeat =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench: BENCH_SCALE and BENCH_REPEAT must be whole numbers from 1" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Caches that would shorten a nested walk: with them off every request walks
# both levels (context and PASID caches stay on).
no_walk_caches=(--set iotlb.ways=0 --set nested_tlb.ways=0 --set fl_pwc.ways=0 --set sl_pwc.ways=0)

hit_count=$((2000000 * scale))
nested_count=$((500000 * scale))
echo "bench: generating traces ($hit_count and $nested_count requests)" >&2
"$bin" gen window --window 64K --count "$hit_count" --out "$tmp/hit.trace"
"$bin" gen vm --count "$nested_count" --out "$tmp/nested.trace"

# bench_case NAME TARGET STDIN_FILE ARGS...: the fastest of $repeat runs of
# `iommusim run ARGS` (standard input from STDIN_FILE, or /dev/null when "-").
rows=()
bench_case() {
  local name=$1 target=$2 input=$3 best="" best_line="" requests wall rss user sys t0 t1
  shift 3
  [[ $input == - ]] && input=/dev/null
  for ((i = 0; i < repeat; i++)); do
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$tmp/time.txt" "$bin" run "$@" <"$input" >"$tmp/summary.txt"
    t1=$EPOCHREALTIME
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    requests=$(awk '/^DMA requests/ { print $3 }' "$tmp/summary.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time.txt")
    user=$(awk -F': ' '/User time/ { print $2 }' "$tmp/time.txt")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$tmp/time.txt")
    if [[ -z $best ]] || awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then
      best=$wall
      best_line=$(awk -v n="$requests" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
        -v t="$target" -v name="$name" 'BEGIN {
          rate = n / w / 1e6
          printf "| %s | %d | %.3f | %.2f | %.2f + %.2f | %.0f | %s | %.0f%% |", name, n, w, rate,
                 u, s, r, t, 100 * rate / t
        }')
    fi
    echo "bench: $name: $requests requests in $wall s, peak RSS $rss MiB" >&2
  done
  rows+=("$best_line")
}

load_before=$(cut -d' ' -f1 /proc/loadavg)
"$bin" convert "$tmp/hit.trace" --to bin --out "$tmp/hit.bin"
"$bin" convert "$tmp/nested.trace" --to bin --out "$tmp/nested.bin"
bench_case "(a) hit-dominated, binary file" 20 - --trace "$tmp/hit.bin"
bench_case "(b) nested walks, binary file" 2 - --trace "$tmp/nested.bin" "${no_walk_caches[@]}"
bench_case "(c) hit-dominated, text file" 3 - --trace "$tmp/hit.trace"
bench_case "(d) nested walks, text file" 2 - --trace "$tmp/nested.trace" "${no_walk_caches[@]}"
bench_case "(e) hit-dominated, text on stdin" 3 "$tmp/hit.trace" --trace -
load_after=$(cut -d' ' -f1 /proc/loadavg)

# How the nested case really walks: reads per request from its JSON.
"$bin" run --trace "$tmp/nested.trace" "${no_walk_caches[@]}" --json "$tmp/nested.json" >/dev/null
"$bin" run --trace "$tmp/hit.trace" --json "$tmp/hit.json" >/dev/null
nested_facts=$("$bin" report "$tmp/nested.json" |
  awk '/^page walks/ { n = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); print n " walks, " $0 }')
hit_rate=$("$bin" report "$tmp/hit.json" | awk '$1 == "iotlb" { print $5 }')

# Where the time goes: perf's hottest functions (self time) on a fifth of each trace.
profile_section() {
  local name=$1 trace=$2 lines
  shift 2
  head -n $(($(wc -l <"$trace") / 5)) "$trace" >"$tmp/short.trace"
  perf record -q -F 4000 --call-graph dwarf,16384 -o "$tmp/perf.data" -- \
    "$bin" run --trace "$tmp/short.trace" "$@" >/dev/null 2>"$tmp/perf.err" || return 1
  # Inclusive time of the stages, where their functions are in the profile.
  parts=$(perf report -i "$tmp/perf.data" --stdio --children --sort symbol -g none 2>/dev/null |
    awk 'BEGIN { split("trace_next:reading the trace,apply_dma:DMA requests (driver and model),vtd_oracle_check:the oracle,push_record:keeping the per-request records,report_text:the summary", a, ",")
                 for (i in a) { split(a[i], kv, ":"); what[kv[1]] = kv[2] } }
         /^ +[0-9.]+%/ && ($4 in what) && !seen[$4]++ { printf "%s%s `%s` %s", sep, what[$4], $4, $1; sep = ", " }')
  lines=$(perf report -i "$tmp/perf.data" --stdio --no-children --sort symbol -g none --percent-limit 1.5 \
    2>/dev/null | awk '/^ +[0-9.]+%/ {
      pct = $1; kernel = $2 == "[k]"; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/[ -]+$/, "")
      printf "| `%s`%s | %s |\n", $0, kernel ? " (kernel)" : "", pct }' |
    head -n 14)
  [[ -n $lines ]] || return 1
  printf '\n%s: including callees, %s.\n\nSelf time, functions above 1.5%%:\n\n| function | samples |\n| --- | --- |\n%s\n' \
    "$name" "${parts:-no stage found}" "$lines"
}
profile_text=""
if [[ $profile == 1 ]] && command -v perf >/dev/null; then
  if p1=$(profile_section "(a) hit-dominated" "$tmp/hit.trace") &&
    p2=$(profile_section "(b) nested walks" "$tmp/nested.trace" "${no_walk_caches[@]}"); then
    profile_text="$p1"$'\n'"$p2"
  else
    profile_text="perf could not profile here (see /proc/sys/kernel/perf_event_paranoid)."
  fi
else
  profile_text="Not profiled (perf not installed, or BENCH_PROFILE=0)."
fi

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cc=$(awk -F= '/^CMAKE_C_COMPILER:/ { print $2 }' "$build/CMakeCache.txt" 2>/dev/null || true)
cc_version=$("${cc:-cc}" --version 2>/dev/null | head -n 1 || echo unknown)
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build/CMakeCache.txt" 2>/dev/null || true)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- model tools 2>/dev/null || commit="$commit + uncommitted changes"

{
  cat <<EOF
# Benchmarks

Written by \`make bench\` (\`tools/bench.sh\`); rerun it to refresh. Not a test: the figures
depend on the machine. Each case is the fastest of $repeat runs of \`iommusim run\`, timed end to
end (reading the trace, the driver layer, the model, the stale-translation oracle on every cached
translation, the text summary); peak RSS from \`/usr/bin/time -v\`.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $cpu, $(nproc) CPUs (\`nproc\`), $mem, Linux $(uname -r)
- Build: \`$build_type\`, $cc_version; commit $commit
- One core: \`iommusim run\` is single-threaded.

| case | requests | wall (s) | M req/s | user + sys (s) | peak RSS (MiB) | target (M req/s) | of target |
| --- | --- | --- | --- | --- | --- | --- | --- |
EOF
  printf '%s\n' "${rows[@]}"
  cat <<EOF

Targets (the project's): 20 M req/s hit-dominated and 2 M req/s nested-miss on one core from a
binary trace, 3 M req/s from text. Every run is the full replay on the cycle-level timing model
(\`docs/uarch.md\`): each 4 KiB page request goes through the pipeline, the walkers and the
memory port cycle by cycle, and the oracle checks every cached translation. The machine's load
average was $load_before before the runs and $load_after after them (other work on the same two
cores lowers the figures).

- (a) \`iommusim gen window --window 64K --count $hit_count\`: 16 pages read at random, so after
  16 cold misses every request hits the IOTLB (IOTLB hit rate $hit_rate).
- (b) \`iommusim gen vm --count $nested_count\` run with \`${no_walk_caches[*]}\`: every request
  is a nested walk with no cache to shorten it ($nested_facts).
- (c), (d): the same traces as text; (e) trace (c) on standard input:
  \`iommusim run --trace - < hit.trace\`. (a) and (b) are (c) and (d) converted with
  \`iommusim convert --to bin\`.

Commands:

\`\`\`sh
iommusim gen window --window 64K --count $hit_count --out hit.trace
iommusim gen vm --count $nested_count --out nested.trace
/usr/bin/time -v iommusim run --trace hit.trace
/usr/bin/time -v iommusim run --trace nested.trace ${no_walk_caches[*]}
/usr/bin/time -v iommusim run --trace - < hit.trace
\`\`\`

## Where the time goes

perf's self time per function on a fifth of traces (a) and (b). Where the names belong:
\`parse_event\`, \`parse_u64_n\`, \`next_token\`, \`strcmp\`, \`strchr\`, \`getdelim\`: the text trace
reader; \`apply_dma\`, \`driver_*\`: the driver layer (kernel page-fault functions under it are
memory it grows per request); \`vtd_*\`, \`walk_radix\`, \`cache_*\`: the model;
\`iommu_mem_read*\`, \`sparse_*\`: the model's sparse memory; \`vtd_oracle_check\`,
\`iommu_probe\`: the stale-translation oracle (a table walk per cached translation);
\`report_*\`, \`count_*\`: the summary.
$profile_text
EOF
} >"$out"
echo "bench: wrote $out" >&2
