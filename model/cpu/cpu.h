#pragma once
// The CPU: an initiator on the bus and an interrupt input; its thread runs the
// firmware through the TLM backend of the HAL, loosely timed with a quantum keeper so
// register polling does not dominate run time. Stops the simulation when the
// firmware returns or throws.
#include <exception>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "contract/hal.h"
#include "model/config/arch_config.h"
#include "model/sim/timeline.h"

namespace qacc {

class Cpu : public sc_core::sc_module {
 public:
  using Program = std::function<void(Hal&)>;

  tlm_utils::simple_initiator_socket<Cpu> bus;
  sc_core::sc_in<bool> irq;

  Cpu(sc_core::sc_module_name name, const ArchConfig& config, Program program);

  bool finished() const { return finished_; }
  // The exception the firmware ended with, if any.
  std::exception_ptr error() const { return error_; }
  // Records the firmware's phases on `timeline` (TlmHal::record). Before sc_start.
  void record(Timeline* timeline) { timeline_ = timeline; }

 private:
  void run();

  const ArchConfig& config_;
  Program program_;
  bool finished_ = false;
  std::exception_ptr error_;
  Timeline* timeline_ = nullptr;
};

}  // namespace qacc
