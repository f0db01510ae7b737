#!/bin/sh
# Synthesises one PE and the whole pass (sequencer + array) at 4x4, 8x8 and 16x16 with
# Yosys' generic gate library and writes the cell and transistor counts to
# OUT/area.txt (logs and full statistics under OUT/synth/; OUT is the first argument,
# default rtl/build). One core, no liberty file: see README.md for how the numbers
# become an area.
#
# `stat -tech cmos` has no transistor figure for flops with an enable or an
# asynchronous reset (it prints the total with a "+"), so the cmos count is taken after
# async2sync and dffunmap turn them into plain D flops plus muxes, which it counts
# (16 transistors a flop, 12 a mux).
set -e
cd "$(dirname "$0")"
OUT=${1:-build}
mkdir -p "$OUT/synth"
SRC="delay_line.sv pe.sv pe_array.sv pe_pass.sv"
out=$OUT/area.txt
echo "# yosys $(yosys -V | awk '{print $2}'), synth (hierarchical), generic gates; $(date -u +%Y-%m-%dT%H:%MZ)" > $out
printf "%-14s %8s %8s %12s %8s\n" design cells flops transistors seconds >> $out

run() {  # name, yosys commands that leave the top to measure
  name=$1
  shift
  t0=$(date +%s.%N)
  yosys -q -l $OUT/synth/$name.log -p "$*; tee -q -o $OUT/synth/$name.stat stat; async2sync; dffunmap; tee -q -o $OUT/synth/$name.cmos stat -tech cmos" >/dev/null
  t1=$(date +%s.%N)
  # The last "Number of cells" of a hierarchical stat is the design's total.
  cells=$(grep "Number of cells" $OUT/synth/$name.stat | tail -1 | awk '{print $4}')
  flops=$(sed -n '/design hierarchy/,$p' $OUT/synth/$name.cmos | grep -E '\$_DFF' | awk '{s += $2} END {print s}')
  [ -n "$flops" ] || flops=$(grep -E '\$_DFF' $OUT/synth/$name.cmos | awk '{s += $2} END {print s}')
  [ -n "$flops" ] || flops=0
  trans=$(grep "Estimated number of transistors" $OUT/synth/$name.cmos | tail -1 | awk '{print $5}')
  secs=$(awk "BEGIN {print $t1 - $t0}")
  printf "%-14s %8s %8s %12s %8.1f\n" $name "$cells" "$flops" "$trans" "$secs" | tee -a $out
}

run part_mul8 "read_verilog -sv synth_parts.sv; synth -top part_mul8"
run part_add32 "read_verilog -sv synth_parts.sv; synth -top part_add32"
run pe "read_verilog -sv pe.sv; synth -top pe"
run pe_ws_only "read_verilog -sv pe.sv synth_parts.sv; synth -flatten -top part_pe_ws"
for n in 4 8 16; do
  run pe_pass_${n}x$n "read_verilog -sv $SRC; chparam -set ROWS $n -set COLS $n pe_pass; synth -top pe_pass"
done
echo "written: $out"
