#include "model/pe_array/pe_array.h"

#include <algorithm>
#include <cstring>

#include "contract/layer_descriptor.h"
#include "model/func/int8_ops.h"
#include "model/sim/log.h"
#include "model/timing/cost_model.h"

namespace qacc {

PeArray::PeArray(sc_core::sc_module_name name, const ArchConfig& config, Sram& input, Sram& weights, Sram& output)
    : sc_module(name),
      busy("busy"),
      config_(config),
      clock_(config.cycle_ns()),
      input_(input),
      weights_(weights),
      output_(output) {
  if (config.pe_model != PeModel::kRtl) return;
#ifdef QACC_HAVE_RTL
  rtl_ = make_rtl_pe_array("rtl", config);
#else
  validate(config);  // says why this build has no RTL
#endif
}

void PeArray::widen(const PePass& p, const std::uint8_t* input) {
  // Rows arrive with their halo; the array's input feeder adds the column padding.
  const std::uint32_t pad = p.kernel / 2;
  wide_.resize(std::size_t{p.in_channels} * p.rows_in * (p.width + 2 * pad));
  func::widen_pad(input, static_cast<int>(p.in_channels), static_cast<int>(p.rows_in), static_cast<int>(p.width),
                  static_cast<int>(p.in_zero_point), 0, static_cast<int>(pad), wide_.data());
}

// A tile's first chunk starts its partial sums from the bias.
void PeArray::start_from_bias(const PePass& p, const Operands& o) {
  if (!p.first_chunk) return;
  const std::size_t positions = std::size_t{p.rows_in - (p.kernel - 1)} * p.width;
  for (std::uint32_t c = 0; c < p.out_channels; ++c) {
    std::int32_t b;
    std::memcpy(&b, o.bias + kInt32Bytes * c, sizeof b);
    std::fill(o.psum + c * positions, o.psum + (c + 1) * positions, b);
  }
}

// The pass's arithmetic: partial sums from the bias (first chunk) or as they are, plus
// every product of the chunk.
void PeArray::accumulate(const PePass& p, const Operands& o) {
  const std::size_t positions = std::size_t{p.rows_in - (p.kernel - 1)} * p.width;
  const std::size_t taps = std::size_t{p.kernel} * p.kernel;
  const auto* w = o.weights;
  std::int32_t* psum = o.psum;
  start_from_bias(p, o);

  widen(p, o.input);
  const std::uint32_t padded_width = p.width + 2 * (p.kernel / 2);
  if (positions == 1 && p.kernel == 1)
    func::dense_accumulate(wide_.data(), static_cast<int>(p.in_channels), w, p.in_channels,
                           static_cast<int>(p.out_channels), psum);
  else
    func::conv_accumulate(wide_.data(), static_cast<int>(p.in_channels), static_cast<int>(p.rows_in),
                          static_cast<int>(padded_width), w, std::size_t{p.in_channels} * taps,
                          static_cast<int>(p.out_channels), static_cast<int>(p.kernel), psum);
}

std::uint64_t PeArray::run(const PePass& p) {
  const std::uint32_t rows_out = p.rows_in - (p.kernel - 1);
  const std::size_t positions = std::size_t{rows_out} * p.width;
  const std::size_t taps = std::size_t{p.kernel} * p.kernel;
  const std::size_t psum_count = std::size_t{p.out_channels} * positions;

  // The ranges are checked in timing-only runs too: a plan that reaches outside a
  // buffer is wrong whatever the values.
  Operands o;
  o.input = input_.span(p.input_offset, std::size_t{p.in_channels} * p.rows_in * p.width);
  o.weights = reinterpret_cast<const std::int8_t*>(
      weights_.span(p.weight_offset, std::size_t{p.out_channels} * p.in_channels * taps));
  Sram& bias_buffer = p.bias_in_output ? output_ : weights_;
  if (p.first_chunk) o.bias = bias_buffer.span(p.bias_offset, kInt32Bytes * std::size_t{p.out_channels});
  o.psum = reinterpret_cast<std::int32_t*>(output_.span(p.psum_offset, kInt32Bytes * psum_count));
  const timing::TileShape shape{std::uint64_t{p.in_channels} * taps, positions, p.out_channels, p.first_chunk,
                                p.last_chunk};
  const auto traffic = timing::compute_traffic(config_, shape);
  input_.note_reads(traffic.input_reads);
  weights_.note_reads(traffic.weight_reads);
  if (p.first_chunk) bias_buffer.note_reads(kInt32Bytes * std::uint64_t{p.out_channels});
  output_.note_reads(p.first_chunk ? traffic.psum_reads - kInt32Bytes * psum_count : traffic.psum_reads);
  output_.note_writes(traffic.psum_writes);
  stats_.macs += shape.macs();
  ++stats_.passes;
  busy.write(true);

  std::uint64_t cycles = 0;
  if (rtl_) {
    // The RTL's cycles are the pass's: it takes them here. A timing-only run feeds it
    // whatever the buffers hold (its cycles depend on no value).
    cycles = run_rtl(p, o, shape);
    log::trace(*this, "pass K={} P={} M={}: {} cycles (RTL)", shape.k, shape.p, shape.m, cycles);
  } else {
    if (!skip_arithmetic_) accumulate(p, o);
    cycles = timing::compute_cycles(config_, shape);
    // Ported timing needs all three buffers ported (the accelerator gives them ports
    // together).
    uses_.clear();
    const bool ported = input_.ports() != nullptr && weights_.ports() != nullptr && output_.ports() != nullptr;
    const std::uint64_t own = ported ? port_cycles(p, shape) : cycles;
    log::trace(*this, "pass K={} P={} M={}: {} cycles", shape.k, shape.p, shape.m, cycles);
    const SramStall stall = wait_for_ports(clock_, cycles, own, uses_);
    stats_.sram_bandwidth_cycles += stall.bandwidth;
    stats_.sram_conflict_cycles += stall.conflict;
  }
  stats_.busy_cycles += cycles;
  busy.write(false);
  return cycles;
}

// The pass as the RTL's GEMM: term k = (input channel, kernel row, kernel column),
// position = (output row, column), x [K][P] gathered from the padded input.
std::uint64_t PeArray::run_rtl(const PePass& p, const Operands& o, const timing::TileShape& shape) {
  start_from_bias(p, o);
  widen(p, o.input);
  const std::size_t padded_width = p.width + 2 * (p.kernel / 2);
  const std::uint32_t rows_out = p.rows_in - (p.kernel - 1);
  gemm_input_.resize(shape.k * shape.p);
  std::int16_t* x = gemm_input_.data();
  for (std::uint32_t c = 0; c < p.in_channels; ++c)
    for (std::uint32_t ky = 0; ky < p.kernel; ++ky)
      for (std::uint32_t kx = 0; kx < p.kernel; ++kx)
        for (std::uint32_t oy = 0; oy < rows_out; ++oy) {
          const std::int16_t* row = wide_.data() + (std::size_t{c} * p.rows_in + oy + ky) * padded_width + kx;
          x = std::copy(row, row + p.width, x);
        }
  RtlPassData d;
  d.k = static_cast<std::uint32_t>(shape.k);
  d.p = static_cast<std::uint32_t>(shape.p);
  d.m = static_cast<std::uint32_t>(shape.m);
  d.x = gemm_input_.data();
  d.w = o.weights;
  d.psum = o.psum;
  return rtl_->run(d);
}

std::uint64_t PeArray::port_cycles(const PePass& p, const timing::TileShape& shape) {
  // Each operand's bytes spread over the region it occupies in its buffer.
  const std::size_t input_extent = std::size_t{p.in_channels} * p.rows_in * p.width;
  const std::size_t weight_extent = std::size_t{p.out_channels} * p.in_channels * p.kernel * p.kernel;
  const std::size_t psum_extent = kInt32Bytes * shape.p * shape.m;
  SramPorts &in = *input_.ports(), &w = *weights_.ports(), &out = *output_.ports();
  uses_.assign({{&in, in.tally()}, {&w, w.tally()}, {&out, out.tally()}});
  if (p.first_chunk) {
    const std::size_t at = p.bias_in_output ? 2 : 1;
    (p.bias_in_output ? out : w).add(uses_[at].bytes, p.bias_offset, kInt32Bytes * std::size_t{p.out_channels},
                                     kInt32Bytes * shape.m, false);
  }
  std::uint64_t own = 0;
  for (const timing::PassPhase& ph : timing::pass_phases(config_, shape)) {
    SramPorts::Tally ti = in.tally(), tw = w.tally(), to = out.tally();
    in.add(ti, p.input_offset, input_extent, ph.input, false);
    w.add(tw, p.weight_offset, weight_extent, ph.weight, false);
    out.add(to, p.psum_offset, psum_extent, ph.psum_read, false);
    out.add(to, p.psum_offset, psum_extent, ph.psum_write, true);
    // A phase lasts until its busiest port has moved its bytes.
    own += ph.count * std::max({ph.cycles, in.cycles(ti), w.cycles(tw), out.cycles(to)});
    SramPorts::accumulate(uses_[0].bytes, ti, ph.count);
    SramPorts::accumulate(uses_[1].bytes, tw, ph.count);
    SramPorts::accumulate(uses_[2].bytes, to, ph.count);
  }
  return own;
}

}  // namespace qacc
