// libFuzzer target: the image loader (raw, CIFAR-10 record, PNG/JPEG through stb).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "model/io/image.h"

// Resize warnings on every input would only slow the fuzzer down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  qacc::log::set_level(qacc::log::Level::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const qacc::Image image = qacc::decode_image(std::vector<std::uint8_t>(data, data + size), "fuzz");
    if (image.pixels.size() != 3 * 32 * 32) __builtin_trap();  // every success is a 3x32x32 image
  } catch (const qacc::Error&) {
  }
  return 0;
}
