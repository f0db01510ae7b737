#pragma once
// The platform's address map, declared once for the router, the loader and the
// firmware. Plain C++ (no SystemC).
#include <cstdint>

namespace qacc::memory_map {

inline constexpr std::uint64_t kDramBase = 0x0000'0000;
inline constexpr std::uint64_t kAccelBase = 0x4000'0000;
inline constexpr std::uint64_t kAccelSize = 0x1000;

// DRAM layout the loader and the firmware agree on (offsets from kDramBase): boot
// information, the .qacm file as is, then the images (raw CHW, one after another),
// then the firmware's heap for activations up to the end of DRAM. Where the images
// and the heap start depends on the model's size: the boot information says.
inline constexpr std::uint64_t kBootInfo = 0x0000'0000;  // BootInfo, below
inline constexpr std::uint64_t kModel = 0x0000'1000;
inline constexpr std::uint64_t kRegionAlign = 4096;  // images and heap start on this

// The loader writes these little-endian u32 words at kBootInfo before the CPU starts.
enum BootInfo : std::uint32_t {
  kBootMagic = 0x00,       // kBootMagicValue
  kBootModelAddr = 0x04,
  kBootModelBytes = 0x08,
  kBootImageAddr = 0x0C,
  kBootImageBytes = 0x10,  // bytes of one image
  kBootHeapAddr = 0x14,
  kBootHeapBytes = 0x18,
  kBootImageCount = 0x1C,  // images at kBootImageAddr + i * kBootImageBytes
};
inline constexpr std::uint32_t kBootMagicValue = 0x544F4F42;  // "BOOT"

}  // namespace qacc::memory_map
