// The integer core alone: rounding, saturation, and the conv/dense/pool kernels
// against naive loops written straight from their definitions.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "model/func/int8_network.h"
#include "model/func/int8_ops.h"

namespace qacc::func {
namespace {

TEST(RoundShift, TiesToEven) {
  EXPECT_EQ(round_shift(5, 1), 2);    // 2.5 -> 2
  EXPECT_EQ(round_shift(7, 1), 4);    // 3.5 -> 4
  EXPECT_EQ(round_shift(-5, 1), -2);  // -2.5 -> -2
  EXPECT_EQ(round_shift(-7, 1), -4);  // -3.5 -> -4
  EXPECT_EQ(round_shift(-13, 1), -6);  // -6.5 -> -6, as Python's round
  EXPECT_EQ(round_shift(384, 8), 2);   // 1.5 -> 2
  EXPECT_EQ(round_shift(640, 8), 2);   // 2.5 -> 2
}

TEST(RoundShift, NonTies) {
  EXPECT_EQ(round_shift(385, 8), 2);
  EXPECT_EQ(round_shift(383, 8), 1);
  EXPECT_EQ(round_shift(-383, 8), -1);
  EXPECT_EQ(round_shift(-385, 8), -2);
  EXPECT_EQ(round_shift(1000, 0), 1000);
  EXPECT_EQ(round_shift(-3, -2), -12);  // negative shift multiplies
}

TEST(FloatPrecision, ExactUpToTwoToThe24) {
  EXPECT_EQ(to_float_precision(1 << 24), 1 << 24);
  EXPECT_EQ(to_float_precision(-(1 << 24)), -(1 << 24));
  EXPECT_EQ(to_float_precision((1 << 24) - 1), (1 << 24) - 1);
  // Above 2^24 a float holds even integers only: 2^24+1 is a tie -> 2^24 (even mantissa).
  EXPECT_EQ(to_float_precision((1 << 24) + 1), 1 << 24);
  EXPECT_EQ(to_float_precision((1 << 24) + 3), (1 << 24) + 4);
  EXPECT_EQ(to_float_precision(-((1 << 24) + 3)), -((1 << 24) + 4));
  EXPECT_EQ(to_float_precision(55'705'601), static_cast<std::int64_t>(static_cast<float>(55'705'601)));
}

TEST(Requantize, SaturatesAndClampsForRelu) {
  EXPECT_EQ(requantize_one(100 * 256, 8, 128, false), 228);
  EXPECT_EQ(requantize_one(200 * 256, 8, 128, false), 255);
  EXPECT_EQ(requantize_one(-200 * 256, 8, 128, false), 0);
  EXPECT_EQ(requantize_one(-5 * 256, 8, 128, false), 123);
  EXPECT_EQ(requantize_one(-5 * 256, 8, 128, true), 128);  // ReLU clamps at the zero point
  EXPECT_EQ(requantize_one(128 + 256, 8, 128, true), 130);  // 1.5 -> 2
  EXPECT_EQ(requantize_one(128 + 512, 8, 128, true), 130);  // 2.5 -> 2
}

TEST(Requantize, Int32OverflowOfTheScaledValueGivesTheLowerBound) {
  // acc * 2^8 is beyond int32: QNNPACK's cvtps2dq answers INT32_MIN.
  EXPECT_EQ(requantize_one(1 << 28, -8, 128, false), 0);
  EXPECT_EQ(requantize_one(1 << 28, -8, 128, true), 128);
}

TEST(Requantize, VectorPathEqualsTheDefinition) {
  // requantize() takes a branch-free path; requantize_one() is the definition. Ties,
  // both signs, saturation and accumulators beyond 2^24 (float rounding) included.
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::int32_t> any(std::numeric_limits<std::int32_t>::min(),
                                                  std::numeric_limits<std::int32_t>::max());
  std::uniform_int_distribution<std::int32_t> small(-100000, 100000);
  for (int shift : {-3, 0, 1, 2, 7, 8, 9, 15, 24, 31})
    for (int zp : {0, 128, 255})
      for (bool relu : {false, true}) {
        std::vector<std::int32_t> acc;
        for (int i = 0; i < 300; ++i) acc.push_back(i % 3 == 0 ? any(rng) : small(rng));
        if (shift >= 1)
          for (std::int64_t k = -40; k <= 40; ++k) {  // ties and exact values, where int32 holds them
            const std::int64_t v = k * (std::int64_t{1} << (shift - 1));
            if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max())
              acc.push_back(static_cast<std::int32_t>(v));
          }
        for (std::int32_t v : {(1 << 24) + 1, (1 << 24) + 3, -(1 << 24) - 3, 55'705'601}) acc.push_back(v);
        std::vector<std::uint8_t> out(acc.size());
        requantize(acc.data(), acc.size(), shift, zp, relu, out.data());
        for (std::size_t i = 0; i < acc.size(); ++i)
          ASSERT_EQ(out[i], requantize_one(acc[i], shift, zp, relu))
              << "acc " << acc[i] << " shift " << shift << " zp " << zp << " relu " << relu;
      }
}

TEST(Requantize, SaturationCountsEqualTheDefinition) {
  // requantize() counts with its fast rounding; the oracle here is the definition:
  // the unclamped value round_shift(f(acc)) + zp, compared with the bounds.
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::int32_t> any(std::numeric_limits<std::int32_t>::min(),
                                                  std::numeric_limits<std::int32_t>::max());
  std::uniform_int_distribution<std::int32_t> small(-3000, 3000);
  for (int shift : {-2, 0, 1, 4, 9, 24})
    for (int zp : {0, 7, 250})
      for (bool relu : {false, true}) {
        std::vector<std::int32_t> acc;
        for (int i = 0; i < 500; ++i) acc.push_back(i % 5 == 0 ? any(rng) : small(rng));
        for (std::int32_t v : {(1 << 24) + 1, -(1 << 24) - 3, 55'705'601, -55'705'601}) acc.push_back(v);
        Saturation want;
        for (std::int32_t a : acc) {
          std::int64_t v = round_shift(to_float_precision(a), shift);
          if (v > std::numeric_limits<std::int32_t>::max() || v < std::numeric_limits<std::int32_t>::min())
            v = std::numeric_limits<std::int32_t>::min();
          const std::int64_t q = v + zp;
          if (q > 255) ++want.high;
          else if (relu && q < zp) ++want.relu_floor;
          else if (!relu && q < 0) ++want.low;
        }
        std::vector<std::uint8_t> out(acc.size());
        const Saturation got = requantize(acc.data(), acc.size(), shift, zp, relu, out.data());
        EXPECT_EQ(got.high, want.high) << "shift " << shift << " zp " << zp << " relu " << relu;
        EXPECT_EQ(got.low, want.low) << "shift " << shift << " zp " << zp << " relu " << relu;
        EXPECT_EQ(got.relu_floor, want.relu_floor) << "shift " << shift << " zp " << zp << " relu " << relu;
        EXPECT_GT(got.high + got.low + got.relu_floor, 0u);
      }
}

TEST(Kernels, ConvMatchesNaiveDefinition) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127), b32(-5000, 5000);
  const int c = 5, k = 4, h = 6, w = 7, kernel = 3, pad = 1, zp = 128;
  std::vector<std::uint8_t> in(static_cast<std::size_t>(c * h * w));
  std::vector<std::int8_t> wt(static_cast<std::size_t>(k * c * kernel * kernel));
  std::vector<std::int32_t> bias(k);
  for (auto& v : in) v = static_cast<std::uint8_t>(u8(rng));
  for (auto& v : wt) v = static_cast<std::int8_t>(s8(rng));
  for (auto& v : bias) v = b32(rng);

  std::vector<std::int16_t> wide(static_cast<std::size_t>(c * (h + 2) * (w + 2)));
  widen_pad(in.data(), c, h, w, zp, pad, pad, wide.data());
  std::vector<std::int32_t> acc(static_cast<std::size_t>(k * h * w));
  for (int o = 0; o < k; ++o)
    for (int i = 0; i < h * w; ++i) acc[static_cast<std::size_t>(o * h * w + i)] = bias[static_cast<std::size_t>(o)];
  conv_accumulate(wide.data(), c, h + 2, w + 2, wt.data(), static_cast<std::size_t>(c * 9), k, kernel, acc.data());

  for (int o = 0; o < k; ++o)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        std::int64_t expect = bias[static_cast<std::size_t>(o)];
        for (int ci = 0; ci < c; ++ci)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = y + ky - pad, ix = x + kx - pad;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              expect += (in[static_cast<std::size_t>((ci * h + iy) * w + ix)] - zp) *
                        wt[static_cast<std::size_t>(((o * c + ci) * 3 + ky) * 3 + kx)];
            }
        ASSERT_EQ(acc[static_cast<std::size_t>((o * h + y) * w + x)], expect) << o << " " << y << " " << x;
      }
}

