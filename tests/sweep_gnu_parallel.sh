#!/bin/bash
# The multi-machine path, on one machine: plan, run jobs.txt with GNU parallel (as
# `--sshlogin` would on many), merge.
# Usage: sweep_gnu_parallel.sh SIM_SWEEP DIR
set -euo pipefail
sim_sweep=$1
dir=$2
"$sim_sweep" plan --out "$dir" --grid pe=4x4,16x16
parallel --will-cite -j 2 < "$dir/jobs.txt"
"$sim_sweep" merge "$dir"
