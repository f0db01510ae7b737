#pragma once
// The whole platform: CPU (running the firmware), bus, DRAM and accelerator, wired as
// the memory map in memory_map.h says. A loader socket places the model and the image
// in DRAM through DMI before the simulation starts and reads results back after.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/accelerator/accelerator.h"
#include "model/config/arch_config.h"
#include "model/cpu/cpu.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"

namespace qacc {

class Platform : public sc_core::sc_module {
 public:
  Cpu cpu;
  Router bus;
  Dram dram;
  Accelerator accelerator;
  sc_core::sc_signal<bool> irq;
  tlm_utils::simple_initiator_socket<Platform> loader;

  Platform(sc_core::sc_module_name name, const ArchConfig& config, Cpu::Program firmware);
  ~Platform() override;

  // Backdoor access to memory through DMI (no simulated time).
  void write_memory(std::uint64_t addr, const void* data, std::size_t bytes);
  void read_memory(std::uint64_t addr, void* data, std::size_t bytes);

  // Places model, images (all of one size) and boot information where memory_map.h
  // puts them, when the simulation starts (the bus's sockets are bound only at the end
  // of elaboration). Throws qacc::Error if they do not fit DRAM.
  void load(std::vector<std::uint8_t> model_file, std::vector<std::vector<std::uint8_t>> images);

  // Records the clock, layer index, DMA/PE/PPU busy, interrupt and DMA bytes in flight
  // into a VCD file (path without ".vcd"). Call before sc_start.
  void trace(const std::filesystem::path& vcd_without_extension);

 private:
  std::uint8_t* dmi(std::uint64_t addr, std::size_t bytes);
  void start_of_simulation() override;

  const ArchConfig& config_;
  std::unique_ptr<sc_core::sc_clock> clock_;
  sc_core::sc_trace_file* trace_ = nullptr;
  std::filesystem::path vcd_file_;
  std::vector<std::uint8_t> model_file_;
  std::vector<std::vector<std::uint8_t>> images_;
};

}  // namespace qacc
