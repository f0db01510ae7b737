#include "model/cpu/cpu.h"

#include "model/cpu/tlm_hal.h"

namespace qacc {

Cpu::Cpu(sc_core::sc_module_name name, const ArchConfig& config, Program program)
    : sc_module(name), bus("bus"), irq("irq"), config_(config), program_(std::move(program)) {
  SC_HAS_PROCESS(Cpu);
  SC_THREAD(run);
}

void Cpu::run() {
  TlmHal hal(bus, irq, Clock(config_.cycle_ns()), config_.quantum_cycles);
  hal.record(timeline_);
  try {
    program_(hal);
    hal.sync();
  } catch (...) {
    error_ = std::current_exception();
  }
  hal.phase("");  // a phase the firmware left open when it stopped
  finished_ = true;
  sc_core::sc_stop();
}

}  // namespace qacc
