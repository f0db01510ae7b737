// libFuzzer target: the .qacr golden-reference parser.
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "model/io/reference_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const qacc::ReferenceSet set = qacc::decode_references(data, size, "fuzz");
    const auto again = qacc::encode_references(set);
    qacc::decode_references(again.data(), again.size(), "re-encoded");
  } catch (const qacc::Error&) {
  }
  return 0;
}
