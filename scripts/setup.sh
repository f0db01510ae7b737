#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (only those missing; as root,
# after apt-get update), then configures and builds with CMake into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
# Nothing is downloaded at configure or build time. DRAMSys (the optional DRAM back
# end) is built from QACC_DRAMSYS_SOURCE, a DRAMSys 5.1 source tree or archive
# (default: ../shared/vendor/DRAMSys-5.1.tar.gz when it is there; set it empty to
# build without).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

packages=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev
  libtorch-dev libopenblas0-openmp
  libfmt-dev libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libstb-dev
  libjemalloc-dev libssl-dev libsqlite3-dev gnuplot-nox parallel
  verilator yosys
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing and installing them needs root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

dramsys=()
[ -n "${QACC_DRAMSYS_SOURCE+set}" ] && dramsys=(-DQACC_DRAMSYS_SOURCE="$QACC_DRAMSYS_SOURCE")
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${dramsys[@]}"
elif [ ${#dramsys[@]} -gt 0 ]; then
  cmake -S . -B build "${dramsys[@]}"
fi
cmake --build build -j "$(nproc)"
