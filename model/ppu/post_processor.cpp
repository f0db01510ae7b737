#include "model/ppu/post_processor.h"

#include <algorithm>

#include "contract/layer_descriptor.h"
#include "model/func/int8_ops.h"
#include "model/sim/log.h"
#include "model/timing/cost_model.h"

namespace qacc {

PostProcessor::PostProcessor(sc_core::sc_module_name name, const ArchConfig& config, Sram& output)
    : sc_module(name), busy("busy"), config_(config), clock_(config.cycle_ns()), output_(output) {}

std::uint64_t PostProcessor::run(const PpuPass& p) {
  const std::size_t n = std::size_t{p.channels} * p.rows * p.width;
  const auto* psum = reinterpret_cast<const std::int32_t*>(output_.span(p.psum_offset, kInt32Bytes * n));
  // A 2x2 max-pool keeps one value of four.
  const std::size_t results = p.pool ? n / 4 : n;
  std::uint8_t* out = output_.span(p.result_offset, results);
  func::Saturation clipped;
  if (!skip_arithmetic_) {
    if (p.pool) {
      activations_.resize(n);
      clipped = func::requantize(psum, n, p.shift, static_cast<int>(p.zero_point), p.relu, activations_.data());
      func::maxpool2x2(activations_.data(), static_cast<int>(p.channels), static_cast<int>(p.rows),
                       static_cast<int>(p.width), out);
    } else {
      clipped = func::requantize(psum, n, p.shift, static_cast<int>(p.zero_point), p.relu, out);
    }
  }
  saturation_.high += clipped.high;
  saturation_.low += clipped.low;
  saturation_.relu_floor += clipped.relu_floor;
  output_.note_reads(kInt32Bytes * n);
  output_.note_writes(results);
  const std::uint64_t cycles = timing::ppu_cycles(config_, n);
  std::uint64_t own = cycles;
  uses_.clear();
  if (SramPorts* ports = output_.ports()) {
    uses_.push_back({ports, ports->tally()});
    ports->add(uses_.back().bytes, p.psum_offset, kInt32Bytes * n, kInt32Bytes * n, false);
    ports->add(uses_.back().bytes, p.result_offset, results, results, true);
    own = std::max(own, ports->cycles(uses_.back().bytes));
  }

  busy_cycles_ += cycles;
  busy.write(true);
  log::trace(*this, "{} values{}: {} cycles", n, p.pool ? " pooled" : "", cycles);
  const SramStall stall = wait_for_ports(clock_, cycles, own, uses_);
  sram_stall_.bandwidth += stall.bandwidth;
  sram_stall_.conflict += stall.conflict;
  busy.write(false);
  return cycles;
}

}  // namespace qacc
