#!/usr/bin/env bash
# Produces every shipped artefact of a training run, with the project's own tools, and
# records the commands in OUT/COMMANDS.md. For the fast recipe's run OUT is
# train/shipped (the default model) and the images are picked from it; for another
# run (the seed recipe's: OUT train/shipped/seed) the shipped images stay and only the
# model's own files are written:
#   OUT/vgglite_float.pt   float model (from RUN/checkpoint.pt)
#   OUT/vgglite_int8.qacm  fused, calibrated, quantised model file
#   OUT/train_log.csv, curves.png, config.json   the run's log, plot and configuration
#   OUT/eval.json          float and int8 top-1 on the 10,000 test images
#   traces/images/<class>.bin     (fast) one correctly classified test image per class
#   traces/golden/samples.qacr    (fast) LibTorch int8 outputs of every layer for them
#   OUT/samples.qacr              (other runs) the same for the shipped images
# Usage: scripts/make-shipped.sh RUN_DIR [OUT_DIR] [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
run=${1:?usage: make-shipped.sh RUN_DIR [OUT_DIR] [DATA_DIR]}
shipped=${2:-$here/train/shipped}
data=${3:-$here/build/data/cifar-10-batches-bin}
vgglite=$here/build/train/vgglite
[ -f "$run/checkpoint.pt" ] || { echo "make-shipped: $run/checkpoint.pt: no such checkpoint" >&2; exit 2; }
shipped=$(mkdir -p "$shipped" && cd "$shipped" && pwd)
picks_images=false
[ "$shipped" = "$here/train/shipped" ] && picks_images=true
images=("$here"/traces/images/{airplane,automobile,bird,cat,deer,dog,frog,horse,ship,truck}.bin)
"$vgglite" info "$run/checkpoint.pt" > "$shipped/config.json"
recipe=$(sed -n 's/.*"recipe": *"\([a-z]*\)".*/\1/p' "$shipped/config.json")
holdout=$(sed -n 's/.*"val_holdout": *\([0-9]*\).*/\1/p' "$shipped/config.json")

log=$shipped/COMMANDS.md
{
  echo "# How the shipped artefacts were made"
  echo
  echo "Training (the $recipe recipe's defaults; \`--resume\` continues it if interrupted):"
  echo
  echo "    build/train/vgglite train --recipe $recipe --val-holdout $holdout --out ${run#"$here"/}"
  echo
  echo "Then \`scripts/make-shipped.sh ${run#"$here"/} ${shipped#"$here"/}\`, which ran, on $(date -u +%Y-%m-%d):"
  echo
  echo "    build/train/vgglite info ${run#"$here"/}/checkpoint.pt > ${shipped#"$here"/}/config.json"
} > "$log"
step() {
  echo "    ${*//$here\//}" >> "$log"
  "$@"
}
step "$vgglite" quantize --float-model "$run/checkpoint.pt" --save-float "$shipped/vgglite_float.pt" \
  --out "$shipped/vgglite_int8.qacm" --data "$data"
step cp "$run/train_log.csv" "$shipped/"
step "$vgglite" plot "$shipped/train_log.csv" "$shipped/curves.png"
if $picks_images; then
  step "$vgglite" samples --out "$here/traces/images" --data "$data"
  step "$vgglite" reference --out "$here/traces/golden/samples.qacr" "${images[@]}"
else
  step "$vgglite" reference --model "$shipped/vgglite_int8.qacm" --out "$shipped/samples.qacr" "${images[@]}"
fi
echo "    build/train/vgglite eval --float-model ${shipped#"$here"/}/vgglite_float.pt" \
  "--model ${shipped#"$here"/}/vgglite_int8.qacm --json > ${shipped#"$here"/}/eval.json  (last line kept)" >> "$log"
"$vgglite" eval --data "$data" --float-model "$shipped/vgglite_float.pt" --model "$shipped/vgglite_int8.qacm" --json |
  tail -n 1 > "$shipped/eval.json"
cat "$shipped/eval.json"
