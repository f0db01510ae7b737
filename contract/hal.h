#pragma once
// The firmware's whole view of the hardware: 32-bit register access, block access to
// DRAM, and waiting for the accelerator's interrupt. Backends: the TLM one
// (model/cpu/tlm_hal.h) issues transactions from the simulated CPU's thread; a real
// board would map these onto volatile loads and stores.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qacc {

// An access the bus answered with an error.
class BusError : public std::runtime_error {
 public:
  BusError(const std::string& what, std::uint64_t address_) : std::runtime_error(what), address(address_) {}
  std::uint64_t address;
};

class Hal {
 public:
  virtual ~Hal() = default;
  virtual std::uint32_t read32(std::uint64_t addr) = 0;
  virtual void write32(std::uint64_t addr, std::uint32_t value) = 0;
  virtual void read(std::uint64_t addr, void* dst, std::size_t bytes) = 0;
  virtual void write(std::uint64_t addr, const void* src, std::size_t bytes) = 0;
  // Waits until the interrupt line is high; false if `timeout_cycles` pass first.
  virtual bool wait_irq(std::uint64_t timeout_cycles) = 0;
  // Names what the firmware does from now on ("boot", "program conv1", ...; "" for
  // nothing), for a backend that records a timeline; a board ignores it.
  virtual void phase(std::string_view /*name*/) {}
};

}  // namespace qacc
