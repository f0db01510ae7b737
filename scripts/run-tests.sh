#!/usr/bin/env bash
# The whole test suite: set up and build whatever is missing, then run ctest. The
# CIFAR-10 archive is unpacked into build/data by ctest's first fixture, from
# QACC_CIFAR_TARBALL (default: ../shared/data/cifar-10-binary.tar.gz).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
exec ctest --test-dir "$here/build" --output-on-failure -j "$(nproc)"
