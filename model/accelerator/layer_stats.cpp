#include "model/accelerator/layer_stats.h"

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

}  // namespace qacc
