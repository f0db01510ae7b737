#pragma once
// A layer as the accelerator's descriptor registers describe it, and the on-chip
// buffer space its tiling needs. Plain C++, shared by the accelerator (which rejects
// a plan that does not fit before the layer starts) and the firmware (which plans
// tiles to fit): the rule is written once, here.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qacc {

// Biases and partial sums are int32: four bytes in DRAM and in the buffers.
inline constexpr std::uint32_t kInt32Bytes = sizeof(std::int32_t);

struct LayerDescriptor {
  std::uint32_t index = 0;
  std::uint32_t type = 1;  // 1 conv2d, 2 dense (a 1x1 conv on a 1x1 map)
  std::uint32_t flags = 0;
  std::uint32_t in_channels = 0, in_height = 1, in_width = 1;
  std::uint32_t out_channels = 0;
  std::uint32_t kernel = 1;  // padding kernel/2, stride 1
  std::int32_t shift = 0;
  std::uint32_t in_zero_point = 0, out_zero_point = 0;
  std::uint64_t in_addr = 0, weight_addr = 0, bias_addr = 0, out_addr = 0;
  std::uint32_t tile_out_channels = 0, tile_rows = 0, tile_in_channels = 0;

  bool relu() const;
  bool pool() const;
  bool rows_outer() const;  // kFlagRowsOuter
  bool reuse() const;       // kFlagReuse
  bool bias_apart() const;  // kFlagBiasApart
  std::uint32_t padding() const { return kernel / 2; }
  std::uint32_t out_height() const { return in_height; }  // stride 1, "same" padding
  std::uint32_t out_width() const { return in_width; }
  std::uint32_t result_height() const { return pool() ? out_height() / 2 : out_height(); }
  std::uint32_t result_width() const { return pool() ? out_width() / 2 : out_width(); }
  std::uint64_t result_bytes() const {
    return std::uint64_t{out_channels} * result_height() * result_width();
  }
  std::uint64_t macs() const {
    return std::uint64_t{out_channels} * in_channels * kernel * kernel * out_height() * out_width();
  }
};

// Bytes each buffer must hold for the descriptor's tile sizes. Input and weight
// buffers are split in two halves (one loading while the other computes); the output
// buffer holds one tile's int32 partial sums plus two result tiles (one being
// stored while the next is post-processed), and with kFlagBiasApart two bias slots.
struct BufferNeeds {
  std::uint64_t input_half = 0;   // tile_in_channels x (tile_rows + 2*padding) x width
  std::uint64_t weight_half = 0;  // tile_out x tile_in x kernel^2 weights (+ tile_out x 4 bias)
  std::uint64_t output = 0;       // 4 x tile_out x tile_rows x width + 2 x result (+ 2 x bias)
  std::uint64_t result = 0;       // one result tile: tile_out x tile_rows x width (/4 pooled)
  std::uint64_t bias = 0;         // one tile's bias: 4 x tile_out
};

BufferNeeds buffer_needs(const LayerDescriptor& d);

// The rule that decides whether a tiling fits, written once for the accelerator (which
// refuses the layer), the firmware (which plans within it) and the tools (which reject
// a design before simulating it).
enum class Buffer { kInput, kWeight, kOutput };
struct BufferSizes {
  std::uint64_t input = 0, weight = 0, output = 0;
};
struct Overflow {
  Buffer buffer;
  std::uint64_t needed = 0;  // bytes the whole buffer must hold (both halves where split)
  std::uint64_t size = 0;    // bytes it has
};
// The first buffer, in the order input, weight, output, that cannot hold `needs`.
std::optional<Overflow> first_overflow(const BufferNeeds& needs, const BufferSizes& sizes);
inline bool fits(const BufferNeeds& needs, const BufferSizes& sizes) { return !first_overflow(needs, sizes); }

// The one mapping between a descriptor and the descriptor registers of registers.h:
// (offset, name, value) for every register, in register order. Addresses are
// truncated to 32 bits; the firmware checks they fit before programming.
struct DescriptorRegister {
  std::uint32_t offset;
  const char* name;
  std::uint32_t value;
};
std::vector<DescriptorRegister> encode_registers(const LayerDescriptor& d);
LayerDescriptor decode_registers(const std::function<std::uint32_t(std::uint32_t offset)>& read);

// "" when the descriptor is consistent (shapes, flags, tile sizes), else the reason.
std::string descriptor_problem(const LayerDescriptor& d);

}  // namespace qacc
