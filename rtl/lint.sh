#!/bin/sh
# Lints every module with Verilator's full warning set, each as its own top and the
# array and pass at the sizes the testbench builds. Exit status: 0 when all are clean.
set -e
cd "$(dirname "$0")"
lint() { echo "lint: $*"; verilator --lint-only -Wall "$@"; }
lint delay_line.sv --top-module delay_line
lint pe.sv --top-module pe
for n in 4 8 16; do
  lint delay_line.sv pe.sv pe_array.sv --top-module pe_array -GROWS=$n -GCOLS=$n
  lint delay_line.sv pe.sv pe_array.sv pe_pass.sv --top-module pe_pass -GROWS=$n -GCOLS=$n
done
# A non-square array and the smallest one, to catch width slips the square ones hide.
lint delay_line.sv pe.sv pe_array.sv pe_pass.sv --top-module pe_pass -GROWS=2 -GCOLS=5
lint delay_line.sv pe.sv pe_array.sv pe_pass.sv --top-module pe_pass -GROWS=1 -GCOLS=1
lint synth_parts.sv --top-module part_mul8
lint synth_parts.sv --top-module part_add32
lint pe.sv synth_parts.sv --top-module part_pe_ws
echo "lint: clean"
