#pragma once
// Temporary paths for tests. ctest runs every test case as its own process, several
// at once, so a fixed name under the temporary directory is shared between processes
// that create, rename and delete it concurrently: each process gets its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>

namespace qacc::testing_support {

inline std::filesystem::path scratch_path(const std::string& name) {
  return std::filesystem::path(::testing::TempDir()) / fmt::format("qacc-{}-{}", ::getpid(), name);
}

// A fresh, empty directory for one test, removed with everything in it afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) : path_(scratch_path(name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace qacc::testing_support
