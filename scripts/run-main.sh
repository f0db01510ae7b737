#!/usr/bin/env bash
# The main job: set up and build whatever is missing, then run the shipped cat image
# through the SystemC platform with a VCD trace (extra arguments go to sim_top).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
cd "$here"
exec build/tools/sim_top --image traces/images/cat.bin --trace vcd "$@"
