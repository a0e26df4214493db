#!/usr/bin/env bash
# Streaming soak: soak.sh IOMMUSIM JSONCHECK SHORT LONG [RATIO] [SLACK_KB] [FORMAT] [WORKLOAD]
#
# Replays a generated workload of SHORT and then LONG DMA requests (default
# workload nic: per packet a map, two DMAs, an unmap and a flush) and checks
# that the replay's peak RSS stays flat: RSS(LONG) <= RSS(SHORT) * RATIO +
# SLACK_KB (defaults 1.2 and 0), and that no translation was stale and no
# flush missing. FORMAT bin (default) converts the generated trace into a
# binary trace file first (in $SOAK_DIR, default $TMPDIR or /tmp); text
# streams `iommusim gen` into `iommusim run --trace -`. CSV records go to
# /dev/null, so the per-request path runs too. WORKLOAD is `iommusim gen`'s
# workload and options ("nic --flush strict"); plain nic runs with --flush
# mixed, so the invalidations vary: leaf and non-leaf page flushes and
# batched domain flushes, each also a device-TLB invalidation (the NIC is
# behind ATS), with their waits. Exit 77 (skipped) without
# GNU time (/usr/bin/time; tools/install-deps.sh installs it).
set -u
bin=$1 jsoncheck=$2 short=$3 long=$4 ratio=${5:-1.2} slack=${6:-0} format=${7:-bin} workload=${8:-nic}
timebin=/usr/bin/time
if ! "$timebin" -f %M true >/dev/null 2>&1; then
  echo "SKIP: GNU time ($timebin) not installed (tools/install-deps.sh installs it)"
  exit 77
fi
tmp=$(mktemp -d "${SOAK_DIR:-${TMPDIR:-/tmp}}/iommusim-soak.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
read -r -a gen_args <<<"$workload"
[[ $workload == nic ]] && gen_args+=(--flush mixed)
per_count=2 # DMA requests per --count unit (nic: a descriptor read, a packet write)
[[ ${gen_args[0]} == nic ]] || per_count=1

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# replay N: sets rss (KB) and secs; the JSON is $tmp/N.json.
replay() {
  local n=$1 count=$(( $1 / per_count )) t0 t1
  t0=$(date +%s.%N)
  if [[ $format == bin ]]; then
    "$bin" gen "${gen_args[@]}" --count "$count" | "$bin" convert - --to bin --out "$tmp/t.bin" ||
      { echo "FAIL: gen | convert ($n requests)"; exit 1; }
    t1=$(date +%s.%N)
    echo "  $n requests: binary trace $(stat -c %s "$tmp/t.bin") bytes, written in $(calc %.2f "$t1 - $t0") s"
    t0=$t1
    "$timebin" -f %M -o "$tmp/rss" "$bin" run --trace "$tmp/t.bin" --json "$tmp/$n.json" \
      --records /dev/null >/dev/null || { echo "FAIL: run ($n requests)"; exit 1; }
    rm -f "$tmp/t.bin"
  else
    "$bin" gen "${gen_args[@]}" --count "$count" |
      "$timebin" -f %M -o "$tmp/rss" "$bin" run --trace - --json "$tmp/$n.json" \
        --records /dev/null >/dev/null || { echo "FAIL: gen | run ($n requests)"; exit 1; }
  fi
  t1=$(date +%s.%N)
  rss=$(tail -n 1 "$tmp/rss")
  secs=$(calc %.2f "$t1 - $t0")
  echo "  $n requests: replay $secs s, $(calc %.0f "$n / ($t1 - $t0)") requests/s, max RSS $rss KB"
  "$jsoncheck" "$tmp/$n.json" requests $(( count * per_count )) stale_translations 0 \
    software_missing_flush 0 faults 0 || { echo "FAIL: replay of $n requests"; exit 1; }
}

echo "soak: ${gen_args[*]}, $format trace, $short vs $long DMA requests"
replay "$short"
short_rss=$rss
replay "$long"
long_rss=$rss
limit=$(calc %.0f "$short_rss * $ratio + $slack")
if (( long_rss > limit )); then
  echo "FAIL: max RSS grew from $short_rss KB to $long_rss KB (limit $limit KB = $ratio x + $slack KB)"
  exit 1
fi
echo "ok: max RSS $short_rss KB -> $long_rss KB (ratio $(calc %.3f "$long_rss / $short_rss"), limit $limit KB); stale_translations 0, software_missing_flush 0"
