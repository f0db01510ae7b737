#!/usr/bin/env bash
# Where each layer's cycles go, for a small, a medium and a large array: runs sim_top
# on the cat image for each shape and draws the per-layer components (compute, PPU,
# DMA stalls by cause, SRAM stalls by cause; they add up to the layer's cycles) as
# stacked bars, one panel per shape, with gnuplot.
# Usage: scripts/plot-breakdown.sh OUT.png [--set key=value ...]
#   shapes: PE_SHAPES="8x8 32x32 128x128" (default); dataflow etc. through --set.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
shapes=${PE_SHAPES:-8x8 32x32 128x128}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

panels="set key top left font ',8'
"
for pe in $shapes; do
  "$here/build/tools/sim_top" --image "$here/traces/images/cat.bin" --pe "$pe" "$@" \
    --stats-csv "$work/$pe.csv" > /dev/null
  panels+="set title '$pe (k cycles)'
plot '$work/$pe.csv' using (column('compute_cycles')/1e3):xtic(stringcolumn('layer')) title 'compute', \\
  '' using (column('ppu_cycles')/1e3) title 'PPU', \\
  '' using (column('stall_load_cycles')/1e3) title 'wait: loads', \\
  '' using (column('stall_staging_cycles')/1e3) title 'wait: result half', \\
  '' using (column('stall_drain_cycles')/1e3) title 'wait: last stores', \\
  '' using (column('stall_sram_bandwidth_cycles')/1e3) title 'SRAM: own bytes', \\
  '' using (column('stall_sram_conflict_cycles')/1e3) title 'SRAM: DMA on the port'
unset key
"
done

n=$(echo "$shapes" | wc -w)
gnuplot <<EOF
set terminal pngcairo size $((n * 420)),420 font ',9'
set output '$out'
set datafile separator ','
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.75
set xtics rotate by -45 font ',8'
set grid ytics
set offsets 0, 0, graph 0.5, 0  # headroom for the key
set multiplot layout 1,$n title "where each layer's cycles go: $* (cat image)" noenhanced
$panels
unset multiplot
EOF
echo "wrote $out"