TEST(Kernels, ConvTileOfALargerWeightTensor) {
  // Output channels 1..2 and input channels 2..3 of a 4x4x3x3 weight tensor, passed
  // by pointer and stride, equal the same sub-convolution computed on a copy.
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> s8(-128, 127);
  std::vector<std::int8_t> wt(4 * 4 * 9), sub(2 * 2 * 9);
  for (auto& v : wt) v = static_cast<std::int8_t>(s8(rng));
  for (int o = 0; o < 2; ++o)
    for (int ci = 0; ci < 2; ++ci)
      for (int t = 0; t < 9; ++t) sub[static_cast<std::size_t>((o * 2 + ci) * 9 + t)] = wt[static_cast<std::size_t>(((o + 1) * 4 + ci + 2) * 9 + t)];
  std::vector<std::int16_t> in(2 * 5 * 5);
  for (auto& v : in) v = static_cast<std::int16_t>(s8(rng));
  std::vector<std::int32_t> a(2 * 9, 0), b(2 * 9, 0);
  conv_accumulate(in.data(), 2, 5, 5, wt.data() + (1 * 4 + 2) * 9, 4 * 9, 2, 3, a.data());
  conv_accumulate(in.data(), 2, 5, 5, sub.data(), 2 * 9, 2, 3, b.data());
  EXPECT_EQ(a, b);
}

