#!/usr/bin/env bash
# The main job: set up and build whatever is missing, then classify the shipped cat
# image with LibTorch's int8 engine and the integer core, which must agree on every
# layer.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
exec "$here/build/train/vgglite" classify "$here/traces/images/cat.bin"
