#include "model/func/int8_ops.h"

#include <algorithm>
#include <limits>

namespace qacc::func {

std::int64_t round_shift(std::int64_t value, int shift) {
  if (shift <= 0) return value * (std::int64_t{1} << -shift);
  const std::int64_t floor = value >> shift;  // arithmetic: rounds towards -inf
  const std::int64_t rest = value - (floor << shift);
  const std::int64_t half = std::int64_t{1} << (shift - 1);
  if (rest > half || (rest == half && (floor & 1) != 0)) return floor + 1;
  return floor;
}

std::int64_t to_float_precision(std::int64_t value) {
  constexpr std::uint64_t kExact = std::uint64_t{1} << 24;
  const std::uint64_t magnitude = value < 0 ? static_cast<std::uint64_t>(-value) : static_cast<std::uint64_t>(value);
  if (magnitude <= kExact) return value;
  int excess = 0;
  while ((magnitude >> excess) >= kExact) ++excess;
  // Round half to even is odd-symmetric, so rounding the signed value equals
  // rounding the magnitude as the FPU does.
  return round_shift(value, excess) * (std::int64_t{1} << excess);
}

std::uint8_t requantize_one(std::int32_t acc, int shift, int zero_point, bool relu) {
  std::int64_t v = round_shift(to_float_precision(acc), shift);
  // cvtps2dq answers INT32_MIN for anything outside int32; the clamps then give the
  // lower bound whatever the sign.
  if (v > std::numeric_limits<std::int32_t>::max() || v < std::numeric_limits<std::int32_t>::min())
    v = std::numeric_limits<std::int32_t>::min();
  const std::int64_t q = v + zero_point;
  const std::int64_t lo = relu ? zero_point : 0;
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(q, lo, 255));
}

void requantize(const std::int32_t* acc, std::size_t n, int shift, int zero_point, bool relu, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = requantize_one(acc[i], shift, zero_point, relu);
}

void widen_pad(const std::uint8_t* in, int channels, int height, int width, int zero_point, int pad_y, int pad_x,
               std::int16_t* out) {
  const int ph = height + 2 * pad_y, pw = width + 2 * pad_x;
  std::fill(out, out + static_cast<std::size_t>(channels) * ph * pw, std::int16_t{0});
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* src = in + (static_cast<std::size_t>(c) * height + y) * width;
      std::int16_t* dst = out + (static_cast<std::size_t>(c) * ph + y + pad_y) * pw + pad_x;
      for (int x = 0; x < width; ++x) dst[x] = static_cast<std::int16_t>(src[x] - zero_point);
    }
}

void conv_accumulate(const std::int16_t* in, int channels, int in_h, int in_w, const std::int8_t* w,
                     std::size_t w_out_stride, int out_channels, int kernel, std::int32_t* acc) {
  const int oh = in_h - kernel + 1, ow = in_w - kernel + 1;
  for (int o = 0; o < out_channels; ++o) {
    std::int32_t* out = acc + static_cast<std::size_t>(o) * oh * ow;
    for (int c = 0; c < channels; ++c) {
      const std::int8_t* wk = w + o * w_out_stride + static_cast<std::size_t>(c) * kernel * kernel;
      const std::int16_t* plane = in + static_cast<std::size_t>(c) * in_h * in_w;
      for (int ky = 0; ky < kernel; ++ky)
        for (int kx = 0; kx < kernel; ++kx) {
          const std::int32_t wv = wk[ky * kernel + kx];
          for (int y = 0; y < oh; ++y) {
            const std::int16_t* src = plane + (y + ky) * in_w + kx;
            std::int32_t* dst = out + y * ow;
            for (int x = 0; x < ow; ++x) dst[x] += wv * src[x];
          }
        }
    }
  }
}

void dense_accumulate(const std::int16_t* in, int in_features, const std::int8_t* w, std::size_t w_out_stride,
                      int out_features, std::int32_t* acc) {
  for (int o = 0; o < out_features; ++o) {
    const std::int8_t* row = w + o * w_out_stride;
    std::int32_t sum = 0;
    for (int i = 0; i < in_features; ++i) sum += static_cast<std::int32_t>(row[i]) * in[i];
    acc[o] += sum;
  }
}

void maxpool2x2(const std::uint8_t* in, int channels, int height, int width, std::uint8_t* out) {
  const int oh = height / 2, ow = width / 2;
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < oh; ++y) {
      const std::uint8_t* r0 = in + (static_cast<std::size_t>(c) * height + 2 * y) * width;
      const std::uint8_t* r1 = r0 + width;
      std::uint8_t* dst = out + (static_cast<std::size_t>(c) * oh + y) * ow;
      for (int x = 0; x < ow; ++x)
        dst[x] = std::max(std::max(r0[2 * x], r0[2 * x + 1]), std::max(r1[2 * x], r1[2 * x + 1]));
    }
}

}  // namespace qacc::func
