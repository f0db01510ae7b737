// The CIFAR-10 loader on the real archive and on broken copies of it.
#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "model/io/cifar.h"
#include "tests/scratch.h"

namespace qacc {
namespace {
namespace fs = std::filesystem;

std::string load_error(const fs::path& dir, CifarSplit split) {
  try {
    load_cifar(dir, split);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void write_bytes(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(Cifar, LoadsTheTestSplit) {
  const CifarSet test = load_cifar(default_cifar_dir(), CifarSplit::kTest);
  ASSERT_EQ(test.size(), 10000u);
  ASSERT_EQ(test.pixels.size(), 10000u * kCifarImageBytes);
  std::array<int, kCifarClasses> count{};
  for (auto l : test.labels) ++count[l];
  for (int c : count) EXPECT_EQ(c, 1000);  // the test split is balanced
}

TEST(Cifar, LoadsTrainingBatchesInOrderAndHonoursLimit) {
  const CifarSet some = load_cifar(default_cifar_dir(), CifarSplit::kTrain, 12345);
  ASSERT_EQ(some.size(), 12345u);  // crosses into data_batch_2.bin
  const CifarSet first = load_cifar(default_cifar_dir(), CifarSplit::kTrain, 10001);
  EXPECT_TRUE(std::equal(first.pixels.begin(), first.pixels.end(), some.pixels.begin()));
}

TEST(Cifar, AcceptsTheFolderTheArchiveWasUnpackedIn) {
  const fs::path parent = resolve_cifar_dir(default_cifar_dir()).parent_path();
  EXPECT_EQ(resolve_cifar_dir(parent), resolve_cifar_dir(default_cifar_dir()));
}

TEST(Cifar, MissingFolderSaysWhatWasExpected) {
  const auto msg = load_error("/nonexistent/cifar", CifarSplit::kTest);
  EXPECT_NE(msg.find("/nonexistent/cifar"), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
}

TEST(Cifar, FolderWithoutBatches) {
  const testing_support::ScratchDir dir("empty_cifar");
  const auto msg = load_error(dir.path(), CifarSplit::kTest);
  EXPECT_NE(msg.find("test_batch.bin"), std::string::npos) << msg;
}

TEST(Cifar, PartialRecordIsRejected) {
  const testing_support::ScratchDir dir("short_cifar");
  write_bytes(dir.path() / "test_batch.bin", std::vector<char>(kCifarRecordBytes + 100, 1));
  const auto msg = load_error(dir.path(), CifarSplit::kTest);
  EXPECT_NE(msg.find("not a whole number of 3073-byte"), std::string::npos) << msg;
}

TEST(Cifar, BadLabelIsRejected) {
  const testing_support::ScratchDir dir("label_cifar");
  std::vector<char> bytes(2 * kCifarRecordBytes, 0);
  bytes[kCifarRecordBytes] = 12;
  write_bytes(dir.path() / "test_batch.bin", bytes);
  const auto msg = load_error(dir.path(), CifarSplit::kTest);
  EXPECT_NE(msg.find("record 1 has label 12"), std::string::npos) << msg;
}

TEST(Cifar, MissingTrainingBatchIsNamed) {
  const testing_support::ScratchDir dir("train_cifar");
  write_bytes(dir.path() / "test_batch.bin", std::vector<char>(kCifarRecordBytes, 0));
  write_bytes(dir.path() / "data_batch_1.bin", std::vector<char>(kCifarRecordBytes, 0));
  const auto msg = load_error(dir.path(), CifarSplit::kTrain);
  EXPECT_NE(msg.find("data_batch_2.bin"), std::string::npos) << msg;
}

TEST(Cifar, ClassNames) {
  EXPECT_EQ(cifar_class_index("cat"), 3);
  EXPECT_EQ(cifar_class_index("truck"), 9);
  EXPECT_EQ(cifar_class_index("unicorn"), -1);
}

}  // namespace
}  // namespace qacc
