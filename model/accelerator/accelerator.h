#pragma once
// The accelerator: a register target for the CPU, a DMA initiator towards DRAM, three
// SRAM buffers, the PE array, the post-processing unit, and a controller that walks a
// layer's tiles, double-buffers DMA against compute and raises the interrupt when the
// layer is done or failed. Register map: registers.h.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "model/accelerator/layer_descriptor.h"
#include "model/accelerator/register_bank.h"
#include "model/accelerator/registers.h"
#include "model/config/arch_config.h"
#include "model/dma/dma_engine.h"
#include "model/memory/sram.h"
#include "model/pe_array/pe_array.h"
#include "model/ppu/post_processor.h"

namespace qacc {

struct BufferCounts {
  std::uint64_t reads = 0, writes = 0;
};

// What one layer cost; filled by the controller from its blocks' counters.
struct LayerStats {
  std::uint32_t index = 0;
  bool ok = true;
  regs::ErrorCode error = regs::ErrorCode::kNone;
  std::uint64_t cycles = 0;          // start to interrupt
  std::uint64_t compute_cycles = 0;  // PE array busy
  std::uint64_t ppu_cycles = 0;      // post-processing busy
  std::uint64_t stall_cycles = 0;    // controller waiting for the DMA
  std::uint64_t dma_cycles = 0;      // DMA busy
  std::uint64_t macs = 0;
  std::uint64_t tiles = 0, passes = 0;
  std::uint64_t dram_read = 0, dram_written = 0;
  // Register reads and writes since the previous START: programming this layer and
  // acknowledging the one before.
  std::uint64_t register_accesses = 0;
  BufferCounts input_buffer, weight_buffer, output_buffer;
  std::uint32_t tile_out_channels = 0, tile_rows = 0, tile_in_channels = 0;
};

class Accelerator : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Accelerator> in;  // register accesses from the bus
  sc_core::sc_out<bool> irq;
  sc_core::sc_signal<std::uint32_t> layer;  // index of the layer running (or last run)
  sc_core::sc_signal<bool> busy;  // from the controller waking for START to the end of the layer

  Sram input_buffer, weight_buffer, output_buffer;
  DmaEngine dma;
  PeArray pe_array;
  PostProcessor ppu;

  Accelerator(sc_core::sc_module_name name, const ArchConfig& config);

  const std::vector<LayerStats>& layer_stats() const { return layer_stats_; }
  const RegisterBank& registers() const { return bank_; }

  // Fault injection for tests. A hung layer does its work but never finishes: STATUS
  // stays busy and no interrupt comes. Misreported buffers make the capability
  // registers claim `factor` times the real buffer sizes, so firmware plans tiles the
  // buffers cannot hold.
  void inject_hang(std::uint32_t layer_index) { hang_layer_ = layer_index; }
  void inject_misreported_buffers(std::uint32_t factor);

 private:
  struct Fault {
    regs::ErrorCode code;
    std::uint64_t address;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void controller();
  LayerDescriptor latch_descriptor() const;
  void run_layer(const LayerDescriptor& d, LayerStats& stats);
  void check_dma() const;
  void finish(const Fault& fault);
  // The interrupt line follows IRQ_STATUS & IRQ_ENABLE at the time of the access that
  // changed them (a decoupled CPU's write lands at its annotated time).
  void update_irq(const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME);
  void drive_irq();

  const ArchConfig& config_;
  RegisterBank bank_;
  sc_core::sc_event start_, irq_changed_;
  LayerDescriptor latched_;
  std::int64_t hang_layer_ = -1;
  std::uint64_t register_accesses_ = 0, accesses_at_start_ = 0, latched_accesses_ = 0;
  std::vector<LayerStats> layer_stats_;
};

}  // namespace qacc
