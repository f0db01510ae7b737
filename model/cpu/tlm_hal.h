#pragma once
// The HAL's TLM backend: each access is a b_transport from the CPU's thread, timed
// with temporal decoupling; waiting for the interrupt synchronises first.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "model/config/arch_config.h"
#include "sw/hal.h"

namespace qacc {

class Cpu;

class TlmHal : public sw::Hal {
 public:
  TlmHal(tlm_utils::simple_initiator_socket<Cpu>& bus, sc_core::sc_in<bool>& irq, const ArchConfig& config);

  std::uint32_t read32(std::uint64_t addr) override;
  void write32(std::uint64_t addr, std::uint32_t value) override;
  void read(std::uint64_t addr, void* dst, std::size_t bytes) override;
  void write(std::uint64_t addr, const void* src, std::size_t bytes) override;
  bool wait_irq(std::uint64_t timeout_cycles) override;
  void sync() { keeper_.sync(); }

 private:
  void access(tlm::tlm_command command, std::uint64_t addr, void* data, std::size_t bytes);

  tlm_utils::simple_initiator_socket<Cpu>& bus_;
  sc_core::sc_in<bool>& irq_;
  sc_core::sc_time cycle_;
  tlm_utils::tlm_quantumkeeper keeper_;
};

}  // namespace qacc
