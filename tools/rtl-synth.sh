#!/usr/bin/env bash
# Generic Yosys synthesis of the RTL: each module of rtl/synth-tops.txt (the
# block's top, iommu_top, once it exists) is read with every rtl/*.sv and the
# parameter package, flattened, synthesized (`synth -top`), checked
# (`check -assert`: no multiple drivers, no combinational loops), counted
# (`stat`) and written as a netlist (`write_verilog -noattr`).
#
# A line may set parameters (Name=Value words after the module name), which
# the flip-flop expression may then use too. It fails on any Yosys warning not listed in rtl/synth-waivers.txt, on any
# latch, and when the netlist has fewer flip-flops than the module's state
# needs (the expression after the module name in synth-tops.txt, over the
# names of iommu_params_pkg): a front end that silently drops an array
# leaves a netlist far below that.
#
#   tools/rtl-synth.sh --pkg iommu_params_pkg.sv [--yosys YOSYS] [--out DIR]
#                      [--doc FILE.md] [--only MODULE]
# --doc writes the table of cells and flip-flops (docs/rtl-size.md).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
yosys=yosys pkg="" out="" doc="" only=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --yosys) yosys=$2; shift 2 ;;
    --pkg) pkg=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --doc) doc=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "rtl-synth: '$1': unknown option, expected --pkg, --yosys, --out, --doc, --only" >&2
       exit 2 ;;
  esac
done
[[ -n $pkg && -f $pkg ]] || { echo "rtl-synth: --pkg FILE (iommu_params_pkg.sv) is required" >&2; exit 2; }
out=${out:-$(mktemp -d)}
mkdir -p "$out"
tops_file=$root/rtl/synth-tops.txt
waivers=$root/rtl/synth-waivers.txt
[[ -f $tops_file ]] || { echo "rtl-synth: $tops_file missing" >&2; exit 2; }

# Package values as shell variables for the flip-flop expressions.
declare -A P
while read -r name val; do
  P[$name]=$val
done < <(sed -nE "s/^ *localparam +(int +unsigned|bit( +\[[0-9]+:0\])?) +([A-Za-z0-9_]+) *= *([0-9]+'[bhd])?([0-9A-Fa-f]+);.*/\3 \4\5/p" "$pkg" |
         awk '{v=$2; if (v ~ /^64.h/) { sub(/^64.h/, "", v); v="0x" v } else if (v ~ /^1.b/) { sub(/^1.b/, "", v) } print $1, v}')

eval_expr() { # an arithmetic expression over the module's parameters (M), then package names
  local e=$1 n
  for n in "${!M[@]}"; do
    e=$(sed -E "s/\b$n\b/(${M[$n]})/g" <<<"$e")
  done
  for n in "${!P[@]}"; do
    e=$(sed -E "s/\b$n\b/(${P[$n]})/g" <<<"$e")
  done
  if grep -Eq '[A-Za-z_]' <<<"${e//0x/}"; then
    echo "rtl-synth: '$1': unknown name in the flip-flop expression" >&2
    return 1
  fi
  echo $((e))
}

# The modules; the package is --pkg (rtl/iommu_params_pkg.sv is its default).
mapfile -t sv < <(ls "$root"/rtl/*.sv | grep -v '/iommu_params_pkg\.sv$')
fail=0
rows=()
while read -r top rest; do
  [[ -z $top || $top == \#* ]] && continue
  [[ -n $only && $top != "$only" ]] && continue
  # Name=Value words set parameters (chparam); the rest is the expression.
  chparam="" params="" expr=""
  declare -A M=() # this module's parameters; they shadow package names (Haw)
  for w in $rest; do
    if [[ $w == *=* ]]; then
      chparam+=" -set ${w%%=*} ${w#*=}"
      params+="${params:+ }$w"
      M[${w%%=*}]=${w#*=}
    else
      expr+=$w
    fi
  done
  log=$out/$top.log
  start=$(date +%s)
  if ! "$yosys" -q -l "$log" -p "read_verilog -sv $pkg ${sv[*]}; \
        ${chparam:+chparam$chparam $top;} synth -flatten -top $top; \
        check -assert; tee -o $out/$top.stat stat; write_verilog -noattr $out/$top.netlist.v" \
        >/dev/null 2>&1; then
    echo "rtl-synth: $top: yosys failed (see $log):" >&2
    grep -E "ERROR|Error" "$log" | head -5 >&2 || true
    fail=1
    continue
  fi
  secs=$(( $(date +%s) - start ))
  # Warnings: each must be waived (a regular expression per line in
  # rtl/synth-waivers.txt, with its reason in a comment above it).
  bad=0
  while read -r w; do
    ok=0
    if [[ -f $waivers ]]; then
      while read -r re; do
        [[ -z $re || $re == \#* ]] && continue
        if grep -Eq -- "$re" <<<"$w"; then ok=1; break; fi
      done <"$waivers"
    fi
    if [[ $ok -eq 0 ]]; then
      echo "rtl-synth: $top: $w" >&2
      bad=1
    fi
  done < <(grep -E "^Warning:" "$log" | sort -u)
  if grep -Eq '\$_DLATCH|\$dlatch|\$_SR_|Latch inferred' "$log" "$out/$top.stat"; then
    echo "rtl-synth: $top: latch in the netlist" >&2
    bad=1
  fi
  cells=$(awk '/Number of cells:/ {n=$4} END {print n+0}' "$out/$top.stat")
  ffs=$(awk '$1 ~ /^\$_(S?DFF|DFFE|SDFFE|SDFFCE|DFFSR|DFFSRE|ALDFF|ALDFFE)_/ {n+=$2} END {print n+0}' \
        "$out/$top.stat")
  need=0
  if [[ -n $expr ]]; then
    need=$(eval_expr "$expr") || { bad=1; need=0; }
  fi
  if [[ $ffs -lt $need ]]; then
    echo "rtl-synth: $top: $ffs flip-flops, below the $need its state needs ($expr)" >&2
    bad=1
  fi
  echo "rtl-synth: $top${params:+ ($params)}: $cells cells, $ffs flip-flops (state needs >= $need), ${secs}s"
  rows+=("| \`$top\` | ${params:-defaults} | $cells | $ffs | $need | \`$expr\` |")
  [[ $bad -eq 0 ]] || fail=1
done <"$tops_file"

if [[ -n $doc && $fail -eq 0 ]]; then
  {
    echo "# RTL size (Yosys generic synthesis)"
    echo
    echo "Written by \`tools/rtl-synth.sh --doc\` (CTest \`rtl_synth\` runs the same checks): each module"
    echo "of \`rtl/synth-tops.txt\` with the parameters of \`iommu_params_pkg\` (the model's defaults),"
    echo "\`synth -flatten -top\` in $("$yosys" -V | awk '{print $1, $2}'), generic gates (\`\$_AND_\`, \`\$_MUX_\`, ...)"
    echo "and flip-flops. *State needs* is the lower bound the parameters imply (the expression"
    echo "of \`synth-tops.txt\`); a netlist below it has lost logic."
    echo
    echo "| module | parameters | cells | flip-flops | state needs | from |"
    echo "| --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
  } >"$doc"
fi
exit $fail
