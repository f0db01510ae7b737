#pragma once
// CIFAR-10 in its official binary layout: records of 1 label byte + 3072 pixel
// bytes (1024 red, 1024 green, 1024 blue, each plane 32x32 row-major).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace qacc {

inline constexpr int kCifarChannels = 3;
inline constexpr int kCifarSide = 32;
inline constexpr std::size_t kCifarImageBytes = kCifarChannels * kCifarSide * kCifarSide;
inline constexpr std::size_t kCifarRecordBytes = 1 + kCifarImageBytes;
inline constexpr std::size_t kCifarRecordsPerFile = 10000;
inline constexpr int kCifarClasses = 10;
inline constexpr std::array<std::string_view, kCifarClasses> kCifarClassNames = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

enum class CifarSplit { kTrain, kTest };

// Images kept as CHW bytes, contiguous, in file order.
struct CifarSet {
  std::vector<std::uint8_t> labels;
  std::vector<std::uint8_t> pixels;

  std::size_t size() const { return labels.size(); }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * kCifarImageBytes; }
};

// Reads data_batch_1..5.bin (train) or test_batch.bin (test) from `dir`, or from
// `dir`/cifar-10-batches-bin when `dir` is the folder the archive was unpacked in.
// Reads at most `limit` records when limit > 0. Throws qacc::Error naming the file
// and what was expected when a file is missing, has a size that is not a whole
// number of records, or holds a label outside 0..9.
CifarSet load_cifar(const std::filesystem::path& dir, CifarSplit split, std::size_t limit = 0);

// The folder that holds the batch files: `dir` itself or its cifar-10-batches-bin.
std::filesystem::path resolve_cifar_dir(const std::filesystem::path& dir);

// Default data folder: $QACC_CIFAR_DIR if set, else the build tree's unpacked copy.
std::filesystem::path default_cifar_dir();

// Class index by name ("cat" -> 3), or -1.
int cifar_class_index(std::string_view name);

}  // namespace qacc
