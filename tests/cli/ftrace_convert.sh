#!/usr/bin/env bash
# iommusim convert --from ftrace: ftrace_convert.sh IOMMUSIM JSONCHECK DIR
#
# DIR/sample.ftrace (Linux ftrace text in the tracefs "trace" format) must
# convert to DIR/sample.expected.trace with the one-line summary
# DIR/sample.expected.summary on stderr, replay clean (the kernel's
# invalidations cover every unmap), and the options must do what they say.
set -u
bin=$1 jsoncheck=$2 dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 1
fail=0
ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; fail=1; }

if "$bin" convert --from ftrace sample.ftrace --did 2 --out "$tmp/s.trace" 2>"$tmp/err"; then
  diff -u sample.expected.trace "$tmp/s.trace" && ok "golden trace" ||
    bad "converted trace differs from sample.expected.trace (if intended, regenerate it with: iommusim convert --from ftrace sample.ftrace --did 2 --out sample.expected.trace 2>sample.expected.summary)"
  diff -u sample.expected.summary "$tmp/err" && ok "summary" || bad "summary differs"
else
  bad "convert exit status $?"; cat "$tmp/err"
fi

# The converted trace replays: no fault, no stale translation, no missing flush;
# one page request per 4 KiB: 1 + 1 + 16 + 512 + 1.
"$bin" run --trace "$tmp/s.trace" --json "$tmp/s.json" >/dev/null || bad "replay exit status $?"
"$jsoncheck" "$tmp/s.json" requests 5 completed 5 faults 0 translations 531 \
  stale_translations 0 software_missing_flush 0 invalidations.raw_descriptors 6 \
  invalidations.wait_events 6 invalidations.by_type.piotlb 6 trace.last_cycle 851000 &&
  ok "replay" || bad "replay values"

# Straight to binary: the same events.
"$bin" convert --from ftrace sample.ftrace --did 2 --to bin --out "$tmp/s.bin" 2>/dev/null &&
  "$bin" convert "$tmp/s.bin" --out "$tmp/b.trace" || bad "convert to bin"
diff <(grep -v '^#' "$tmp/s.trace") "$tmp/b.trace" >/dev/null && ok "to bin" || bad "ftrace -> bin -> text differs"

# From standard input.
"$bin" convert --from ftrace - --did 2 <sample.ftrace >"$tmp/stdin.trace" 2>/dev/null || bad "stdin"
diff <(grep -v '^#' "$tmp/s.trace") <(grep -v '^#' "$tmp/stdin.trace") >/dev/null && ok "stdin" ||
  bad "converting standard input differs"

# A DID the descriptors do not name: warned, and the replay flags the IOTLB
# entry the invalidations missed.
"$bin" convert --from ftrace sample.ftrace --out "$tmp/d1.trace" 2>"$tmp/err1"
grep -q '; WARNING: 6 invalidations select DID 2 (first seen), not the domain'"'"'s 1 (--did)$' "$tmp/err1" &&
  ok "DID warning" || { bad "no DID warning"; cat "$tmp/err1"; }
"$bin" run --trace "$tmp/d1.trace" --json "$tmp/d1.json" >/dev/null
"$jsoncheck" "$tmp/d1.json" software_missing_flush 1 stale_translations 0 && ok "wrong DID flagged" ||
  bad "wrong DID not flagged"

# Options: second level, 3 levels, no DMA, a wait after each descriptor,
# 2.5 GHz, another device and a PASID.
"$bin" convert --from ftrace sample.ftrace --did 2 --type s2 --levels 3 --dma none \
  --qi-wait each --ghz 2.5 --dev 3a:00.1 --pasid 5 --out "$tmp/o.trace" 2>/dev/null || bad "options"
grep -q '^domain id=2 stage=s2 levels=3$' "$tmp/o.trace" &&
  grep -q '^attach dev=3a:00.1 pasid=5 type=s2 s2=2$' "$tmp/o.trace" &&
  grep -q '^@5000 qi desc=0x20036,0xffff0000,0x0,0x0$' "$tmp/o.trace" &&
  ! grep -q '^dma' "$tmp/o.trace" && [[ $(grep -c '^wait' "$tmp/o.trace") -eq 6 ]] &&
  grep -q '^@125000 map dom=2 iova=0xfffff000 pa=0x12a3f5000 size=0x1000 perm=rw$' "$tmp/o.trace" &&
  ok "options" || { bad "options not applied"; cat "$tmp/o.trace"; }
"$bin" run --trace "$tmp/o.trace" --json "$tmp/o.json" >/dev/null
"$jsoncheck" "$tmp/o.json" requests 0 invalidations.wait_events 6 && ok "options replay" ||
  bad "options replay"
exit $fail
