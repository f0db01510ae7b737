#!/usr/bin/env bash
# Rewrites the timing and format goldens (tests/golden/stats/) from the current build,
# for a deliberate change of the timing model or the statistics format. Commit them
# with the reason the numbers moved, and re-measure the figures the docs quote.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
QACC_UPDATE_GOLDENS=1 ctest --test-dir "$here/build" -R '^stats_golden_' --output-on-failure
git -C "$here" diff --stat -- tests/golden/stats
