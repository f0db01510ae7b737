#!/usr/bin/env bash
# Feeds the tools bad input of every class and prints a Markdown table of what each
# answers (exit code and the first line of stderr): the table of docs/robustness.md.
# Usage: scripts/robustness-table.sh [BUILD_DIR]   (default build/; needs a built tree)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

model=$here/train/shipped/vgglite_int8.qacm
head -c 1000 "$model" > truncated.qacm
: > empty.qacm
python3 - "$model" "$here/fuzz/corpus/image/tiny.png" <<'PY'
import struct, sys
m = open(sys.argv[1], 'rb').read()
def patch(name, off, val):
    b = bytearray(m); b[off:off + 4] = struct.pack('<I', val); open(name, 'wb').write(b)
patch('magic.qacm', 0, 0x12345678)            # magic
patch('version.qacm', 4, 99)                  # format version
patch('layers.qacm', 12, 1000000)             # layer count
patch('shape.qacm', 64 + 128 + 24, 25)        # conv2 in_channels
patch('exponent.qacm', 64 + 60, 0x80000000)   # conv1 input exponent
patch('shift.qacm', 64 + 80, 40)              # conv1 stored shift
png = bytearray(open(sys.argv[2], 'rb').read())
png[16:24] = struct.pack('>II', 16000, 16000)  # IHDR width and height
open('huge.png', 'wb').write(png)
PY
printf 'pe_rows: [1, 2]\n' > types.yaml
printf 'pe_rows: 300\n' > impossible.yaml
printf 'pe_rowz: 3\n' > unknown.yaml
printf 'pe_rows: 8\n  bad: [\n' > syntax.yaml
printf 'pe_rows: 8\npe_rows: 16\n' > duplicate.yaml
printf '{"simulation": {"simulationid": "x",\n' > memspec.json
head -c 100 /dev/zero | tr '\0' 'x' > noise.png
head -c 3072 /dev/zero > grey.raw
mkdir -p nodata

