#pragma once
// The HAL's TLM backend: each access is a b_transport from the CPU's thread, timed
// with temporal decoupling; waiting for the interrupt synchronises first.
#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "contract/hal.h"
#include "model/sim/clock.h"

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
  void sync() { keeper_.sync(); }

 private:
  void access(tlm::tlm_command command, std::uint64_t addr, void* data, std::size_t bytes);

  tlm::tlm_initiator_socket<>& bus_;
  sc_core::sc_in<bool>& irq_;
  Clock clock_;
  tlm_utils::tlm_quantumkeeper keeper_;
};

}  // namespace qacc
