#!/usr/bin/env bash
# Unpacks the official CIFAR-10 binary archive (cifar-10-binary.tar.gz) into DEST,
# giving DEST/cifar-10-batches-bin. Idempotent: a complete unpacked copy is kept.
# Usage: scripts/get-cifar.sh [ARCHIVE] [DEST]
#   ARCHIVE defaults to ../shared/data/cifar-10-binary.tar.gz beside the checkout,
#   DEST to build/data. Nothing is downloaded: fetch the archive yourself from the
#   CIFAR-10 page ("CIFAR-10 binary version (suitable for C programs)").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
archive=${1:-$here/../shared/data/cifar-10-binary.tar.gz}
dest=${2:-$here/build/data}
out=$dest/cifar-10-batches-bin
files=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)
record_file_bytes=30730000

complete() {
  for f in "${files[@]}"; do
    [ "$(stat -c %s "$out/$f" 2>/dev/null || echo 0)" = "$record_file_bytes" ] || return 1
  done
}

if complete; then
  echo "CIFAR-10 already unpacked in $out"
  exit 0
fi
if [ ! -f "$archive" ]; then
  echo "get-cifar: $archive: archive not found (expected the official cifar-10-binary.tar.gz)" >&2
  exit 1
fi
mkdir -p "$dest"
# Unpack beside the destination, then move into place, so an interrupted run never
# leaves a half-filled folder that looks complete.
tmp=$(mktemp -d "$dest/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! tar -xzf "$archive" -C "$tmp"; then
  echo "get-cifar: $archive: not a readable .tar.gz" >&2
  exit 1
fi
if [ ! -d "$tmp/cifar-10-batches-bin" ]; then
  echo "get-cifar: $archive: no cifar-10-batches-bin/ folder inside (is this the binary version?)" >&2
  exit 1
fi
for f in "${files[@]}"; do
  size=$(stat -c %s "$tmp/cifar-10-batches-bin/$f" 2>/dev/null || echo missing)
  if [ "$size" != "$record_file_bytes" ]; then
    echo "get-cifar: $archive: $f is $size bytes, expected $record_file_bytes (10,000 records of 3073 bytes)" >&2
    exit 1
  fi
done
rm -rf "$out"
mv "$tmp/cifar-10-batches-bin" "$out"
echo "CIFAR-10 unpacked in $out"
