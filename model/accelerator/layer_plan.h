#pragma once
// How the accelerator's controller walks a layer: where each operand lives in its
// buffer and the PE passes in loop order. Plain C++, so the walk is tested apart from
// the timing that plays it out (Accelerator::run_layer).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "contract/layer_descriptor.h"

namespace qacc {

// One PE pass of a layer: output channels [oc, oc+oc_n), output rows [y, y+y_n),
// input channels [c, c+c_n); `first` and `last` mark a tile's first and last chunk.
// Its input rows: rows_in with the halo, of which rows [top, top + valid) exist in
// the image, starting at image row first_row; the rest are padding.
// Its operands lie in input half `input_half` and weight half `weight_half`; a step
// that loads no new block (kFlagReuse) uses the half the previous step loaded.
struct LayerStep {
  std::uint32_t oc, oc_n, y, y_n, c, c_n;
  bool first, last;
  std::uint32_t rows_in, top, valid, first_row;
  bool load_inputs = true, load_weights = true;
  std::uint32_t input_half = 0, weight_half = 0;
};

struct LayerPlan {
  LayerDescriptor d;
  std::uint32_t pad = 0, k2 = 0;
  std::uint64_t plane = 0;                     // input bytes per channel in DRAM
  std::size_t input_half = 0, weight_half = 0;  // double buffering: two halves each
  std::size_t bias_at = 0;                     // bias after the weights, in each weight half
  std::size_t result_at = 0, result_tile = 0;  // two result tiles after the partial sums
  std::size_t bias_out_at = 0, bias_slot = 0;  // kFlagBiasApart: two bias slots after them
  std::vector<LayerStep> steps;  // output channels, rows (or rows, output channels), input channels
  // Where a step's bias lies: after its weights in their half, or with kFlagBiasApart in
  // the output buffer's slot of the same index (it loads with the weights).
  std::size_t bias_offset(const LayerStep& step) const {
    return d.bias_apart() ? bias_out_at + step.weight_half * bias_slot : step.weight_half * weight_half + bias_at;
  }
};

// The plan of a descriptor that passed descriptor_problem and fits `sizes`.
LayerPlan plan_layer(const LayerDescriptor& d, const BufferSizes& sizes);

}  // namespace qacc
