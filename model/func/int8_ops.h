#pragma once
// Integer operations of a power-of-two int8 network, bit-exact with LibTorch's
// QNNPACK engine (docs/quantization.md derives and tests the semantics):
//   acc   = bias + sum (x - x_zp) * w             exact, int32
//   q_out = clamp(round_half_even(f(acc) / 2^shift) + out_zp, lo, 255)
//           f(acc) = acc rounded to 24 significant bits (QNNPACK scales a float
//           copy of the accumulator; exact while |acc| <= 2^24)
//           lo = out_zp with ReLU, else 0
//   pool  = max over 2x2 windows of q_out
#include <cstddef>
#include <cstdint>

namespace qacc::func {

// round(value / 2^shift) with ties to even; shift <= 0 multiplies by 2^-shift.
std::int64_t round_shift(std::int64_t value, int shift);

// The accumulator as QNNPACK's int32 -> float conversion sees it: unchanged up to
// 2^24 in magnitude, rounded to 24 significant bits (ties to even) above.
std::int64_t to_float_precision(std::int64_t value);

// How many accumulators the clamp of requantisation changed: above 255 (`high`),
// below 0 without ReLU (`low`), raised to the zero point by ReLU (`relu_floor`). How
// well a layer's power-of-two scale fits shows in the first two.
struct Saturation {
  std::uint64_t high = 0, low = 0, relu_floor = 0;
};

// Requantises `n` accumulators to uint8; returns how many the clamp changed.
Saturation requantize(const std::int32_t* acc, std::size_t n, int shift, int zero_point, bool relu,
                      std::uint8_t* out);
std::uint8_t requantize_one(std::int32_t acc, int shift, int zero_point, bool relu);

// Widens uint8 activations to int16 with the zero point removed, adding pad_y rows
// and pad_x columns of zeros (the real value 0) around each HxW plane:
// out is [channels][height + 2*pad_y][width + 2*pad_x].
void widen_pad(const std::uint8_t* in, int channels, int height, int width, int zero_point, int pad_y, int pad_x,
               std::int16_t* out);

// Adds a KxK, stride-1 convolution of `in` ([channels][in_h][in_w], already padded
// and zero-point free) to acc ([out_channels][in_h-K+1][in_w-K+1]). Weights of
// output channel o, input channel c start at w + o*w_out_stride + c*K*K, so a tile
// of a larger weight tensor can be passed without copying.
void conv_accumulate(const std::int16_t* in, int channels, int in_h, int in_w, const std::int8_t* w,
                     std::size_t w_out_stride, int out_channels, int kernel, std::int32_t* acc);

// acc[o] += sum_i in[i] * w[o*w_out_stride + i] for o < out_features.
void dense_accumulate(const std::int16_t* in, int in_features, const std::int8_t* w, std::size_t w_out_stride,
                      int out_features, std::int32_t* acc);

// 2x2 max-pool, stride 2: [channels][height][width] -> [channels][height/2][width/2].
void maxpool2x2(const std::uint8_t* in, int channels, int height, int width, std::uint8_t* out);

}  // namespace qacc::func