TEST(Kernels, DenseMatchesNaiveDefinition) {
  std::vector<std::int16_t> in = {1, -2, 3, -128, 127};
  std::vector<std::int8_t> w = {1, 1, 1, 1, 1, -1, 2, -3, 4, -5};
  std::vector<std::int32_t> acc = {10, 20};
  dense_accumulate(in.data(), 5, w.data(), 5, 2, acc.data());
  EXPECT_EQ(acc[0], 10 + 1 - 2 + 3 - 128 + 127);
  EXPECT_EQ(acc[1], 20 - 1 - 4 - 9 - 512 - 635);
}

TEST(Kernels, MaxPool2x2) {
  const std::vector<std::uint8_t> in = {1, 9, 3, 4,  //
                                        5, 6, 7, 200,
                                        0, 0, 255, 1,
                                        0, 1, 2, 3};
  std::vector<std::uint8_t> out(4);
  maxpool2x2(in.data(), 1, 4, 4, out.data());
  EXPECT_EQ(out, (std::vector<std::uint8_t>{9, 200, 1, 255}));
}

TEST(Network, InputQuantisationIsAShift) {
  QuantModel m;
  m.input_channels = 1;
  m.input_height = 1;
  m.input_width = 6;
  m.input_offset = 128;
  m.input_shift = 6;
  m.input_exp = -6;  // x / 2^-6 = p - 128: the identity plus the zero point
  m.input_zero_point = 128;
  const std::uint8_t px[6] = {0, 1, 127, 128, 200, 255};
  EXPECT_EQ(quantize_input(m, px), (std::vector<std::uint8_t>{0, 1, 127, 128, 200, 255}));
  m.input_exp = -5;  // halves, ties to even: (p - 128) / 2
  EXPECT_EQ(quantize_input(m, px), (std::vector<std::uint8_t>{64, 64, 128, 128, 164, 192}));
}

}  // namespace
}  // namespace qacc::func
