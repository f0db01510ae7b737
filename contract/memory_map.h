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
// Activations of one inference need well under 1 MiB for the networks this runs: the
// loader refuses a DRAM that leaves the heap less.
inline constexpr std::uint64_t kHeapReserve = 1u << 20;

struct DramLayout {
  std::uint64_t first_image = 0, heap = 0;
  std::uint64_t needed = 0;  // DRAM bytes that hold it all with the heap reserve
};
// Where the loader puts `images` images of `image_bytes` and the heap after a model
// file of `model_bytes`.
constexpr DramLayout dram_layout(std::uint64_t model_bytes, std::uint64_t image_bytes, std::uint64_t images) {
  const auto align = [](std::uint64_t a) { return (a + kRegionAlign - 1) / kRegionAlign * kRegionAlign; };
  DramLayout l;
  l.first_image = align(kModel + model_bytes);
  l.heap = align(l.first_image + image_bytes * images);
  l.needed = l.heap + kHeapReserve;
  return l;
}

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
  kBootPlanCount = 0x20,   // entries of the host's tile plan at kBootPlan (0: none)
};
inline constexpr std::uint32_t kBootMagicValue = 0x544F4F42;  // "BOOT"

// The host's mapping (the mapper's choice or the design's pins), one entry per layer:
// tile_out_channels, tile_rows, tile_in_channels and the walk's layer flags
// (registers.h, kLayoutFlags) as u32 words; an entry of zeros leaves that layer to the
// firmware's own planner. In the boot page, after BootInfo.
inline constexpr std::uint64_t kBootPlan = kBootInfo + 0x100;
inline constexpr std::uint32_t kBootPlanWords = 4;
inline constexpr std::uint32_t kBootPlanEntryBytes = kBootPlanWords * 4;
inline constexpr std::uint32_t kBootPlanMaxEntries = static_cast<std::uint32_t>((kModel - kBootPlan) / kBootPlanEntryBytes);

}  // namespace qacc::memory_map
