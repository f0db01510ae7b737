// The integer re-implementation (model/func, no LibTorch) against LibTorch's QNNPACK
// int8 engine, layer by layer, bit for bit.
#include <gtest/gtest.h>

#include <random>

#include "model/func/int8_ops.h"
#include "tests/int8_compare.h"
#include "tests/torch_helpers.h"

namespace qacc {
namespace {

using testing_support::first_divergence;

QuantModel calibrated_model() {
  VggLite& model = testing_support::briefly_trained_model();
  const FusedVggLite fused(model);
  return make_quant_model(fused, calibrate(fused, testing_support::train_images(512)));
}

// Moves every activation exponent after the input by `delta` (clamped to the
// observer's range), keeping the chain consistent: other shifts, more or less
// saturation, same weights.
QuantModel with_activation_exponents_moved(QuantModel m, int delta) {
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    auto& l = m.layers[i];
    l.output_exp = std::clamp(l.output_exp + delta, -kModelMaxExponent, kModelMaxExponent);
    if (i + 1 < m.layers.size()) m.layers[i + 1].input_exp = l.output_exp;
  }
  validate_model(m, "moved exponents");
  return m;
}

TEST(Int8Exact, CalibratedModelEveryLayer) {
  const QuantModel m = calibrated_model();
  const QuantizedVggLite q(m);
  EXPECT_EQ(first_divergence(q, testing_support::test_images(48).pixels), "");
}

TEST(Int8Exact, OtherShiftsAndHeavySaturation) {
  const QuantModel base = calibrated_model();
  for (int delta : {-3, -1, 2, 4}) {
    const QuantizedVggLite q(with_activation_exponents_moved(base, delta));
    EXPECT_EQ(first_divergence(q, testing_support::test_images(8).pixels), "") << "exponents moved by " << delta;
  }
}

TEST(Int8Exact, AccumulatorsBeyondTwoToThe24) {
  // conv (3->32, all weights 127) saturates bright images to 255; the dense layer
  // then sums 2048 products of about 127*110, past 2^24, where QNNPACK's float
  // conversion rounds the accumulator.
  std::mt19937 rng(1);
  QuantModel m;
  m.input_channels = 3;
  m.input_height = m.input_width = 8;
  m.input_exp = -6;
  m.num_classes = 10;
  QuantLayer conv;
  conv.name = "conv";
  conv.type = LayerType::kConv2d;
  conv.flags = kLayerRelu;
  conv.in_channels = 3;
  conv.in_height = conv.in_width = conv.out_height = conv.out_width = 8;
  conv.out_channels = 32;
  conv.kernel = 3;
  conv.padding = 1;
  conv.input_exp = -6;
  conv.weight_exp = -8;
  conv.output_exp = -8;
  conv.input_zero_point = conv.output_zero_point = 128;
  conv.weights.assign(conv.weight_count(), 127);
  conv.bias.assign(32, 0);
  QuantLayer fc;
  fc.name = "fc";
  fc.type = LayerType::kDense;
  fc.flags = 0;
  fc.in_channels = 32 * 64;
  fc.out_channels = 10;
  fc.input_exp = -8;
  fc.weight_exp = -8;
  fc.output_exp = 5;  // shift 21
  fc.input_zero_point = fc.output_zero_point = 128;
  std::uniform_int_distribution<int> w(90, 127), b(-100000, 100000);
  fc.weights.resize(fc.weight_count());
  for (auto& v : fc.weights) v = static_cast<std::int8_t>(w(rng));
  fc.bias.resize(10);
  for (auto& v : fc.bias) v = b(rng);
  // Output 0 is placed one above a rounding tie: acc = 10.5 * 2^21 + 1. A float holds
  // only even integers there, so QNNPACK sees exactly 10.5 * 2^21 and rounds the tie to
  // 10; an exact integer shift would give 11. The conv saturates every value to
  // 255, so the dense input is 127 everywhere and the sum is known in advance.
  constexpr int64_t kTie = 21 * (int64_t{1} << 20);
  int64_t row0 = 0;
  for (int i = 0; i < fc.in_channels; ++i) row0 += 127 * fc.weights[static_cast<std::size_t>(i)];
  fc.bias[0] = static_cast<int32_t>(kTie + 1 - row0);
  m.layers = {conv, fc};
  validate_model(m, "synthetic");

  auto pixels = torch::randint(200, 256, {16, 3, 8, 8}, torch::kInt64).to(torch::kUInt8);
  const QuantizedVggLite q(m);
  EXPECT_EQ(first_divergence(q, pixels), "");
  const auto logits = func::run_network(m, pixels[0].contiguous().data_ptr<uint8_t>()).back();
  EXPECT_EQ(logits[0], 128 + 10);
  EXPECT_EQ(func::round_shift(kTie + 1, 21), 11);  // what an exact shift would say
}

}  // namespace
}  // namespace qacc
