#!/usr/bin/env bash
# Lints every rtl/*.sv with `verilator --lint-only -Wall`, each file's module
# as the top (with its default parameters from the build's iommu_params_pkg,
# PKG), the waivers of rtl/lint_waivers.vlt applied; then the file list
# rtl/iommu.f (with the default package kept in rtl/) as a user runs it. Any
# warning fails.
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
  # The default parameter package (rtl_params_default checks its text).
  if [[ $top == iommu_params_pkg ]]; then
    grep -Eq "^package[[:space:]]+$top;" "$f" ||
      { echo "rtl-lint: $f: expected package $top" >&2; fail=1; }
    continue
  fi
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
# rtl/iommu.f names every rtl/*.sv (the package first) and lints as it is,
# with the package kept in rtl/.
listed=$(grep -Ev '^[[:space:]]*(//|$)' "$rtl/iommu.f" | grep '\.sv$' | sort)
present=$(cd "$rtl" && ls -- *.sv | sort)
if [[ $listed != "$present" ]]; then
  echo "rtl-lint: rtl/iommu.f does not list exactly the files of rtl/*.sv" >&2
  diff <(echo "$listed") <(echo "$present") >&2
  fail=1
fi
if ! "$verilator" --lint-only -Wall --assert -F "$rtl/iommu.f" --top-module iommu_top; then
  echo "rtl-lint: -F rtl/iommu.f --top-module iommu_top: not clean" >&2
  fail=1
fi
[[ $fail -eq 0 ]] && echo "rtl-lint: ${#files[@]} files clean, rtl/iommu.f too"
exit $fail
