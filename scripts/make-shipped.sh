#!/usr/bin/env bash
# Produces every shipped artefact from a training run folder, with the project's own
# tools, and records the commands in train/shipped/COMMANDS.md:
#   train/shipped/vgglite_float.pt   float model (from RUN/checkpoint.pt)
#   train/shipped/vgglite_int8.qacm  fused, calibrated, quantised model file
#   train/shipped/train_log.csv, curves.png, config.json   the run's log and plot
#   train/shipped/eval.json          float and int8 top-1 on the 10,000 test images
#   traces/images/<class>.bin        one correctly classified test image per class
#   traces/golden/samples.qacr       LibTorch int8 outputs of every layer for them
# Usage: scripts/make-shipped.sh RUN_DIR [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
run=${1:?usage: make-shipped.sh RUN_DIR [DATA_DIR]}
data=${2:-$here/build/data/cifar-10-batches-bin}
vgglite=$here/build/train/vgglite
shipped=$here/train/shipped
mkdir -p "$shipped" "$here/traces/images" "$here/traces/golden"

log=$shipped/COMMANDS.md
{
  echo "# How the shipped artefacts were made"
  echo
  echo "Training (the fast recipe's defaults; \`--resume\` continues it if interrupted):"
  echo
  echo "    build/train/vgglite train --recipe fast --out ${run#"$here"/}"
  echo
  echo "Then \`scripts/make-shipped.sh ${run#"$here"/}\`, which ran, on $(date -u +%Y-%m-%d):"
  echo
} > "$log"
step() {
  echo "    ${*//$here\//}" >> "$log"
  "$@"
}
step "$vgglite" quantize --float-model "$run/checkpoint.pt" --save-float "$shipped/vgglite_float.pt" \
  --out "$shipped/vgglite_int8.qacm" --data "$data"
cp "$run/train_log.csv" "$shipped/"
echo "    build/train/vgglite info RUN/checkpoint.pt > train/shipped/config.json" >> "$log"
"$vgglite" info "$run/checkpoint.pt" > "$shipped/config.json"
step "$vgglite" plot "$shipped/train_log.csv" "$shipped/curves.png"
step "$vgglite" samples --out "$here/traces/images" --data "$data"
step "$vgglite" reference --out "$here/traces/golden/samples.qacr" \
  "$here"/traces/images/{airplane,automobile,bird,cat,deer,dog,frog,horse,ship,truck}.bin
echo "    build/train/vgglite eval --json > train/shipped/eval.json  (last line kept)" >> "$log"
"$vgglite" eval --data "$data" --json | tail -n 1 > "$shipped/eval.json"
cat "$shipped/eval.json"
