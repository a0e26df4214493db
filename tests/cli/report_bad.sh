#!/usr/bin/env bash
# `iommusim report` on bad input: one exact message on stderr, nothing else
# there, and the exit status: report_bad.sh IOMMUSIM DATA_DIR (tests/cli/report)
set -u
bin=$1 data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$data"/* "$tmp"/ && cd "$tmp" || exit 1
"$bin" run --json run.json --records run.csv >/dev/null || { echo "FAIL: iommusim run"; exit 1; }
fail=0
expect() { # status, exact stderr, arguments of iommusim report...
  local status=$1 want=$2 err rc
  err=$("$bin" report "${@:3}" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne $status || $err != "$want" ]]; then
    echo "FAIL report ${*:3}"
    echo "  expected status $status: $want"
    echo "  got      status $rc: $err"
    fail=1
  else
    echo "ok report ${*:3}"
  fi
}
m='iommusim report: '
J='expected the JSON of iommusim run --json'
C='expected the CSV of iommusim run --records'
expect 2 "${m}no JSON file given, expected RUN.json (see iommusim report --help)"
expect 2 "${m}missing.json: cannot open: No such file or directory, $J" missing.json
expect 2 "${m}not-json.json:3: not JSON (column 15), $J" not-json.json
expect 2 "${m}array.json: not a JSON object, $J" array.json
expect 2 "${m}missing-key.json: no key 'iotlb.hits', $J" missing-key.json
expect 2 "${m}string-value.json: requests: a string, expected a number" string-value.json
expect 2 "${m}--bogus: unknown option, expected --records, --window, --plot, --sweep, --values, --metric or --help" --bogus run.json
expect 2 "${m}--plot: value missing, expected --plot DIR" run.json --plot
expect 2 "${m}--records: given twice, expected it at most once" run.json --records run.csv --records run.csv
expect 2 "${m}run.csv: one JSON file expected, or --sweep KEY to compare several" run.json run.csv
expect 2 "${m}--window: '0', expected a number of requests from 1" run.json --records run.csv --window 0
expect 2 "${m}--window: only with --records RUN.csv" run.json --window 8
expect 2 "${m}--metric: only with --sweep KEY" run.json --metric walks.count
expect 2 "${m}--records: missing.csv: cannot open: No such file or directory, $C" run.json --records missing.csv
expect 2 "${m}no-column.csv:1: no column 'source', $C" run.json --records no-column.csv
expect 2 "${m}short-row.csv:4: 6 fields, expected 18 as in the header" run.json --records short-row.csv
expect 2 "${m}bad-source.csv:4: source: 'cache', expected walk, iotlb, devtlb or untranslated" run.json --records bad-source.csv
expect 2 "${m}bad-reads.csv:3: mem_reads: 'many', expected a whole number" run.json --records bad-reads.csv
expect 2 "${m}run.csv: 34 records, but other-run.json has 2 requests, expected the records of the same run" other-run.json --records run.csv
expect 2 "${m}run.json: no 'iotlb.ways=VALUE' in the file name, expected it there or --values V,V,..." --sweep iotlb.ways run.json
expect 2 "${m}--values: 1 value for 2 files, expected one per file" --sweep iotlb.ways --values 4 run.json run.json
expect 2 "${m}run.json: no key 'iotlb.hitrate', $J" --sweep iotlb.ways --values 4 --metric iotlb.hitrate run.json
expect 2 "${m}run.json: trace.file: a string, expected a number or null" --sweep iotlb.ways --values 4 --metric trace.file run.json
expect 2 "${m}--records: not with --sweep, expected --metric, --values or --plot" --sweep iotlb.ways --records run.csv run.json
expect 2 "${m}--plot: cannot create directory 'run.json': not a directory, expected a writable path" run.json --plot run.json
# Without gnuplot the data and scripts are written, the charts are not: status 1.
err=$(env PATH=/nonexistent "$bin" report run.json --plot nognuplot 2>&1 >/dev/null)
rc=$?
want="${m}--plot: gnuplot not found on PATH, expected it installed (Debian package gnuplot-nox); data and scripts are in nognuplot"
if [[ $rc -ne 1 || $err != "$want" || ! -s nognuplot/hitrate.gp || -e nognuplot/hitrate.png ]]; then
  echo "FAIL report --plot without gnuplot"; echo "  expected status 1: $want"; echo "  got      status $rc: $err"; fail=1
else
  echo "ok report --plot without gnuplot"
fi
exit $fail
