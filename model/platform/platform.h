#pragma once
// The whole platform: CPU (running the firmware), bus, DRAM and accelerator, wired as
// the memory map in memory_map.h says. A loader socket places the model and the image
// in DRAM through DMI before the simulation starts and reads results back after.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "contract/memory_map.h"
#include "model/accelerator/accelerator.h"
#include "model/config/arch_config.h"
#include "model/cpu/cpu.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"
#include "model/sim/timeline.h"
#include "model/sim/trace_text.h"

namespace qacc {

class Platform : public sc_core::sc_module {
 public:
  Cpu cpu;
  Router bus;
  Dram dram;
  Accelerator accelerator;
  sc_core::sc_signal<bool> irq;
  sc_core::sc_signal<TraceText> layer_name;  // the running layer's name, for traces
  tlm_utils::simple_initiator_socket<Platform> loader;

  Platform(sc_core::sc_module_name name, const ArchConfig& config, Cpu::Program firmware);
  ~Platform() override;

  // Backdoor access to memory through DMI (no simulated time).
  void write_memory(std::uint64_t addr, const void* data, std::size_t bytes);
  void read_memory(std::uint64_t addr, void* data, std::size_t bytes);

  // Places model, images (all of one size), boot information and the host's tile plan
  // (per layer: output channels, rows, input channels, layout flags; zeros: the
  // firmware plans)
  // where memory_map.h puts them, when the simulation starts (the bus's sockets are
  // bound only at the end of elaboration). Throws qacc::Error if they do not fit.
  using TilePlanEntry = std::array<std::uint32_t, memory_map::kBootPlanWords>;
  void load(std::vector<std::uint8_t> model_file, std::vector<std::vector<std::uint8_t>> images,
            std::vector<TilePlanEntry> plan = {});

  // Names the layers by index, for layer_name.
  void name_layers(std::vector<std::string> names) { layer_names_ = std::move(names); }

  // Records layer, busy signals, stall cause, DMA loads and stores with their buffer,
  // and the interrupt into a VCD file (path without ".vcd"), the clock only when
  // asked (it is almost all of a VCD's size), and writes a GTKWave save file beside
  // it (".gtkw") that opens it with the signals grouped. `comment` (the run's
  // manifest) goes into the VCD's header. Call before sc_start.
  void trace(const std::filesystem::path& vcd_without_extension, bool with_clock, std::string comment);

  // Records the run on `timeline`: the firmware's phases on the CPU track, and what
  // Accelerator::record lists. Call before sc_start, after name_layers.
  void record(Timeline& timeline);

 private:
  std::uint8_t* dmi(std::uint64_t addr, std::size_t bytes);
  void update_layer_name();
  // The GTKWave save file beside the VCD, zoomed to the whole run.
  void write_gtkw() const;
  void start_of_simulation() override;

  const ArchConfig& config_;
  std::unique_ptr<sc_core::sc_clock> clock_;
  sc_core::sc_trace_file* trace_ = nullptr;
  std::filesystem::path vcd_file_, gtkw_file_;
  std::string vcd_comment_;
  bool traced_clock_ = false;
  std::vector<std::uint8_t> model_file_;
  std::vector<std::vector<std::uint8_t>> images_;
  std::vector<TilePlanEntry> plan_;
  std::vector<std::string> layer_names_;
};

}  // namespace qacc