S=$build/tools/sim_top R=$build/tools/sim_regress W=$build/tools/sim_sweep V=$build/train/vgglite
M=$build/tools/sim_memtest
echo "| tool | bad input | exit | message |"
echo "|---|---|---|---|"
row() {
  local tool=$1 what=$2
  shift 2
  timeout 120 "$@" > /dev/null 2> err.txt
  local rc=$?
  local msg
  msg=$(head -1 err.txt | sed "s|$work/||g; s|$here/||g; s/|/\\\\|/g")
  echo "| $tool | $what | $rc | \`$msg\` |"
}
row sim_top "model: missing file" $S --model nowhere.qacm
row sim_top "model: empty file" $S --model empty.qacm
row sim_top "model: truncated" $S --model truncated.qacm
row sim_top "model: wrong magic" $S --model magic.qacm
row sim_top "model: wrong version" $S --model version.qacm
row sim_top "model: absurd layer count" $S --model layers.qacm
row sim_top "model: inconsistent shapes" $S --model shape.qacm
row sim_top "model: exponent out of range" $S --model exponent.qacm
row sim_top "model: shift disagrees with exponents" $S --model shift.qacm
row sim_top "image: missing" $S --image nowhere.bin
row sim_top "image: a folder" $S --image nodata
row sim_top "image: wrong size / not a picture" $S --image noise.png
row sim_top "image: PNG header claiming 16000 x 16000 pixels" $S --image huge.png
row sim_top "image: not 32x32, --no-resize" $S --image "$here/fuzz/corpus/image/tiny.png" --no-resize
row sim_top "config file: missing" $S --config nowhere.yaml
row sim_top "config file: not YAML" $S --config syntax.yaml
row sim_top "config file: unknown key" $S --config unknown.yaml
row sim_top "config file: wrong type (a list)" $S --config types.yaml
row sim_top "config file: impossible value" $S --config impossible.yaml
row sim_top "config file: duplicate key" $S --config duplicate.yaml
row sim_top "--set: unknown key" $S --set pe_count=4
row sim_top "--set: not a number" $S --set pe_rows=eight
row sim_top "--set: negative size" $S --set input_buffer_bytes=-4
row sim_top "--set: buffer below the smallest tile" $S --set output_buffer_bytes=64
row sim_top "--set: no burst in flight" $S --set dma_max_outstanding=0
row sim_top "--set: unknown DRAM model" $S --set dram_model=ddr4
row sim_top "--set: RTL PE array of a size not built" $S --set pe_model=rtl --pe 32x32
row sim_top "DRAMSys: unknown memspec" $S --set dram_model=dramsys --set dram_memspec=ddr9
row sim_top "DRAMSys: memspec file missing" $S --set dram_model=dramsys --set dram_memspec=/nonexistent/x.json
row sim_top "DRAMSys: memspec file malformed" $S --set dram_model=dramsys --set dram_memspec=memspec.json
bad=$build/tests/bad_dram  # inconsistent devices, made by the tests' configure step
row sim_top "banked: tRAS below tRCD" $S --set dram_model=banked --set dram_memspec=$bad/ras_below_rcd.json
row sim_top "banked: tRC below tRAS + tRP" $S --set dram_model=banked --set dram_memspec=$bad/rc_below_ras_rp.json
row sim_top "banked: zero banks" $S --set dram_model=banked --set dram_memspec=$bad/zero_banks.json
row sim_top "banked: mapping short of the device" $S --set dram_model=banked --set dram_memspec=$bad/mapping_short.json
row sim_top "--set: SRAM width 0" $S --set sram_model=ported --set input_buffer_width=0
row sim_top "--set: unknown SRAM ports" $S --set sram_ports=2rw
row sim_top "--set: fold overlap with ported buffers" $S --set sram_model=ported --set fold_overlap=on
row sim_top "mapping pin: does not fit" $S --set mapping.conv2=192/16/64
row sim_top "mapping pin: does not cover the layer" $S --set mapping.fc8=20/1/128
row sim_top "mapping pin: no such layer" $S --set mapping.fc9=1/1/1
row sim_top "mapping pin: malformed" $S --set mapping.fc6=128x1x256
row sim_top "mapping pin: unknown walk" $S --set mapping.fc6=128/1/256/cols
row sim_top "os_keep_sums with the RTL array" $S --pe 8x8 --set pe_model=rtl --set os_keep_sums=on
row sim_top "--pe: malformed" $S --pe 16
row sim_top "unknown option" $S --frobnicate
row sim_top "--log-level: unknown level" $S --log-level loud
row sim_top "--stats-json: unwritable path" $S --stats-json /nonexistent/s.json
row sim_top "--trace-file: unwritable path" $S --trace vcd --trace-file /nonexistent/t.vcd
row sim_top "--trace perfetto: unwritable path" $S --trace perfetto --trace-file /nonexistent/t.json
row sim_top "--check: image without a reference" $S --image grey.raw --check
row sim_top "--inject-fault: malformed" $S --inject-fault hang
row sim_memtest "--pattern: unknown" $M --pattern stream
row sim_memtest "strided: stride below the row" $M --pattern strided --row-bytes 64 --stride 32
row sim_memtest "pattern beyond the DRAM" $M --pattern seq-read --bytes 134217728
row sim_regress "--data: folder without CIFAR-10" $R --data nodata -n 5
row sim_regress "--count 0" $R -n 0
row sim_regress "-j negative" $R -n 5 -j -1
row sim_regress "--first beyond the test set" $R --first 9999 -n 5
row sim_regress "--model: wrong magic" $R --model magic.qacm -n 5
row sim_sweep "--grid: unknown key" $W plan --out sweep --grid pe_count=4,8
row sim_sweep "--grid: impossible point" $W plan --out sweep --grid pe=4x4,512x512
row sim_sweep "--grid: empty value" $W plan --out sweep --grid pe=4x4,,8x8
row sim_sweep "--grid: DRAM too small for model and heap" $W plan --out sweep --grid dram_bytes=1048576
row sim_sweep "--out: cannot be created" $W plan --out /proc/sweep --grid pe=4x4
row sim_sweep "--model: truncated" $W plan --out sweep --model truncated.qacm
row sim_sweep "merge: folder without a plan" $W merge nodata
$W plan --out sweep1 --grid pe=4x4 > /dev/null
row sim_sweep "point: index beyond the plan" $W point sweep1 5
row vgglite "eval --data: folder without CIFAR-10" $V eval --data nodata
row vgglite "inspect: wrong magic" $V inspect magic.qacm
row vgglite "quantize: not a checkpoint" $V quantize --float-model truncated.qacm --out q.qacm
row vgglite "train: unknown recipe" $V train --recipe slow --out t
row vgglite "train --out: cannot be created" $V train --out /proc/t --epochs 1
row vgglite "reference: not an image" $V reference --out r.qacr noise.png
row vgglite "classify: missing image" $V classify nowhere.bin
