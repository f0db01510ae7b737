#include "model/io/cifar.h"

#include <cstdlib>
#include <fstream>

#include "base/error.h"

namespace qacc {
namespace {

std::vector<std::filesystem::path> batch_files(const std::filesystem::path& dir, CifarSplit split) {
  if (split == CifarSplit::kTest) return {dir / "test_batch.bin"};
  std::vector<std::filesystem::path> files;
  for (int i = 1; i <= 5; ++i) files.push_back(dir / fmt::format("data_batch_{}.bin", i));
  return files;
}

void append_file(const std::filesystem::path& file, std::size_t max_records, CifarSet& set) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  if (ec) fail("{}: cannot read CIFAR-10 batch ({})", file.string(), ec.message());
  if (bytes == 0 || bytes % kCifarRecordBytes != 0)
    fail("{}: size {} bytes is not a whole number of {}-byte CIFAR-10 records", file.string(), bytes,
         kCifarRecordBytes);
  const std::size_t records = std::min<std::size_t>(bytes / kCifarRecordBytes, max_records);
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("{}: cannot open CIFAR-10 batch", file.string());
  std::vector<std::uint8_t> raw(records * kCifarRecordBytes);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (!in) fail("{}: short read", file.string());

  const std::size_t first = set.size();
  set.labels.resize(first + records);
  set.pixels.resize((first + records) * kCifarImageBytes);
  for (std::size_t r = 0; r < records; ++r) {
    const std::uint8_t* rec = raw.data() + r * kCifarRecordBytes;
    if (rec[0] >= kCifarClasses)
      fail("{}: record {} has label {}, expected 0..{}", file.string(), r, rec[0], kCifarClasses - 1);
    set.labels[first + r] = rec[0];
    std::copy(rec + 1, rec + kCifarRecordBytes, set.pixels.begin() + static_cast<std::ptrdiff_t>((first + r) * kCifarImageBytes));
  }
}

}  // namespace

std::filesystem::path resolve_cifar_dir(const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "test_batch.bin")) return dir;
  const auto nested = dir / "cifar-10-batches-bin";
  if (std::filesystem::exists(nested / "test_batch.bin")) return nested;
  if (!std::filesystem::is_directory(dir))
    fail("{}: CIFAR-10 data folder does not exist (expected the folder unpacked from "
         "cifar-10-binary.tar.gz; scripts/get-cifar.sh unpacks it)",
         dir.string());
  fail("{}: no CIFAR-10 binary batches here (expected data_batch_1..5.bin and test_batch.bin, "
       "or a cifar-10-batches-bin folder holding them)",
       dir.string());
}

CifarSet load_cifar(const std::filesystem::path& dir, CifarSplit split, std::size_t limit) {
  const auto root = resolve_cifar_dir(dir);
  CifarSet set;
  for (const auto& file : batch_files(root, split)) {
    const std::size_t wanted = limit > 0 ? limit - set.size() : kCifarRecordsPerFile * 100;
    if (limit > 0 && wanted == 0) break;
    append_file(file, wanted, set);
  }
  return set;
}

std::filesystem::path default_cifar_dir() {
  if (const char* env = std::getenv("QACC_CIFAR_DIR"); env && *env) return env;
  return QACC_DEFAULT_CIFAR_DIR;
}

int cifar_class_index(std::string_view name) {
  for (int i = 0; i < kCifarClasses; ++i)
    if (kCifarClassNames[static_cast<std::size_t>(i)] == name) return i;
  return -1;
}

}  // namespace qacc
