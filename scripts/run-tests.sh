#!/usr/bin/env bash
# The whole test suite: set up and build whatever is missing, then run ctest twice:
# first on an AddressSanitizer + UndefinedBehaviorSanitizer build of everything that
# does not link LibTorch (build-sanitize/, `cmake --preset sanitize`), so no undefined
# behaviour lands unseen, then on the release build with every test. QACC_SANITIZE=0
# skips the first. The CIFAR-10 archive is unpacked into each build tree by ctest's
# first fixture, from QACC_CIFAR_TARBALL (default: ../shared/data/cifar-10-binary.tar.gz).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
cd "$here"
if [ "${QACC_SANITIZE:-1}" != 0 ]; then
  [ -f build-sanitize/CMakeCache.txt ] || cmake --preset sanitize
  cmake --build --preset sanitize -j "$(nproc)"
  ctest --preset sanitize -j "$(nproc)"
fi
exec ctest --test-dir "$here/build" --output-on-failure -j "$(nproc)"
