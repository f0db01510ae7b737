#!/usr/bin/env bash
# Runs shipped images on the PE array's RTL (pe_model: rtl) with --check, per array size
# and dataflow, and prints a Markdown table: images equal to LibTorch int8, the PE
# array's cycles, and the wall time of the RTL run against the cost model's on the same
# images (docs/performance.md, docs/timing.md §11).
# Usage: scripts/rtl-cosim.sh [SIZES] [DATAFLOWS] [IMAGES] [BUILD_DIR]
#   defaults: "4 8 16", "ws os is", all ten shipped images, build/
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sizes=${1:-4 8 16}
dataflows=${2:-ws os is}
images=${3:-airplane automobile bird cat deer dog frog horse ship truck}
sim=${4:-$here/build}/tools/sim_top
cd "$here"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seconds of simulation sim_top reports ("simulated in S s wall time").
wall() { sed -n 's/^simulated in \([0-9.]*\) s wall time.*/\1/p' "$1"; }

echo "| array | dataflow | images bit-exact | PE array cycles per image | RTL s per image | cost model s per image | RTL cycles per s |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do
  for df in $dataflows; do
    : > "$work/rows"
    for image in $images; do
      args=(--image "traces/images/$image.bin" --pe "${n}x$n" --dataflow "$df" --check)
      ok=1
      if ! "$sim" "${args[@]}" --set pe_model=rtl --stats-json "$work/s.json" > "$work/rtl.txt" 2>&1; then
        ok=0
        echo "$image ${n}x$n $df: $(grep -m1 -i 'mismatch\|error' "$work/rtl.txt")" >&2
      fi
      "$sim" "${args[@]}" > "$work/cost.txt" 2>&1
      echo "$ok $(wall "$work/rtl.txt") $(wall "$work/cost.txt") $(python3 -c "import json; print(sum(l['compute_cycles'] for l in json.load(open('$work/s.json'))['layers']))")" >> "$work/rows"
    done
    python3 - "$n" "$df" "$work/rows" <<'PY'
import sys
n, df, rows = sys.argv[1], sys.argv[2], [l.split() for l in open(sys.argv[3])]
ok = sum(int(r[0]) for r in rows)
rtl = sum(float(r[1]) for r in rows) / len(rows)
cost = sum(float(r[2]) for r in rows) / len(rows)
cycles = sum(int(r[3]) for r in rows) / len(rows)
print(f"| {n}x{n} | {df} | {ok} of {len(rows)} | {cycles:,.0f} | {rtl:.2f} | {cost:.3f} | {cycles / rtl:,.0f} |")
PY
  done
done
