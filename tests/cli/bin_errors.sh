#!/usr/bin/env bash
# The binary reader's errors: bin_errors.sh IOMMUSIM BINMAKE TRACE
#
# Each case builds a broken binary trace (binmake writes hex records into a
# zstd frame; others cut or damage a binary TRACE) and checks that replaying
# it exits 2 with exactly one line on stderr naming the file, the header or
# the record, the field and what was expected, and nothing on stdout.
set -u
bin=$1 binmake=$2 trace=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0

# expect NAME PATTERN COMMAND...: PATTERN is the exact stderr line, or a
# regular expression when it starts with '~'.
expect() {
  local name=$1 want=$2 rc got
  shift 2
  "$@" >out 2>err
  rc=$?
  got=$(cat err)
  if [[ $rc -ne 2 ]]; then
    echo "FAIL $name: exit status $rc, expected 2"; fail=1
  elif [[ $(wc -l <err) -ne 1 ]]; then
    echo "FAIL $name: stderr is not one line:"; sed 's/^/  /' err; fail=1
  elif [[ $want == \~* ]] && ! [[ $got =~ ${want:1} ]]; then
    echo "FAIL $name: stderr does not match /${want:1}/"; echo "  actual: $got"; fail=1
  elif [[ $want != \~* && $got != "$want" ]]; then
    echo "FAIL $name"; echo "  expected: $want"; echo "  actual:   $got"; fail=1
  elif [[ -s out ]]; then
    echo "FAIL $name: stdout not empty"; fail=1
  else
    echo "ok $name"
  fi
}
mk() { "$binmake" "$@" || { echo "FAIL binmake $*"; exit 1; }; }

"$bin" convert "$trace" --to bin --out good.bin || { echo "FAIL convert"; exit 1; }
printf 'iommusim-trace v1\n' >text.trace
size=$(stat -c %s good.bin)
head_hex="0000000000000000" # cycle delta 0

printf '\x89PNG\r\n\x1a\n\0\0\0\0\0\0\0\0' >png.bin
expect magic "png.bin:header: magic: '89 50 4e 47 0d 0a 1a 0a' is not the binary trace magic, expected 89 49 4f 4d 4d 55 0d 0a" \
  "$bin" run --trace png.bin
expect magic-text "text.trace:header: magic: '69 6f 6d 6d 75 73 69 6d' is not the binary trace magic, expected 89 49 4f 4d 4d 55 0d 0a (a text trace is read with --from text)" \
  "$bin" convert --from bin text.trace --out x.trace
expect bin-as-text "good.bin:1: header: a binary trace, expected a text trace ('iommusim-trace v1'; a binary one is read with --from bin)" \
  "$bin" convert --from text good.bin --out x.trace
[[ ! -e x.trace ]] || { echo "FAIL: a failed convert left its output"; fail=1; }
mk v3.bin 3
expect version "v3.bin:header: version: 3 is not supported, expected 1..2" "$bin" run --trace v3.bin
# Version 1 records have no iommu= key: a device record is 17 bytes there,
# 19 in version 2.
mk v1dev.bin 1 "0b $head_hex 0300 0001 0400 00 00"
if "$bin" run --trace v1dev.bin >out 2>err && [[ ! -s err ]]; then
  echo "ok v1-device"
else
  echo "FAIL v1-device: a version 1 device record does not replay:"; sed 's/^/  /' err; fail=1
fi
mk v2dev.bin 2 "0b $head_hex 0300 0001 0400 00 00"
expect v2-device-cut "v2dev.bin:record 1: device: record cut off after 17 of 19 bytes, expected a whole record (truncated trace?)" \
  "$bin" run --trace v2dev.bin
mk iommu.bin 2 "0b $head_hex 1100 0001 0000 00 00 0900"
expect iommu-index "iommu.bin:record 1: iommu: 9 is not an IOMMU index, expected 0..7" \
  "$bin" run --trace iommu.bin
