#!/usr/bin/env bash
# Lints every rtl/*.sv with `verilator --lint-only -Wall`, each file's module
# as the top (with its default parameters from iommu_params_pkg), the
# waivers of rtl/lint_waivers.vlt applied. Any warning fails.
#   tools/rtl-lint.sh [VERILATOR] PKG.sv
set -euo pipefail
verilator=verilator
if [[ $# -eq 2 ]]; then verilator=$1; shift; fi
[[ $# -eq 1 && -f $1 ]] || { echo "usage: rtl-lint.sh [VERILATOR] iommu_params_pkg.sv" >&2; exit 2; }
pkg=$1
rtl="$(cd "$(dirname "$0")/../rtl" && pwd)"
shopt -s nullglob
files=("$rtl"/*.sv)
[[ ${#files[@]} -gt 0 ]] || { echo "rtl-lint: no rtl/*.sv" >&2; exit 1; }
fail=0
for f in "${files[@]}"; do
  top=$(basename "$f" .sv)
  if ! grep -Eq "^[[:space:]]*module[[:space:]]+$top\b" "$f"; then
    echo "rtl-lint: $f: expected module $top (one module per file, named as the file)" >&2
    fail=1
    continue
  fi
  if ! "$verilator" --lint-only -Wall --assert -y "$rtl" --top-module "$top" \
      "$rtl/lint_waivers.vlt" "$pkg" "$f"; then
    echo "rtl-lint: $top: not clean" >&2
    fail=1
  fi
done
[[ $fail -eq 0 ]] && echo "rtl-lint: ${#files[@]} modules clean"
exit $fail
