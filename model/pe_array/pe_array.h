#pragma once
// The PE array: rows x columns of int8 x int8 -> int32 MAC units. One call computes
// one pass (a chunk of input channels into one tile's partial sums) with the integer
// core and waits the cycles the cost model gives for the configured dataflow, no event
// per MAC; or, with pe_model: rtl, runs the pass on the array's RTL, which gives both
// the sums and the cycles (rtl_pe_array.h).
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "model/config/arch_config.h"
#include "model/memory/port_wait.h"
#include "model/memory/sram.h"
#include "model/pe_array/rtl_pe_array.h"
#include "model/sim/clock.h"
#include "model/timing/cost_model.h"

namespace qacc {

struct PePass {
  std::size_t input_offset = 0;  // input buffer: uint8 [in_channels][rows_in][width]
  std::uint32_t in_channels = 0, rows_in = 0, width = 0, in_zero_point = 0, kernel = 1;
  std::size_t weight_offset = 0;  // weight buffer: int8 [out_channels][in_channels][kernel][kernel]
  std::size_t bias_offset = 0;    // weight buffer: int32 [out_channels], used when first_chunk
  bool bias_in_output = false;    // at bias_offset in the output buffer instead (kFlagBiasApart)
  bool first_chunk = true, last_chunk = true;  // of its tile's input-channel chunks
  std::uint32_t out_channels = 0;
  std::size_t psum_offset = 0;  // output buffer: int32 [out_channels][rows_in - kernel + 1][width]
};

struct PeArrayStats {
  std::uint64_t macs = 0;
  std::uint64_t busy_cycles = 0;
  std::uint64_t passes = 0;
  // Beyond busy_cycles, waiting for buffer ports (sram_model: ported).
  std::uint64_t sram_bandwidth_cycles = 0, sram_conflict_cycles = 0;
};

class PeArray : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> busy;

  PeArray(sc_core::sc_module_name name, const ArchConfig& config, Sram& input, Sram& weights, Sram& output);

  // Computes the pass and waits its cycles, and then for the buffers' ports; returns
  // the compute cycles. Throws SramRangeError if the pass reaches outside a buffer.
  std::uint64_t run(const PePass& pass);
  const PeArrayStats& stats() const { return stats_; }
  // Timing-only runs (--timing-only): passes take their cycles and check their buffer
  // ranges but compute nothing; no cycle depends on a value.
  void skip_arithmetic() { skip_arithmetic_ = true; }

 private:
  const ArchConfig& config_;
  const Clock clock_;
  Sram &input_, &weights_, &output_;
  // The pass's cycles with its buffers' ports (each phase as long as its busiest port
  // needs); sets uses_ to its bytes per port.
  std::uint64_t port_cycles(const PePass& pass, const timing::TileShape& shape);
  struct Operands {
    const std::uint8_t* input = nullptr;
    const std::int8_t* weights = nullptr;
    const std::uint8_t* bias = nullptr;  // first chunk only
    std::int32_t* psum = nullptr;
  };
  void accumulate(const PePass& pass, const Operands& operands);
  void start_from_bias(const PePass& pass, const Operands& operands);
  // The input with its column padding, minus the zero point: wide_.
  void widen(const PePass& pass, const std::uint8_t* input);
  std::uint64_t run_rtl(const PePass& pass, const Operands& operands, const timing::TileShape& shape);

  bool skip_arithmetic_ = false;
  std::vector<std::int16_t> wide_, gemm_input_;
  std::unique_ptr<RtlPeArray> rtl_;  // pe_model: rtl
  std::vector<SramUse> uses_;
  PeArrayStats stats_;
};

}  // namespace qacc
