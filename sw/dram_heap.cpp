#include "sw/dram_heap.h"

#include <fmt/format.h>

namespace qacc::sw {

std::uint64_t DramHeap::allocate(std::uint64_t bytes, std::uint64_t align) {
  const std::uint64_t at = (next_ + align - 1) / align * align;
  if (at + bytes > end_)
    throw FirmwareError(fmt::format("DRAM heap exhausted: {} bytes wanted at {:#x}, heap ends at {:#x}", bytes, at, end_));
  next_ = at + bytes;
  return at;
}

}  // namespace qacc::sw
