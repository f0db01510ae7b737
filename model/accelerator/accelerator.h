#pragma once
// The accelerator: a register target for the CPU, a DMA initiator towards DRAM, three
// SRAM buffers, the PE array, the post-processing unit, and a controller that walks a
// layer's tiles, double-buffers DMA against compute and raises the interrupt when the
// layer is done or failed. Register map: registers.h.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "contract/layer_descriptor.h"
#include "contract/registers.h"
#include "model/accelerator/layer_plan.h"
#include "model/accelerator/layer_stats.h"
#include "model/accelerator/register_bank.h"
#include "model/config/arch_config.h"
#include "model/dma/dma_engine.h"
#include "model/memory/dram_backend.h"
#include "model/memory/sram.h"
#include "model/pe_array/pe_array.h"
#include "model/ppu/post_processor.h"
#include "model/sim/clock.h"
#include "model/sim/timeline.h"
#include "model/sim/trace_text.h"

namespace qacc {

class Accelerator : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Accelerator> in;  // register accesses from the bus
  sc_core::sc_out<bool> irq;
  sc_core::sc_signal<std::uint32_t> layer;  // index of the layer running (or last run)
  sc_core::sc_signal<bool> busy;  // from the controller waking for START to the end of the layer
  // For traces: why the controller waits on the DMA ("load", "staging", "drain"), or "".
  sc_core::sc_signal<TraceText> stall;

  Sram input_buffer, weight_buffer, output_buffer;
  DmaEngine dma;
  PeArray pe_array;
  PostProcessor ppu;

  Accelerator(sc_core::sc_module_name name, const ArchConfig& config);

  const std::vector<LayerStats>& layer_stats() const { return layer_stats_; }
  // Every block's counters now, cumulative: the one place they are read.
  Counters counters() const;
  const RegisterBank& registers() const { return bank_; }

  // Fault injection for tests. A hung layer does its work but never finishes: STATUS
  // stays busy and no interrupt comes. Misreported buffers make the capability
  // registers claim `factor` times the real buffer sizes, so firmware plans tiles the
  // buffers cannot hold.
  // The DRAM's own counters (row hits and misses, refreshes) for the layer
  // statistics; the DRAM lies outside the accelerator, so the platform connects them.
  void count_dram(std::function<DramStats()> counters) { dram_counters_ = std::move(counters); }

  void inject_hang(std::uint32_t layer_index) { hang_layer_ = layer_index; }
  // Timing-only runs: the PE array and the PPU take their cycles but compute nothing,
  // so the results in DRAM are meaningless; every cycle count stays the same.
  void skip_arithmetic() {
    pe_array.skip_arithmetic();
    ppu.skip_arithmetic();
  }
  void inject_misreported_buffers(std::uint32_t factor);

  // Records on `timeline` each layer as a span named `layer_names[index]` with its
  // statistics, the controller's stalls and the interrupt, at pass detail every PE
  // array and PPU pass, and (through the DMA) every burst. Before sc_start.
  void record(Timeline* timeline, std::vector<std::string> layer_names);

 private:
  struct Fault {
    regs::ErrorCode code;
    std::uint64_t address;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void controller();
  LayerDescriptor latch_descriptor() const;
  // One layer in named steps: plan it, then for every step queue the next step's
  // loads, run the PE pass, and for a tile's last step post-process and store it.
  void run_layer(const LayerDescriptor& d);
  // The layer's plan; throws Fault for a bad descriptor or tiles that do not fit.
  LayerPlan plan(const LayerDescriptor& d) const;
  // A step's operands into their buffer halves: inputs (with the halo) and weights
  // (with the bias on a tile's first step); each returns the last DMA ticket.
  // queue_loads queues only the blocks the step does not reuse (LayerStep::load_*),
  // returning `ready` when it queues none.
  std::uint64_t queue_loads(const LayerPlan& plan, const LayerStep& step, std::uint64_t ready);
  std::uint64_t queue_inputs(const LayerPlan& plan, const LayerStep& step);
  std::uint64_t queue_weights(const LayerPlan& plan, const LayerStep& step);
  // layer_overlap: the queued layer's first weights, which do not depend on the
  // running layer's results, loaded while its last stores drain.
  void prefetch_queued();
  void fill_halo(const LayerPlan& plan, const LayerStep& step);
  void run_pass(const LayerPlan& plan, const LayerStep& step);
  void post_process_and_store(const LayerPlan& plan, const LayerStep& step);
  // Why the controller waits on the DMA: a step's loads, a result half still being
  // stored, the layer's last stores.
  enum class Stall { kLoad, kStaging, kDrain };
  // Waits for DMA ticket `ticket`, counting the wait as stall of its cause; throws
  // the DMA's fault.
  void wait_for_dma(std::uint64_t ticket, Stall cause);
  // Throws the DMA's fault if it is of request `ticket` or one before.
  void check_dma(std::uint64_t ticket) const;
  void finish(const Fault& fault);
  // The interrupt line follows IRQ_STATUS & IRQ_ENABLE at the time of the access that
  // changed them (a decoupled CPU's write lands at its annotated time).
  void update_irq(const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME);
  void drive_irq();

  const ArchConfig& config_;
  const Clock clock_;
  RegisterBank bank_;
  sc_core::sc_event start_, irq_changed_;
  LayerDescriptor latched_;
  // layer_overlap: the layer a START queued while one ran, and the register accesses
  // that programmed it; whether its first weights are already loading.
  std::optional<LayerDescriptor> queued_;
  std::uint64_t queued_accesses_ = 0;
  bool queued_prefetched_ = false;
  // latched_ holds a START's layer whose start_ event is still to come (a START can
  // arrive, and a second be queued, before the controller first waits).
  bool start_due_ = false;
  std::int64_t hang_layer_ = -1;
  // The controller's own counters; the blocks keep theirs.
  std::uint64_t register_accesses_ = 0, tiles_ = 0;
  std::uint64_t stall_load_cycles_ = 0, stall_staging_cycles_ = 0, stall_drain_cycles_ = 0;
  std::uint64_t accesses_at_start_ = 0, latched_accesses_ = 0;
  std::vector<std::uint64_t> store_tickets_;  // of the current layer, one per tile
  std::vector<LayerStats> layer_stats_;
  std::function<DramStats()> dram_counters_;
  Timeline* timeline_ = nullptr;
  std::vector<std::string> layer_names_;
  struct Tracks {
    int layers = 0, irq = 0, stalls = 0, pe_array = 0, ppu = 0;
  } tracks_;
  bool irq_level_ = false;
  // At pass detail: a slice from `start` to now on `track`.
  void record_pass(int track, const char* name, std::uint64_t start, Timeline::Args args);
  void record_layer(const LayerStats& s, std::uint64_t start);
};

}  // namespace qacc
