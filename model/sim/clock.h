#pragma once
// The accelerator clock as every module uses it: cycles to simulated time and back,
// and waiting whole cycles. The one place where time is rounded to cycles (to the
// nearest, so an annotation of n periods always reads back as n).
#include <cstdint>

#include <systemc>

namespace qacc {

class Clock {
 public:
  explicit Clock(double period_ns) : period_(period_ns, sc_core::SC_NS) {}

  const sc_core::sc_time& period() const { return period_; }
  sc_core::sc_time time(std::uint64_t cycles) const { return static_cast<double>(cycles) * period_; }
  std::uint64_t cycles(const sc_core::sc_time& t) const { return static_cast<std::uint64_t>(t / period_ + 0.5); }
  // Cycles from `since` to now.
  std::uint64_t since(const sc_core::sc_time& since) const { return cycles(sc_core::sc_time_stamp() - since); }
  std::uint64_t now() const { return cycles(sc_core::sc_time_stamp()); }
  // Blocks the calling thread for `cycles` periods.
  void wait(std::uint64_t cycles) const { sc_core::wait(time(cycles)); }

 private:
  sc_core::sc_time period_;
};

}  // namespace qacc
