#!/usr/bin/env bash
# Draws a sim_top timeline (--trace perfetto) as a picture: one row per track, in the
# viewer's order, each slice a bar and each instant a tick, over the whole run or a
# window of it. For the docs; ui.perfetto.dev shows the same tracks interactively.
# Usage: scripts/plot-timeline.sh TIMELINE.json OUT.png [FROM_US TO_US]
# Needs jq and gnuplot.
set -euo pipefail
if [ $# -ne 2 ] && [ $# -ne 4 ]; then
  echo "usage: $0 TIMELINE.json OUT.png [FROM_US TO_US]" >&2
  exit 2
fi
for tool in jq gnuplot; do
  command -v "$tool" > /dev/null || { echo "$0: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
trace=$1 out=$2 from=${3:-} to=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# order<TAB>track<TAB>kind<TAB>start<TAB>end, in microseconds.
jq -r '
  (.traceEvents | map(select(.ph == "M" and .name == "thread_name")) | map({key: (.tid | tostring), value: .args.name})
   | from_entries) as $names
  | (.traceEvents | map(select(.ph == "M" and .name == "thread_sort_index"))
     | map({key: (.tid | tostring), value: .args.sort_index}) | from_entries) as $order
  | .traceEvents[] | select(.ph == "X" or .ph == "i")
  | [$order[.tid | tostring], $names[.tid | tostring], .ph, .ts, .ts + (.dur // 0)] | @tsv' "$trace" > "$work/events"

# Rows from the top in the viewer's order; bars and ticks per row.
sort -t$'\t' -k1,1n -u "$work/events" | cut -f1,2 | awk -F'\t' '!seen[$2]++ {print $2}' > "$work/tracks"
rows=$(wc -l < "$work/tracks")
awk -F'\t' -v rows="$rows" -v bars="$work/bars" -v ticks="$work/ticks" '
  NR == FNR { y[$0] = rows - FNR; next }
  $3 == "X" { print $4, $5, y[$2] > bars }
  $3 == "i" { print $4, y[$2] > ticks }' "$work/tracks" "$work/events"
touch "$work/bars" "$work/ticks"
ytics=$(awk -v rows="$rows" '{printf "%s\"%s\" %d", (NR > 1 ? ", " : ""), $0, rows - NR}' "$work/tracks")
range=""
[ -n "$from" ] && range="set xrange [$from:$to]"

gnuplot <<EOF
set terminal pngcairo size 1400,$((120 + rows * 22)) font ',9'
set output '$out'
set ytics ($ytics)
set yrange [-0.7:$rows - 0.3]
set xlabel 'simulated time (us)'
set grid xtics
$range
set style fill solid 0.8 noborder
unset key
plot '$work/bars' using ((\$1 + \$2) / 2):3:((\$2 - \$1) / 2):(0.35):(int(\$3) % 8) with boxxyerror lc variable, \
  '$work/ticks' using 1:2 with points pt 9 ps 1.2 lc rgb 'black'
EOF
echo "$out: $(wc -l < "$work/bars") slices, $(wc -l < "$work/ticks") instants on $rows tracks"
