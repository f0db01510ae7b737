#include "model/func/int8_network.h"

#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "model/func/int8_ops.h"

namespace qacc::func {

std::vector<std::uint8_t> quantize_input(const QuantModel& model, const std::uint8_t* pixels) {
  const std::size_t n = static_cast<std::size_t>(model.input_channels) * model.input_height * model.input_width;
  // x / 2^e = (p - offset) * 2^-(shift + e): a right shift by shift + e.
  const int shift = model.input_shift + model.input_exp;
  std::vector<std::uint8_t> q(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t v = round_shift(pixels[i] - model.input_offset, shift) + model.input_zero_point;
    q[i] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(v, 0, 255));
  }
  return q;
}

std::vector<std::uint8_t> run_layer(const QuantLayer& l, const std::vector<std::uint8_t>& input, Saturation* saturation) {
  if (input.size() != l.input_elements())
    fail("layer {}: input has {} values, expected {}", l.name, input.size(), l.input_elements());
  const std::size_t outputs = static_cast<std::size_t>(l.out_channels) * l.out_height * l.out_width;
  std::vector<std::int32_t> acc(outputs);
  const std::size_t plane = static_cast<std::size_t>(l.out_height) * l.out_width;
  for (int o = 0; o < l.out_channels; ++o)
    std::fill_n(acc.begin() + static_cast<std::ptrdiff_t>(o * plane), plane, l.bias[static_cast<std::size_t>(o)]);

  const int ph = l.in_height + 2 * l.padding, pw = l.in_width + 2 * l.padding;
  std::vector<std::int16_t> wide(static_cast<std::size_t>(l.in_channels) * ph * pw);
  widen_pad(input.data(), l.in_channels, l.in_height, l.in_width, l.input_zero_point, l.padding, l.padding,
            wide.data());
  if (l.type == LayerType::kConv2d)
    conv_accumulate(wide.data(), l.in_channels, ph, pw, l.weights.data(),
                    static_cast<std::size_t>(l.in_channels) * l.kernel * l.kernel, l.out_channels, l.kernel, acc.data());
  else
    dense_accumulate(wide.data(), l.in_channels, l.weights.data(), static_cast<std::size_t>(l.in_channels),
                     l.out_channels, acc.data());

  std::vector<std::uint8_t> act(outputs);
  const Saturation s = requantize(acc.data(), outputs, l.shift(), l.output_zero_point, l.relu(), act.data());
  if (saturation != nullptr) {
    saturation->high += s.high;
    saturation->low += s.low;
    saturation->relu_floor += s.relu_floor;
  }
  if (!l.pool()) return act;
  std::vector<std::uint8_t> pooled(l.result_elements());
  maxpool2x2(act.data(), l.out_channels, l.out_height, l.out_width, pooled.data());
  return pooled;
}

std::vector<std::vector<std::uint8_t>> run_network(const QuantModel& model, const std::uint8_t* pixels,
                                                   std::vector<Saturation>* saturation) {
  std::vector<std::vector<std::uint8_t>> results;
  std::vector<std::uint8_t> x = quantize_input(model, pixels);
  if (saturation != nullptr) saturation->resize(model.layers.size());
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    x = run_layer(model.layers[i], x, saturation != nullptr ? &(*saturation)[i] : nullptr);
    results.push_back(x);
  }
  return results;
}

std::vector<float> dequantize_logits(const QuantModel& model, const std::vector<std::uint8_t>& last) {
  const auto& l = model.layers.back();
  std::vector<float> logits(last.size());
  for (std::size_t i = 0; i < last.size(); ++i)
    logits[i] = std::ldexp(static_cast<float>(last[i] - l.output_zero_point), l.output_exp);
  return logits;
}

}  // namespace qacc::func
