#include "model/func/int8_ops.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace qacc::func {

std::int64_t round_shift(std::int64_t value, int shift) {
  if (shift <= 0) return value * (std::int64_t{1} << -shift);
  const std::int64_t floor = value >> shift;  // arithmetic: rounds towards -inf
  const std::int64_t rest = value - floor * (std::int64_t{1} << shift);  // not floor << shift: UB when negative
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

namespace {

// What the clamp of requantize_one sees: the rounded, shifted accumulator plus the
// zero point.
std::int64_t unclamped(std::int32_t acc, int shift, int zero_point) {
  std::int64_t v = round_shift(to_float_precision(acc), shift);
  // cvtps2dq answers INT32_MIN for anything outside int32; the clamps then give the
  // lower bound whatever the sign.
  if (v > std::numeric_limits<std::int32_t>::max() || v < std::numeric_limits<std::int32_t>::min())
    v = std::numeric_limits<std::int32_t>::min();
  return v + zero_point;
}

// Adds `sign` to the count `q` (an unclamped output) falls in.
void classify(std::int64_t q, int zero_point, bool relu, int sign, Saturation& s) {
  const auto step = static_cast<std::uint64_t>(static_cast<std::int64_t>(sign));
  if (q > 255) s.high += step;
  else if (relu && q < zero_point) s.relu_floor += step;
  else if (!relu && q < 0) s.low += step;
}

}  // namespace

std::uint8_t requantize_one(std::int32_t acc, int shift, int zero_point, bool relu) {
  const std::int64_t lo = relu ? zero_point : 0;
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(unclamped(acc, shift, zero_point), lo, 255));
}

Saturation requantize(const std::int32_t* acc, std::size_t n, int shift, int zero_point, bool relu,
                      std::uint8_t* out) {
  Saturation s;
  if (shift < 1 || shift > 31) {
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = requantize_one(acc[i], shift, zero_point, relu);
      classify(unclamped(acc[i], shift, zero_point), zero_point, relu, 1, s);
    }
    return s;
  }
  // Branch-free round half to even, which the compiler vectorises: with r the
  // remainder and b the quotient's lowest bit, adding 2^(s-1) - 1 + b carries exactly
  // when r > half, or r == half and the quotient is odd. Exact while |acc| <= 2^24.
  // The clamps are counted in the same pass.
  const std::int64_t bias = (std::int64_t{1} << (shift - 1)) - 1;
  const std::int64_t lo = relu ? zero_point : 0;
  const auto fast = [&](std::int64_t a) { return ((a + bias + ((a >> shift) & 1)) >> shift) + zero_point; };
  std::uint64_t high = 0, below = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t q = fast(acc[i]);
    out[i] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(q, lo, 255));
    high += q > 255 ? 1u : 0u;
    below += q < lo ? 1u : 0u;
  }
  s.high = high;
  (relu ? s.relu_floor : s.low) = below;
  // Beyond 2^24 QNNPACK rounds the accumulator to float first: those few are redone
  // and recounted.
  constexpr std::int32_t kExact = 1 << 24;
  for (std::size_t i = 0; i < n; ++i)
    if (acc[i] > kExact || acc[i] < -kExact) {
      out[i] = requantize_one(acc[i], shift, zero_point, relu);
      classify(fast(acc[i]), zero_point, relu, -1, s);
      classify(unclamped(acc[i], shift, zero_point), zero_point, relu, 1, s);
    }
  return s;
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

