#include "model/accelerator/layer_descriptor.h"

#include <fmt/format.h>

#include "model/accelerator/registers.h"

namespace qacc {

bool LayerDescriptor::relu() const { return (flags & regs::kFlagRelu) != 0; }
bool LayerDescriptor::pool() const { return (flags & regs::kFlagMaxPool) != 0; }

BufferNeeds buffer_needs(const LayerDescriptor& d) {
  BufferNeeds n;
  const std::uint64_t rows_in = std::uint64_t{d.tile_rows} + 2 * d.padding();
  n.input_half = std::uint64_t{d.tile_in_channels} * rows_in * d.in_width;
  n.weight_half = std::uint64_t{d.tile_out_channels} * d.tile_in_channels * d.kernel * d.kernel +
                  4 * std::uint64_t{d.tile_out_channels};
  const std::uint64_t psums = std::uint64_t{d.tile_out_channels} * d.tile_rows * d.out_width();
  const std::uint64_t result = d.pool() ? psums / 4 : psums;
  n.output = 4 * psums + 2 * result;
  return n;
}

bool fits(const BufferNeeds& n, std::uint64_t input_bytes, std::uint64_t weight_bytes, std::uint64_t output_bytes) {
  return 2 * n.input_half <= input_bytes && 2 * n.weight_half <= weight_bytes && n.output <= output_bytes;
}

std::string descriptor_problem(const LayerDescriptor& d) {
  constexpr std::uint32_t kMaxDim = 65536, kMaxSide = 1024;
  if (d.type != 1 && d.type != 2) return fmt::format("layer type {} (expected 1 conv2d or 2 dense)", d.type);
  if ((d.flags & ~(regs::kFlagRelu | regs::kFlagMaxPool)) != 0) return fmt::format("unknown flags {:#x}", d.flags);
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
