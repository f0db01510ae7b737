#include "sw/tiling.h"

#include <algorithm>
#include <vector>

#include "contract/registers.h"

namespace qacc::sw {
namespace {

// full, full/2, full/4, ... 1 (rounded up), each once; with `even` every candidate is
// rounded up to an even number.
std::vector<std::uint32_t> halvings(std::uint32_t full, bool even) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t div = 1;; div *= 2) {
    std::uint32_t v = (full + div - 1) / div;
    if (even && v % 2 != 0) ++v;
    v = std::min(v, full);
    if (out.empty() || out.back() != v) out.push_back(v);
    if (v <= (even ? 2u : 1u)) break;
  }
  return out;
}

}  // namespace

LayerDescriptor layer_shape(const QuantLayer& l, std::uint32_t index) {
  LayerDescriptor d;
  d.index = index;
  d.type = static_cast<std::uint32_t>(l.type);
  d.flags = (l.relu() ? regs::kFlagRelu : 0u) | (l.pool() ? regs::kFlagMaxPool : 0u);
  // A dense layer reads the previous CHW result flattened: a 1x1 map of features.
  d.in_channels = static_cast<std::uint32_t>(l.in_channels);
  d.in_height = static_cast<std::uint32_t>(l.in_height);
  d.in_width = static_cast<std::uint32_t>(l.in_width);
  d.out_channels = static_cast<std::uint32_t>(l.out_channels);
  d.kernel = static_cast<std::uint32_t>(l.kernel);
  d.shift = l.shift();
  d.in_zero_point = static_cast<std::uint32_t>(l.input_zero_point);
  d.out_zero_point = static_cast<std::uint32_t>(l.output_zero_point);
  return d;
}

LayerDescriptor smallest_tiles(LayerDescriptor d) {
  d.tile_out_channels = 1;
  d.tile_rows = std::min(d.out_height(), d.pool() ? 2u : 1u);  // a pooled tile holds whole row pairs
  d.tile_in_channels = 1;
  return d;
}

std::uint64_t estimated_dram_bytes(const LayerDescriptor& d) {
  const std::uint64_t row_tiles = (d.out_height() + d.tile_rows - 1) / d.tile_rows;
  const std::uint64_t oc_tiles = (d.out_channels + d.tile_out_channels - 1) / d.tile_out_channels;
  const std::uint64_t weights = std::uint64_t{d.out_channels} * d.in_channels * d.kernel * d.kernel;
  // Each row tile also loads its halo rows, except at the image's edges.
  const std::uint64_t rows_loaded = d.in_height + 2 * std::uint64_t{d.padding()} * (row_tiles - 1);
  const std::uint64_t inputs = std::uint64_t{d.in_channels} * rows_loaded * d.in_width;
  return weights * row_tiles + inputs * oc_tiles + kInt32Bytes * std::uint64_t{d.out_channels} * row_tiles + d.result_bytes();
}

std::optional<TilePlan> plan_tiles(LayerDescriptor d, const HardwareInfo& hw) {
  std::optional<TilePlan> best;
  for (std::uint32_t oc : halvings(d.out_channels, false))
    for (std::uint32_t rows : halvings(d.out_height(), d.pool()))
      for (std::uint32_t ic : halvings(d.in_channels, false)) {
        d.tile_out_channels = oc;
        d.tile_rows = rows;
        d.tile_in_channels = ic;
        if (!descriptor_problem(d).empty()) continue;
        if (!fits(buffer_needs(d), {hw.input_buffer, hw.weight_buffer, hw.output_buffer})) continue;
        const TilePlan plan{oc, rows, ic, estimated_dram_bytes(d)};
        // Least traffic first; then fewer, larger passes.
        const auto passes = [&](const TilePlan& p) {
          return std::uint64_t{(d.out_channels + p.out_channels - 1) / p.out_channels} *
                 ((d.out_height() + p.rows - 1) / p.rows) * ((d.in_channels + p.in_channels - 1) / p.in_channels);
        };
        if (!best || plan.dram_bytes < best->dram_bytes ||
            (plan.dram_bytes == best->dram_bytes && passes(plan) < passes(*best)))
          best = plan;
      }
  return best;
}

}  // namespace qacc::sw
