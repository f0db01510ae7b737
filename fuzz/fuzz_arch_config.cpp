// libFuzzer target: the architecture-config parser (YAML) and its validation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "model/config/arch_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const qacc::ArchConfig c = qacc::parse_arch_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    qacc::validate(c);  // what parses is valid
  } catch (const qacc::Error&) {
  }
  return 0;
}
