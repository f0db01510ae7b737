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
  p.result_tile = (buffer_needs(d).output - p.result_at) / 2;
  for (std::uint32_t oc = 0; oc < d.out_channels; oc += d.tile_out_channels)
    for (std::uint32_t y = 0; y < d.out_height(); y += d.tile_rows)
      for (std::uint32_t c = 0; c < d.in_channels; c += d.tile_in_channels) {
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
        p.steps.push_back(st);
      }
  return p;
}

}  // namespace qacc
