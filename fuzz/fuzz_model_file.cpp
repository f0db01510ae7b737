// libFuzzer target: the .qacm model-file parser. Any input must decode or throw
// qacc::Error; a decoded model must survive re-encoding.
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "model/io/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const qacc::QuantModel model = qacc::decode_model(data, size, "fuzz");
    const auto again = qacc::encode_model(model);
    qacc::decode_model(again.data(), again.size(), "re-encoded");
  } catch (const qacc::Error&) {
  }
  try {
    const std::size_t head = qacc::model_table_bytes(data, size, "fuzz");
    if (head <= size) qacc::decode_model_structure(data, head, size, "fuzz");
  } catch (const qacc::Error&) {
  }
  return 0;
}
