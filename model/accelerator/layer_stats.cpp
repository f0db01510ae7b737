#include "model/accelerator/layer_stats.h"

#include <algorithm>
#include <cmath>

namespace qacc {

Counters operator-(const Counters& a, const Counters& b) {
  Counters d;
#define QACC_SUBTRACT(member, description) d.member = a.member - b.member;
  QACC_LAYER_COUNTERS(QACC_SUBTRACT)
#undef QACC_SUBTRACT
  return d;
}

Counters operator+(const Counters& a, const Counters& b) {
  Counters s;
#define QACC_ADD(member, description) s.member = a.member + b.member;
  QACC_LAYER_COUNTERS(QACC_ADD)
#undef QACC_ADD
  return s;
}

const std::array<CounterInfo, kCounterCount> kCounterInfo = {{
#define QACC_INFO(member, description) {#member, description, &Counters::member},
    QACC_LAYER_COUNTERS(QACC_INFO)
#undef QACC_INFO
}};

std::uint64_t percentile(const std::vector<std::uint32_t>& values, std::size_t begin, std::size_t end, double q) {
  if (end <= begin) return 0;
  std::vector<std::uint32_t> v(values.begin() + static_cast<std::ptrdiff_t>(begin),
                               values.begin() + static_cast<std::ptrdiff_t>(end));
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  const auto nth = v.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
  std::nth_element(v.begin(), nth, v.end());
  return *nth;
}

}  // namespace qacc
