#!/usr/bin/env bash
# Fails when a tracked C source or header differs from .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find model tools tests -name '*.[ch]')
[[ ${#files[@]} -gt 0 ]] || { echo "no C sources found" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files clean"
