#include "train/observer.h"

#include <algorithm>
#include <cmath>

namespace qacc {

QuantRange quant_range(QuantDtype dtype) {
  return dtype == QuantDtype::kQUInt8 ? QuantRange{0, 255, 128} : QuantRange{-128, 127, 0};
}

double python_round(double x) {
  if (!std::isfinite(x)) return x;
  const double floor = std::floor(x);
  const double diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return std::fmod(floor, 2.0) == 0 ? floor : floor + 1;
}

int scale_approximate_exponent(double scale, int max_shift) {
  if (!(scale > 0) || !std::isfinite(scale)) return -max_shift;
  const double log2_scale = std::log2(scale);
  if (!std::isfinite(log2_scale)) return -max_shift;
  const double nearest = std::clamp(python_round(log2_scale), static_cast<double>(-max_shift),
                                    static_cast<double>(max_shift));
  return static_cast<int>(nearest);
}

double scale_approximate(double scale, int max_shift) {
  return std::ldexp(1.0, scale_approximate_exponent(scale, max_shift));
}

PowerOfTwoQParams power_of_two_qparams(float min_val, float max_val, QuantDtype dtype) {
  const QuantRange range = quant_range(dtype);
  // A NaN bound makes abs_max NaN, as torch.max would, and so 1e-6.
  float abs_max = std::isnan(min_val) || std::isnan(max_val)
                      ? std::numeric_limits<float>::quiet_NaN()
                      : std::max(std::fabs(min_val), std::fabs(max_val));
  if (abs_max == 0.0f || !std::isfinite(abs_max)) abs_max = 1e-6f;
  // float32 arithmetic, as the seed's tensors are float32.
  const float scale = abs_max / (static_cast<float>(range.quant_max - range.quant_min) / 2.0f);
  const int exponent = scale_approximate_exponent(scale);
  return {std::ldexp(1.0f, exponent), exponent, range.zero_point};
}

void PowerOfTwoObserver::observe(float batch_min, float batch_max) {
  // NaN is sticky, as torch.min/torch.max propagate it through the running range.
  min_ = std::isnan(min_) || std::isnan(batch_min) ? std::numeric_limits<float>::quiet_NaN() : std::min(min_, batch_min);
  max_ = std::isnan(max_) || std::isnan(batch_max) ? std::numeric_limits<float>::quiet_NaN() : std::max(max_, batch_max);
}

PowerOfTwoQParams PowerOfTwoObserver::qparams() const {
  if (min_ > max_) return power_of_two_qparams(0.0f, 0.0f, dtype_);  // nothing observed: the 1e-6 path
  return power_of_two_qparams(min_, max_, dtype_);
}

}  // namespace qacc