mk iommus.bin 2 "0b $head_hex 1100 0001 0000 00 00 0100"
expect iommu-count "iommus.bin:record 1: device: iommu=1: the replay has 1 IOMMU, expected iommu=0..0 or a larger replay.iommus (--set replay.iommus=2)" \
  "$bin" run --trace iommus.bin
head -c 10 good.bin >short.bin
expect header-cut "short.bin:header: file header cut off after 10 of 16 bytes, expected magic, version and flags" \
  "$bin" run --trace short.bin
head -c 16 good.bin >nostream.bin
expect no-stream "nostream.bin:record 1: zstd: no zstd stream after the file header, expected an intact zstd stream" \
  "$bin" run --trace nostream.bin
head -c $((size - 5)) good.bin >trunc.bin
expect zstd-truncated "trunc.bin:record 1: zstd: the zstd stream ends inside a frame (truncated), expected an intact zstd stream" \
  "$bin" run --trace trunc.bin
cp good.bin corrupt.bin
printf '\xff\x00\xff\x00' | dd of=corrupt.bin bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect zstd-corrupt "~^corrupt\.bin:record [0-9]+: zstd: .+, expected an intact zstd stream$" \
  "$bin" run --trace corrupt.bin
mk type.bin 1 "09 $head_hex 0000" "10"
expect record-type "type.bin:record 2: type: 0x10 is not a record type, expected 1..15 (domain, map, unmap, attach, detach, flush, qi, wait, dma, ats, device, bind, unbind, free or gflush)" \
  "$bin" run --trace type.bin
mk cut.bin 1 "06 $head_hex 2100 0800"
expect record-cut "cut.bin:record 1: dma: record cut off after 13 of 35 bytes, expected a whole record (truncated trace?)" \
  "$bin" run --trace cut.bin
mk mask.bin 1 "09 $head_hex 0100"
expect key-mask "mask.bin:record 1: wait: key mask 0x0001 has bits beyond the 0 keys, expected 0x0000 at most" \
  "$bin" run --trace mask.bin
mk absent.bin 1 "01 $head_hex 0300 0100 02 04 0000"
expect absent-value "absent.bin:record 1: levels: a value is stored but the key is absent (mask bit 2 clear), expected 0" \
  "$bin" run --trace absent.bin
mk missing.bin 1 "01 $head_hex 0300 0100 02 00 0000"
expect missing-key "missing.bin:record 1: domain: levels= is missing, expected id=N stage=s1|s2 levels=3|4|5 [parent=M]" \
  "$bin" run --trace missing.bin
mk stage.bin 1 "01 $head_hex 0700 0100 03 04 0000"
expect bad-value "stage.bin:record 1: stage: '3' is not a stage, expected s1 or s2" "$bin" run --trace stage.bin
mk rule.bin 1 "01 $head_hex 0700 0100 01 03 0000"
expect key-rule "rule.bin:record 1: levels: 3 is not valid for stage=s1, expected 4 or 5" "$bin" run --trace rule.bin
mk page.bin 1 "02 $head_hex 1f00 0100 0000100000000000 0000200000000000 003000000000000001 03 00 00"
expect one-page "page.bin:record 1: size: 0x3000 is marked one page, expected 4K, 2M or 1G with the one-page flag" \
  "$bin" run --trace page.bin
# (the first wait needs cycles after its own to complete: not at 2^64 - 1)
mk time.bin 1 "09 0000ffffffffffff 0000" "09 0000010000000000 0000"
expect time-overflow "time.bin:record 2: time: '+65536' takes the cycle past 2^64, expected a smaller step" \
  "$bin" run --trace time.bin
mk nodomain.bin 1 "02 $head_hex 1f00 0100 0000100000000000 0000200000000000 001000000000000000 03 00 00"
expect replay-error "nodomain.bin:record 1: map: domain 1 does not exist, expected an existing domain" \
  "$bin" run --trace nodomain.bin
exit $fail
