#include "model/accelerator/layer_plan.h"

#include <algorithm>

namespace qacc {

LayerPlan plan_layer(const LayerDescriptor& d, const BufferSizes& sizes) {
  LayerPlan p;
  p.d = d;
  p.pad = d.padding();
  p.k2 = d.kernel * d.kernel;
  p.plane = std::uint64_t{d.in_height} * d.in_width;
  p.input_half = sizes.input / 2;
  p.weight_half = sizes.weight / 2;
  p.bias_at = std::size_t{d.tile_out_channels} * d.tile_in_channels * p.k2;
  p.result_at = kInt32Bytes * std::size_t{d.tile_out_channels} * d.tile_rows * d.out_width();
  const BufferNeeds needs = buffer_needs(d);
  p.result_tile = needs.result;
  p.bias_out_at = p.result_at + 2 * p.result_tile;
  p.bias_slot = needs.bias;
  const std::uint32_t oc_tiles = (d.out_channels + d.tile_out_channels - 1) / d.tile_out_channels;
  const std::uint32_t row_tiles = (d.out_height() + d.tile_rows - 1) / d.tile_rows;
  for (std::uint32_t outer = 0; outer < (d.rows_outer() ? row_tiles : oc_tiles); ++outer)
    for (std::uint32_t inner = 0; inner < (d.rows_outer() ? oc_tiles : row_tiles); ++inner)
      for (std::uint32_t c = 0; c < d.in_channels; c += d.tile_in_channels) {
        const std::uint32_t oc = (d.rows_outer() ? inner : outer) * d.tile_out_channels;
        const std::uint32_t y = (d.rows_outer() ? outer : inner) * d.tile_rows;
        LayerStep st{};
        st.oc = oc;
        st.oc_n = std::min(d.tile_out_channels, d.out_channels - oc);
        st.y = y;
        st.y_n = std::min(d.tile_rows, d.out_height() - y);
        st.c = c;
        st.c_n = std::min(d.tile_in_channels, d.in_channels - c);
        st.first = c == 0;
        st.last = c + st.c_n == d.in_channels;
        st.rows_in = st.y_n + 2 * p.pad;
        st.top = y < p.pad ? p.pad - y : 0;
        st.first_row = y + st.top - p.pad;
        st.valid = std::min<std::uint32_t>(d.in_height, y + st.y_n + p.pad) - st.first_row;
        // Each operand alternates halves only when a new block loads, so the half a
        // load overwrites held the block before the current one, whose pass is done.
        if (!p.steps.empty()) {
          const LayerStep& prev = p.steps.back();
          const bool same_inputs = d.reuse() && prev.y == st.y && prev.c == st.c && prev.c_n == st.c_n;
          const bool same_weights = d.reuse() && prev.oc == st.oc && prev.c == st.c && prev.c_n == st.c_n;
          st.load_inputs = !same_inputs;
          st.load_weights = !same_weights;
          st.input_half = same_inputs ? prev.input_half : 1 - prev.input_half;
          st.weight_half = same_weights ? prev.weight_half : 1 - prev.weight_half;
        }
        p.steps.push_back(st);
      }
  return p;
}

}  // namespace qacc
