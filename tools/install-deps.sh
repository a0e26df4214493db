#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing.
# As root it runs apt-get; otherwise it names the packages and stops.
set -euo pipefail

packages=(
  cmake make gcc pkg-config
  libcunit1-dev   # unit tests
  libcjson-dev    # JSON statistics
  libinih-dev     # configuration files
  libzstd-dev     # compressed binary traces
  clang-format    # formatting check
  clang libclang-rt-14-dev  # libFuzzer targets
  valgrind        # memcheck of the default run
  gcovr           # make coverage
  time            # /usr/bin/time (peak RSS) for make soak
  gnuplot-nox     # iommusim report --plot
  verilator       # RTL lint and block tests (IOMMUSIM_BUILD_RTL)
  yosys           # RTL synthesis check
  libsystemc-dev  # SystemC/TLM-2.0 side (sim/) and co-simulation
  g++             # Verilated testbenches (C++17)
)
# Optional, not installed here: gtkwave (viewing the tests' +trace waveforms).

missing=()
for p in "${packages[@]}"; do
  [[ $p == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "iommusim: missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "iommusim: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
