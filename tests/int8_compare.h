#pragma once
// Compares the integer core's per-layer outputs with LibTorch's int8 engine and
// names the first divergence.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "model/func/int8_network.h"
#include "train/quantize.h"

namespace qacc::testing_support {

// Runs `pixels` ([N,3,H,W] uint8) through both and returns "" when every layer of
// every image agrees, else a description of the first mismatch.
inline std::string first_divergence(const QuantizedVggLite& torch_model, const torch::Tensor& pixels) {
  const auto outs = torch_model.forward_layers(pixels);
  const QuantModel& m = torch_model.model();
  for (int64_t n = 0; n < pixels.size(0); ++n) {
    const auto img = pixels[n].contiguous();
    const auto input = func::quantize_input(m, img.data_ptr<uint8_t>());
    std::vector<std::uint8_t> x = input;
    for (std::size_t l = 0; l <= m.layers.size(); ++l) {
      if (l > 0) x = func::run_layer(m.layers[l - 1], x);
      const auto ref = outs[l].int_repr()[n].contiguous();
      const auto* r = ref.data_ptr<uint8_t>();
      if (static_cast<std::size_t>(ref.numel()) != x.size())
        return fmt::format("image {} layer {}: {} values vs {}", n, l, x.size(), ref.numel());
      for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i] != r[i])
          return fmt::format("image {} {}: element {} integer core {} LibTorch {}", n,
                             l == 0 ? std::string("input") : m.layers[l - 1].name, i, x[i], r[i]);
    }
  }
  return "";
}

}  // namespace qacc::testing_support