namespace {

// The MAC loops run as a small matrix product of int16 operands with int32 sums:
// rows of weights against columns of im2col'ed inputs, both packed with the
// reduction index contiguous and zero-padded to whole blocks, so the compiler turns
// the block below into pmaddwd-style instructions. Integer sums are exact in any
// order, so the result is bit-identical to the plain loops. The block is compiled
// for AVX-512, AVX2 and the baseline, chosen at load time by the CPU.
constexpr int kBlockM = 2, kBlockP = 4, kAlignK = 32;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QACC_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define QACC_MULTIVERSION
#endif

QACC_MULTIVERSION
void dot_block(const std::int16_t* __restrict w, const std::int16_t* __restrict x, int k_len,
               std::int32_t* __restrict out, std::size_t ld) {
  const std::int16_t *w0 = w, *w1 = w + k_len;
  const std::int16_t *x0 = x, *x1 = x + k_len, *x2 = x + 2 * k_len, *x3 = x + 3 * k_len;
  std::int32_t s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  for (int k = 0; k < k_len; ++k) {
    const std::int32_t a = w0[k], b = w1[k];
    s00 += a * x0[k];
    s01 += a * x1[k];
    s02 += a * x2[k];
    s03 += a * x3[k];
    s10 += b * x0[k];
    s11 += b * x1[k];
    s12 += b * x2[k];
    s13 += b * x3[k];
  }
  out[0] = s00, out[1] = s01, out[2] = s02, out[3] = s03;
  out[ld] = s10, out[ld + 1] = s11, out[ld + 2] = s12, out[ld + 3] = s13;
}

int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

// Scratch reused across calls: a simulation runs in one thread, and its tiles are
// the same few sizes over and over.
struct Scratch {
  std::vector<std::int16_t> weights, inputs;
  std::vector<std::int32_t> sums;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// `weights` holds rows of m_rows x k_len, `inputs` p_cols x k_len (both padded);
// adds the product to acc[m * p_count + p] for m < m_count, p < p_count.
void multiply_add(Scratch& s, int m_count, int p_count, int k_len, std::int32_t* acc) {
  const int m_rows = round_up(m_count, kBlockM), p_cols = round_up(p_count, kBlockP);
  s.sums.resize(static_cast<std::size_t>(m_rows) * p_cols);
  for (int m = 0; m < m_rows; m += kBlockM)
    for (int p = 0; p < p_cols; p += kBlockP)
      dot_block(s.weights.data() + static_cast<std::size_t>(m) * k_len, s.inputs.data() + static_cast<std::size_t>(p) * k_len,
                k_len, s.sums.data() + static_cast<std::size_t>(m) * p_cols + p, static_cast<std::size_t>(p_cols));
  for (int m = 0; m < m_count; ++m) {
    const std::int32_t* src = s.sums.data() + static_cast<std::size_t>(m) * p_cols;
    std::int32_t* dst = acc + static_cast<std::size_t>(m) * p_count;
    for (int p = 0; p < p_count; ++p) dst[p] += src[p];
  }
}

// Weight rows (int8, `row_len` each, `stride` apart) widened into s.weights.
void pack_weights(Scratch& s, const std::int8_t* w, std::size_t stride, int m_count, int row_len, int k_len) {
  const int m_rows = round_up(m_count, kBlockM);
  s.weights.assign(static_cast<std::size_t>(m_rows) * k_len, 0);
  for (int m = 0; m < m_count; ++m) {
    const std::int8_t* src = w + m * stride;
    std::int16_t* dst = s.weights.data() + static_cast<std::size_t>(m) * k_len;
    for (int k = 0; k < row_len; ++k) dst[k] = src[k];
  }
}

}  // namespace

void conv_accumulate(const std::int16_t* in, int channels, int in_h, int in_w, const std::int8_t* w,
                     std::size_t w_out_stride, int out_channels, int kernel, std::int32_t* acc) {
  const int oh = in_h - kernel + 1, ow = in_w - kernel + 1, taps = kernel * kernel;
  const int row_len = channels * taps, k_len = round_up(row_len, kAlignK);
  const int positions = oh * ow, p_cols = round_up(positions, kBlockP);
  Scratch& s = scratch();
  // A weight row [c][ky][kx] is contiguous in the tensor: one copy per output channel.
  pack_weights(s, w, w_out_stride, out_channels, row_len, k_len);
  // im2col: position (y, x) gets in[c][y + ky][x + kx] in the weights' order.
  s.inputs.assign(static_cast<std::size_t>(p_cols) * k_len, 0);
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      std::int16_t* dst = s.inputs.data() + static_cast<std::size_t>(y * ow + x) * k_len;
      for (int c = 0; c < channels; ++c)
        for (int ky = 0; ky < kernel; ++ky) {
          const std::int16_t* src = in + (static_cast<std::size_t>(c) * in_h + y + ky) * in_w + x;
          std::copy(src, src + kernel, dst);
          dst += kernel;
        }
    }
  multiply_add(s, out_channels, positions, k_len, acc);
}

void dense_accumulate(const std::int16_t* in, int in_features, const std::int8_t* w, std::size_t w_out_stride,
                      int out_features, std::int32_t* acc) {
  const int k_len = round_up(in_features, kAlignK);
  Scratch& s = scratch();
  pack_weights(s, w, w_out_stride, out_features, in_features, k_len);
  s.inputs.assign(static_cast<std::size_t>(kBlockP) * k_len, 0);
  std::copy(in, in + in_features, s.inputs.begin());
  // One position: acc[o] += row o . in.
  multiply_add(s, out_features, 1, k_len, acc);
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
