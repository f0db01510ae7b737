#include "contract/layer_descriptor.h"

#include <fmt/format.h>

#include "contract/registers.h"

namespace qacc {

bool LayerDescriptor::relu() const { return (flags & regs::kFlagRelu) != 0; }
bool LayerDescriptor::pool() const { return (flags & regs::kFlagMaxPool) != 0; }
bool LayerDescriptor::rows_outer() const { return (flags & regs::kFlagRowsOuter) != 0; }
bool LayerDescriptor::reuse() const { return (flags & regs::kFlagReuse) != 0; }
bool LayerDescriptor::bias_apart() const { return (flags & regs::kFlagBiasApart) != 0; }

std::vector<DescriptorRegister> encode_registers(const LayerDescriptor& d) {
  using namespace qacc::regs;
  const auto low = [](std::uint64_t addr) { return static_cast<std::uint32_t>(addr); };
  return {{kLayerIndex, "LAYER_INDEX", d.index},
          {kLayerType, "LAYER_TYPE", d.type},
          {kLayerFlags, "LAYER_FLAGS", d.flags},
          {kInChannels, "IN_CHANNELS", d.in_channels},
          {kInHeight, "IN_HEIGHT", d.in_height},
          {kInWidth, "IN_WIDTH", d.in_width},
          {kOutChannels, "OUT_CHANNELS", d.out_channels},
          {kKernel, "KERNEL", d.kernel},
          {kShift, "SHIFT", static_cast<std::uint32_t>(d.shift)},
          {kInZeroPoint, "IN_ZERO_POINT", d.in_zero_point},
          {kOutZeroPoint, "OUT_ZERO_POINT", d.out_zero_point},
          {kInAddr, "IN_ADDR", low(d.in_addr)},
          {kWeightAddr, "WEIGHT_ADDR", low(d.weight_addr)},
          {kBiasAddr, "BIAS_ADDR", low(d.bias_addr)},
          {kOutAddr, "OUT_ADDR", low(d.out_addr)},
          {kTileOutChannels, "TILE_OUT_CHANNELS", d.tile_out_channels},
          {kTileRows, "TILE_ROWS", d.tile_rows},
          {kTileInChannels, "TILE_IN_CHANNELS", d.tile_in_channels}};
}

LayerDescriptor decode_registers(const std::function<std::uint32_t(std::uint32_t offset)>& read) {
  using namespace qacc::regs;
  LayerDescriptor d;
  d.index = read(kLayerIndex);
  d.type = read(kLayerType);
  d.flags = read(kLayerFlags);
  d.in_channels = read(kInChannels);
  d.in_height = read(kInHeight);
  d.in_width = read(kInWidth);
  d.out_channels = read(kOutChannels);
  d.kernel = read(kKernel);
  d.shift = static_cast<std::int32_t>(read(kShift));
  d.in_zero_point = read(kInZeroPoint);
  d.out_zero_point = read(kOutZeroPoint);
  d.in_addr = read(kInAddr);
  d.weight_addr = read(kWeightAddr);
  d.bias_addr = read(kBiasAddr);
  d.out_addr = read(kOutAddr);
  d.tile_out_channels = read(kTileOutChannels);
  d.tile_rows = read(kTileRows);
  d.tile_in_channels = read(kTileInChannels);
  return d;
}

BufferNeeds buffer_needs(const LayerDescriptor& d) {
  BufferNeeds n;
  const std::uint64_t rows_in = std::uint64_t{d.tile_rows} + 2 * d.padding();
  n.input_half = std::uint64_t{d.tile_in_channels} * rows_in * d.in_width;
  n.bias = kInt32Bytes * std::uint64_t{d.tile_out_channels};
  n.weight_half = std::uint64_t{d.tile_out_channels} * d.tile_in_channels * d.kernel * d.kernel +
                  (d.bias_apart() ? 0 : n.bias);
  const std::uint64_t psums = std::uint64_t{d.tile_out_channels} * d.tile_rows * d.out_width();
  n.result = d.pool() ? psums / 4 : psums;
  n.output = kInt32Bytes * psums + 2 * n.result + (d.bias_apart() ? 2 * n.bias : 0);
  return n;
}

std::optional<Overflow> first_overflow(const BufferNeeds& n, const BufferSizes& s) {
  // Input and weight buffers hold two halves: one loading while the other computes.
  if (2 * n.input_half > s.input) return Overflow{Buffer::kInput, 2 * n.input_half, s.input};
  if (2 * n.weight_half > s.weight) return Overflow{Buffer::kWeight, 2 * n.weight_half, s.weight};
  if (n.output > s.output) return Overflow{Buffer::kOutput, n.output, s.output};
  return std::nullopt;
}

std::string descriptor_problem(const LayerDescriptor& d) {
  constexpr std::uint32_t kMaxDim = 65536, kMaxSide = 1024;
  if (d.type != 1 && d.type != 2) return fmt::format("layer type {} (expected 1 conv2d or 2 dense)", d.type);
  if ((d.flags & ~(regs::kFlagRelu | regs::kFlagMaxPool | regs::kLayoutFlags)) != 0)
    return fmt::format("unknown flags {:#x}", d.flags);
  if (d.in_channels == 0 || d.in_channels > kMaxDim || d.out_channels == 0 || d.out_channels > kMaxDim)
    return "channel counts must be 1..65536";
  if (d.in_height == 0 || d.in_height > kMaxSide || d.in_width == 0 || d.in_width > kMaxSide)
    return "input height and width must be 1..1024";
  if (d.kernel != 1 && d.kernel != 3) return fmt::format("kernel {} (expected 1 or 3)", d.kernel);
  if (d.type == 2 && (d.kernel != 1 || d.in_height != 1 || d.in_width != 1 || d.pool()))
    return "a dense layer is a 1x1 kernel on a 1x1 map without pooling";
  if (d.shift < -31 || d.shift > 31) return fmt::format("shift {} outside -31..31", d.shift);
  if (d.in_zero_point > 255 || d.out_zero_point > 255) return "zero points must be 0..255";
  if (d.tile_out_channels == 0 || d.tile_out_channels > d.out_channels)
    return fmt::format("tile output channels {} (expected 1..{})", d.tile_out_channels, d.out_channels);
  if (d.tile_in_channels == 0 || d.tile_in_channels > d.in_channels)
    return fmt::format("tile input channels {} (expected 1..{})", d.tile_in_channels, d.in_channels);
  if (d.tile_rows == 0 || d.tile_rows > d.out_height())
    return fmt::format("tile rows {} (expected 1..{})", d.tile_rows, d.out_height());
  if (d.pool() && (d.out_height() % 2 != 0 || d.out_width() % 2 != 0 || d.tile_rows % 2 != 0))
    return "max-pool needs even output sides and an even number of tile rows";
  return "";
}

}  // namespace qacc
