#pragma once
// The seed's power-of-two observer (../shared/seed/SPEC.en.md, section 4), in plain
// C++ so its edge cases can be tested without LibTorch.
#include <cstdint>
#include <limits>

namespace qacc {

enum class QuantDtype { kQUInt8, kQInt8 };

struct QuantRange {
  int quant_min;
  int quant_max;
  int zero_point;
};

// quint8: 0..255, zero point 128; qint8: -128..127, zero point 0.
QuantRange quant_range(QuantDtype dtype);

inline constexpr int kMaxShiftAmount = 8;

// Python's round(): ties go to the even integer (round(-6.5) == -6, round(2.5) == 2).
double python_round(double x);

// scale_approximate(): 2^round(log2(scale)) with the exponent clamped to
// [-max_shift, max_shift]; 2^-max_shift for a non-positive, NaN or infinite scale or
// one whose log2 is not finite. Returns the exponent.
int scale_approximate_exponent(double scale, int max_shift = kMaxShiftAmount);
double scale_approximate(double scale, int max_shift = kMaxShiftAmount);

struct PowerOfTwoQParams {
  float scale;  // 2^exponent
  int exponent;
  int zero_point;
};

// Scale and zero point from an observed range, exactly as the seed computes them:
// abs_max = max(|min|, |max|), 1e-6 when it is 0 or not finite; scale = abs_max /
// ((quant_max - quant_min) / 2) in float32, then scale_approximate.
PowerOfTwoQParams power_of_two_qparams(float min_val, float max_val, QuantDtype dtype);

// Running min/max over every observed batch, as the seed's observer records them.
class PowerOfTwoObserver {
 public:
  explicit PowerOfTwoObserver(QuantDtype dtype) : dtype_(dtype) {}
  void observe(float batch_min, float batch_max);
  PowerOfTwoQParams qparams() const;
  float min_val() const { return min_; }
  float max_val() const { return max_; }

 private:
  QuantDtype dtype_;
  float min_ = std::numeric_limits<float>::infinity();
  float max_ = -std::numeric_limits<float>::infinity();
};

}  // namespace qacc
