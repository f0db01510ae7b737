#pragma once
// The HAL's TLM backend: each access is a b_transport from the CPU's thread, timed
// with temporal decoupling; waiting for the interrupt synchronises first.
#include <string>
#include <string_view>

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "contract/hal.h"
#include "model/sim/clock.h"
#include "model/sim/timeline.h"

namespace qacc {

class TlmHal : public Hal {
 public:
  // `quantum_cycles`: how far the CPU may run ahead of the kernel before it syncs.
  TlmHal(tlm::tlm_initiator_socket<>& bus, sc_core::sc_in<bool>& irq, const Clock& clock, std::uint64_t quantum_cycles);

  std::uint32_t read32(std::uint64_t addr) override;
  void write32(std::uint64_t addr, std::uint32_t value) override;
  void read(std::uint64_t addr, void* dst, std::size_t bytes) override;
  void write(std::uint64_t addr, const void* src, std::size_t bytes) override;
  bool wait_irq(std::uint64_t timeout_cycles) override;
  void phase(std::string_view name) override;
  void sync() { keeper_.sync(); }
  // Records the firmware's phases and waits (and, at pass detail, each bus access) on
  // the timeline's CPU track; nullptr: nothing.
  void record(Timeline* timeline);

 private:
  void access(tlm::tlm_command command, std::uint64_t addr, void* data, std::size_t bytes);
  // The CPU's own time: the kernel's plus what it has run ahead.
  std::uint64_t now() const { return clock_.cycles(sc_core::sc_time_stamp() + keeper_.get_local_time()); }

  tlm::tlm_initiator_socket<>& bus_;
  sc_core::sc_in<bool>& irq_;
  Clock clock_;
  tlm_utils::tlm_quantumkeeper keeper_;
  Timeline* timeline_ = nullptr;
  int track_ = 0;
  std::string phase_;
  std::uint64_t phase_start_ = 0;
};

}  // namespace qacc
