#!/usr/bin/env bash
# Gate-level simulation: synthesizes a module with Yosys (generic gates,
# `synth -flatten`, parameters set with chparam), writes the netlist
# (`splitnets`, then `write_verilog -noattr`: one-bit nets, so Verilator sees no
# false loops through a vector's bits), Verilates the netlist with a block test's
# testbench and runs it: the same checks as on the RTL, now on what Yosys
# made of it (a construct Yosys reads differently from Verilator fails here).
#
#   tools/rtl-gate.sh --pkg PKG.sv --top MODULE --tb TB.cpp [--tb MORE.c]...
#                     --model-lib libiommu_model.a --out DIR --name TEST
#                     [--param Name=Value]... [--yosys Y] [--verilator V] [-- TB args]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
yosys=yosys verilator=verilator pkg="" top="" out="" name="" lib=""
tbs=() params=() args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --pkg) pkg=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --tb) tbs+=("$2"); shift 2 ;;
    --model-lib) lib=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --param) params+=("$2"); shift 2 ;;
    --yosys) yosys=$2; shift 2 ;;
    --verilator) verilator=$2; shift 2 ;;
    --) shift; args=("$@"); break ;;
    *) echo "rtl-gate: '$1': unknown option" >&2; exit 2 ;;
  esac
done
[[ -f $pkg && -n $top && ${#tbs[@]} -gt 0 && -f $lib && -n $out && -n $name ]] ||
  { echo "rtl-gate: --pkg, --top, --tb, --model-lib, --out and --name are required" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
lib=$(realpath "$lib")
pkg=$(realpath "$pkg")
for i in "${!tbs[@]}"; do tbs[$i]=$(realpath "${tbs[$i]}"); done

# What iommusim_rtl_test() defines for a testbench, in a forced include.
defs=$out/$name.defs.h
{
  echo "#define VTOP V$top"
  echo "#define VTOP_HEADER \"V$top.h\""
  echo "#define TB_NAME \"$name\""
} >"$defs"
chparam=""
for p in "${params[@]}"; do
  k=${p%%=*} v=${p#*=}
  # chparam takes plain numbers (a sized literal such as 64'd7 is not one).
  v=$(sed -E "s/^[0-9]*'[dD]//; s/^[0-9]*'[hH]/0x/" <<<"$v")
  chparam+=" -set $k $((v))"
  echo "#define RTL_PARAM_$k $v" >>"$defs"
done
# The modules; the package is --pkg (rtl/iommu_params_pkg.sv is its default).
mapfile -t sv < <(ls "$root"/rtl/*.sv | grep -v '/iommu_params_pkg\.sv$')
net=$out/$name.netlist.v
"$yosys" -q -l "$out/$name.yosys.log" -p "read_verilog -sv $pkg ${sv[*]}; \
  ${chparam:+chparam$chparam $top;} synth -flatten -top $top; check -assert; \
  splitnets; write_verilog -noattr $net" >/dev/null
echo "rtl-gate: $name: netlist $(grep -c 'assign\|always' "$net") statements"

# The netlist is Yosys output, not project source: only errors matter.
cflags="-std=c++17 -include $defs -I$root/tests/rtl -I$root/model/src -I$root/model/include"
# -fno-const-bit-op-tree: Verilator 5.006's rewriting of bit-operation trees
# computed the random draw of the 4x6 cache's netlist wrongly (way 1 where the
# RTL, the model, Icarus Verilog on the same netlist and Yosys's own sat give
# way 3); without it the netlist simulates as its logic says.
"$verilator" --cc --exe --build -j 2 --trace -fno-const-bit-op-tree -Wno-fatal -Wno-lint -Wno-style \
  --top-module "$top" --prefix "V$top" -Mdir "$out/$name.obj" -o "$name" \
  -CFLAGS "$cflags" -LDFLAGS "$lib" "$net" "${tbs[@]}" >"$out/$name.build.log" 2>&1 ||
  { tail -20 "$out/$name.build.log" >&2; echo "rtl-gate: $name: build failed" >&2; exit 1; }
cd "$out"
"$out/$name.obj/$name" "${args[@]}"
