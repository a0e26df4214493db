#!/usr/bin/env bash
# Progress line: progress.sh IOMMUSIM
#
# A replay of about two seconds shows a progress line on a terminal's stderr
# (events, rate), refreshed in place and erased at the end; with stderr not a
# terminal, stderr stays empty. The terminal is a pty from script(1); exit
# 77 (skipped) without it.
set -u
bin=$1
command -v script >/dev/null || { echo "SKIP: script(1) not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" gen nic --count 1000000 | "$bin" convert - --to bin --out "$tmp/t.bin" || { echo "FAIL gen"; exit 1; }
script -qec "'$bin' run --trace '$tmp/t.bin' --json '$tmp/a.json' >/dev/null" /dev/null >"$tmp/pty" </dev/null ||
  { echo "FAIL: run under script exit status $?"; exit 1; }
fail=0
esc=$'\r\033[K'
grep -qE 'iommusim run: [0-9.]+[kMG]? events, [0-9.]+[kMG]? DMA requests, [0-9.]+[kMG]? events/s, [0-9]+s, [0-9]+% read' "$tmp/pty" ||
  { echo "FAIL: no progress line on the terminal:"; cat -v "$tmp/pty" | head -c 400; echo; fail=1; }
[[ $(tail -c ${#esc} "$tmp/pty") == "$esc" ]] || { echo "FAIL: the progress line is not erased at the end"; fail=1; }
"$bin" run --trace "$tmp/t.bin" --json "$tmp/b.json" >/dev/null 2>"$tmp/err" || { echo "FAIL: run exit $?"; fail=1; }
[[ -s $tmp/err ]] && { echo "FAIL: stderr not empty when it is not a terminal:"; cat -v "$tmp/err" | head -c 200; fail=1; }
cmp -s "$tmp/a.json" "$tmp/b.json" || { echo "FAIL: the JSON differs with a progress line"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok progress: shown on a terminal, erased at the end, silent otherwise"
exit $fail
