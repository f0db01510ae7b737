#!/usr/bin/env bash
# Every performance figure of the project against its baseline, as one table:
# sets up and builds what is missing (scripts/setup.sh), unpacks CIFAR-10 for the
# regression figure, then runs build/bench/qacc_bench. Arguments go to qacc_bench
# (--regress-images N, --reps N, --skip-training, --work DIR).
# Run it on an otherwise idle machine: every figure is a wall-clock measurement.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/setup.sh
scripts/get-cifar.sh "${QACC_CIFAR_TARBALL:-$here/../shared/data/cifar-10-binary.tar.gz}" build/data
exec build/bench/qacc_bench "$@"
