#pragma once
// The post-processing unit: requantises a tile's int32 partial sums by a
// power-of-two shift (ties to even, saturation, ReLU at the zero point, exactly as
// LibTorch's QNNPACK engine), then 2x2 max-pools, writing uint8 results for the DMA
// to store. Functional work from the integer core; time from the cost model.
#include <cstdint>
#include <vector>

#include <systemc>

#include "model/config/arch_config.h"
#include "model/func/int8_ops.h"
#include "model/memory/port_wait.h"
#include "model/memory/sram.h"
#include "model/sim/clock.h"

namespace qacc {

struct PpuPass {
  std::size_t psum_offset = 0;  // output buffer: int32 [channels][rows][width]
  std::uint32_t channels = 0, rows = 0, width = 0;
  std::int32_t shift = 0;
  std::uint32_t zero_point = 0;
  bool relu = false, pool = false;
  std::size_t result_offset = 0;  // output buffer: uint8 [channels][rows'][width']
};

class PostProcessor : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> busy;

  PostProcessor(sc_core::sc_module_name name, const ArchConfig& config, Sram& output);
  std::uint64_t run(const PpuPass& pass);
  // Timing-only runs: the pass takes its cycles and checks its ranges, computes nothing.
  void skip_arithmetic() { skip_arithmetic_ = true; }
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  // Beyond busy_cycles, waiting for the output buffer's ports (sram_model: ported).
  const SramStall& sram_stall() const { return sram_stall_; }
  // Outputs the requantisation clamped, before pooling, since reset.
  const func::Saturation& saturation() const { return saturation_; }

 private:
  const ArchConfig& config_;
  const Clock clock_;
  Sram& output_;
  bool skip_arithmetic_ = false;
  std::vector<std::uint8_t> activations_;
  std::uint64_t busy_cycles_ = 0;
  SramStall sram_stall_;
  std::vector<SramUse> uses_;
  func::Saturation saturation_;
};

}  // namespace qacc
