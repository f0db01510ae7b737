#pragma once
// Tile planning: choose output-channel, row and input-channel tile sizes that fit the
// accelerator's buffers (the rule in contract/layer_descriptor.h) with the
// least DRAM traffic.
#include <cstdint>
#include <optional>

#include "contract/layer_descriptor.h"
#include "model/io/model_file.h"

namespace qacc::sw {

struct HardwareInfo {
  std::uint32_t pe_rows = 0, pe_cols = 0;
  std::uint32_t input_buffer = 0, weight_buffer = 0, output_buffer = 0;
};

struct TilePlan {
  std::uint32_t out_channels = 0, rows = 0, in_channels = 0;
  std::uint64_t dram_bytes = 0;      // estimated traffic of the layer with this plan
  std::uint32_t layout_flags = 0;    // the walk (regs::kLayoutFlags): the planner's own plans use none
};

// The descriptor of a model layer without addresses and tile sizes.
LayerDescriptor layer_shape(const QuantLayer& layer, std::uint32_t index);

// The layer with the smallest tiles the accelerator accepts: what every buffer must
// at least hold.
LayerDescriptor smallest_tiles(LayerDescriptor d);

// DRAM bytes the layer moves with the descriptor's tile sizes: weights once per row
// tile, inputs (with their halo rows) once per output-channel tile, results once.
std::uint64_t estimated_dram_bytes(const LayerDescriptor& d);

// The best plan, or nothing when even the smallest tiles do not fit.
std::optional<TilePlan> plan_tiles(LayerDescriptor d, const HardwareInfo& hw);

}  // namespace qacc::sw
