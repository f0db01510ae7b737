#!/usr/bin/env bash
# The GTKWave picture of the docs: sim_top's VCD of the cat image opened with the save
# file sim_top writes beside it, in a virtual X display, captured whole.
# Usage: scripts/shoot-gtkwave.sh OUT.png   (needs gtkwave, xvfb and imagemagick)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$here/build/tools/sim_top" --image "$here/traces/images/cat.bin" --trace vcd --trace-file cat.vcd > /dev/null
xvfb-run -s "-screen 0 1400x700x24" bash -c \
  "gtkwave cat.gtkw > /dev/null 2>&1 & sleep 6; import -window root '$out'; kill %1"
echo "$out: $(du -k "$out" | cut -f1) KB"
