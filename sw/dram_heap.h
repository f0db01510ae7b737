#pragma once
// DRAM buffer placement for the firmware: a bump allocator over the heap the boot
// information describes.
#include <cstdint>
#include <stdexcept>

namespace qacc::sw {

// What the firmware throws for anything but a bus error: a model the accelerator
// cannot run, a failed or hung layer, an exhausted heap. The message names the layer.
class FirmwareError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DramHeap {
 public:
  // Cache-line alignment, so no two buffers share a DMA burst's line.
  static constexpr std::uint64_t kDefaultAlign = 64;

  DramHeap(std::uint64_t base, std::uint64_t bytes) : next_(base), end_(base + bytes) {}
  // Throws FirmwareError when the heap cannot hold `bytes` more.
  std::uint64_t allocate(std::uint64_t bytes, std::uint64_t align = kDefaultAlign);

 private:
  std::uint64_t next_, end_;
};

}  // namespace qacc::sw
