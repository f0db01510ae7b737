#include "model/pe_array/rtl_pe_array.h"

#include <Vpe_pass_sc16.h>
#include <Vpe_pass_sc4.h>
#include <Vpe_pass_sc8.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "base/error.h"
#include "model/pe_array/pass_beats.h"

namespace qacc {
namespace {

template <int W>
using Bits = sc_core::sc_signal<sc_dt::sc_bv<W>>;

// Lanes of `width` bits, lane 0 in the low bits, as Verilator lays a packed vector out.
template <int W>
void put(Bits<W>& signal, const std::int32_t* lanes, int count, int width) {
  sc_dt::sc_bv<W> v;
  std::uint64_t acc = 0;
  int bits = 0, word = 0;
  const std::uint64_t mask = width == 32 ? 0xFFFFFFFFu : (std::uint64_t{1} << width) - 1;
  for (int l = 0; l < count; ++l) {
    acc |= (static_cast<std::uint64_t>(static_cast<std::uint32_t>(lanes[l])) & mask) << bits;
    bits += width;
    if (bits >= 32) {
      v.set_word(word++, static_cast<sc_dt::sc_digit>(acc));
      acc >>= 32;
      bits -= 32;
    }
  }
  if (bits > 0) v.set_word(word, static_cast<sc_dt::sc_digit>(acc));
  signal.write(v);
}

template <int W>
void put(Bits<W>& signal, std::uint32_t value) {
  sc_dt::sc_bv<W> v;
  v.set_word(0, value);
  signal.write(v);
}

template <class Top, int R, int C>
class RtlPeArrayOf final : public RtlPeArray {
 public:
  RtlPeArrayOf(sc_core::sc_module_name name, const ArchConfig& config)
      : RtlPeArray(name), config_(config), period_(config.cycle_ns(), sc_core::SC_NS), top_("pe_pass") {
    top_.clk(clk_);
    top_.rst_n(rst_n_);
    top_.start(start_);
    top_.start_ready(start_ready_);
    top_.done(done_);
    top_.busy(busy_);
    top_.k(k_);
    top_.p(p_);
    top_.m(m_);
    top_.dataflow(dataflow_);
    top_.os_drain_parallel(os_drain_parallel_);
    top_.fold_overlap(fold_overlap_);
    top_.ws_weight_double_buffer(ws_weight_double_buffer_);
    top_.a_valid(a_valid_);
    top_.a_ready(a_ready_);
    top_.a_data(a_data_);
    top_.b_valid(b_valid_);
    top_.b_ready(b_ready_);
    top_.b_data(b_data_);
    top_.pin_valid(pin_valid_);
    top_.pin_ready(pin_ready_);
    top_.pin_data(pin_data_);
    top_.pout_valid(pout_valid_);
    top_.pout_ready(pout_ready_);
    top_.pout_data(pout_data_);
  }

  std::uint64_t run(const RtlPassData& d) override {
    if (!reset_done_) reset();
    const PassBeats beats(config_.dataflow, R, C, d.k, d.p, d.m);
    if (beats.folds() == 0) return 0;
    if (std::max({d.k, d.p, d.m}) > 0xFFFF)
      throw std::logic_error(fmt::format("RTL PE array: pass K={} P={} M={} exceeds its 16-bit shape ports", d.k, d.p, d.m));
    put(k_, d.k);
    put(p_, d.p);
    put(m_, d.m);
    put(dataflow_, static_cast<std::uint32_t>(config_.dataflow));
    os_drain_parallel_.write(config_.os_drain == OsDrain::kParallel);
    fold_overlap_.write(config_.fold_overlap);
    ws_weight_double_buffer_.write(config_.ws_weight_double_buffer);
    pin_valid_.write(true);
    pout_ready_.write(true);

    // Every fold after the first of a sum gets the sum so far back through pin.
    const auto x = [&](std::uint32_t k, std::uint32_t p) { return d.x[std::size_t{k} * d.p + p]; };
    const auto w = [&](std::uint32_t m, std::uint32_t k) { return d.w[std::size_t{m} * d.k + k]; };
    // A result index of PassBeats (p * M + m) in the output buffer's [M][P] layout.
    const auto psum_at = [&](std::int64_t i) -> std::int32_t& {
      return d.psum[static_cast<std::size_t>(i % d.m) * d.p + static_cast<std::size_t>(i / d.m)];
    };
    std::int32_t lanes[std::max(R, C)];
    std::int64_t index[C];
    std::size_t a = 0, b = 0, out = 0;
    std::uint64_t done_cycle = 0;
    // Every stream is always ready on this side, so the RTL never stalls; a generous
    // bound catches an RTL that never finishes.
    const std::uint64_t limit = 4 * (beats.a_count() + beats.b_count() + beats.out_count()) + 64 * (R + C);
    // Cycle c: inputs change with the falling clock, the outputs settle (two delta
    // cycles: the signals update, then the model evaluates), the handshakes of the
    // cycle are read, and the rising edge ends it a period later. Cycle 0 takes the
    // start; the previous pass's done may still be high in it (pe_pass.sv).
    for (std::uint64_t c = 0;; ++c) {
      clk_.write(false);
      start_.write(c == 0);
      a_valid_.write(a < beats.a_count());
      if (a < beats.a_count()) {
        beats.a(a, x, w, lanes);
        put(a_data_, lanes, R, 9);
      }
      b_valid_.write(b < beats.b_count());
      if (b < beats.b_count()) {
        beats.b(b, x, w, lanes);
        put(b_data_, lanes, C, 9);
      }
      if (out < beats.out_count()) {
        beats.out(out, index);
        for (int j = 0; j < C; ++j) lanes[j] = index[j] < 0 ? 0 : psum_at(index[j]);
        put(pin_data_, lanes, C, 32);
      }
      settle();

      if (c == 0 && !start_ready_.read()) throw std::logic_error("RTL PE array: start not taken by an idle array");
      if (c > 0 && done_.read() && done_cycle == 0) done_cycle = c;
      if (a_ready_.read()) ++a;
      if (b_ready_.read()) ++b;
      if (pin_ready_.read()) {
        if (out >= beats.out_count()) throw std::logic_error(
              fmt::format("RTL PE array: pass K={} P={} M={}: a result beat too many", d.k, d.p, d.m));
        const sc_dt::sc_bv<C * 32>& sums = pout_data_.read();
        for (int j = 0; j < C; ++j)
          if (index[j] >= 0) psum_at(index[j]) = static_cast<std::int32_t>(sums.get_word(j));
        ++out;
      }
      // The done cycle (or a later last beat's) is shared with what follows, as the
      // next pass's start would be: its edge takes no time here, and the next pass
      // starts from an idle array, as it would back to back.
      if (done_cycle != 0 && out == beats.out_count()) {
        if (a != beats.a_count() || b != beats.b_count())
          throw std::logic_error("RTL PE array: done before taking every operand beat");
        clk_.write(true);
        settle();
        return c;
      }
      if (c > limit)
        throw std::logic_error(fmt::format("RTL PE array: pass K={} P={} M={} not done after {} cycles", d.k, d.p, d.m, c));
      clk_.write(true);
      sc_core::wait(period_);
    }
  }

 private:
  // Written signals update at the end of the delta cycle, the model evaluates in the
  // next: two delta cycles later its outputs are there.
  static void settle() {
    sc_core::wait(sc_core::SC_ZERO_TIME);
    sc_core::wait(sc_core::SC_ZERO_TIME);
  }

  // Before the first pass, in delta cycles (no simulated time): three edges in reset,
  // one out of it.
  void reset() {
    for (int i = 0; i < 4; ++i) {
      rst_n_.write(i == 3);
      clk_.write(true);
      settle();
      clk_.write(false);
      settle();
    }
    reset_done_ = true;
  }

  const ArchConfig& config_;
  const sc_core::sc_time period_;
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"}, start_{"start"}, start_ready_{"start_ready"}, done_{"done"},
      busy_{"busy"}, os_drain_parallel_{"os_drain_parallel"}, fold_overlap_{"fold_overlap"},
      ws_weight_double_buffer_{"ws_weight_double_buffer"}, a_valid_{"a_valid"}, a_ready_{"a_ready"},
      b_valid_{"b_valid"}, b_ready_{"b_ready"}, pin_valid_{"pin_valid"}, pin_ready_{"pin_ready"},
      pout_valid_{"pout_valid"}, pout_ready_{"pout_ready"};
  Bits<16> k_{"k"}, p_{"p"}, m_{"m"};
  Bits<2> dataflow_{"dataflow"};
  Bits<R * 9> a_data_{"a_data"};
  Bits<C * 9> b_data_{"b_data"};
  Bits<C * 32> pin_data_{"pin_data"}, pout_data_{"pout_data"};
  Top top_;
  bool reset_done_ = false;
};

}  // namespace

std::unique_ptr<RtlPeArray> make_rtl_pe_array(sc_core::sc_module_name name, const ArchConfig& config) {
  if (config.pe_rows == config.pe_cols) switch (config.pe_rows) {
      case 4: return std::make_unique<RtlPeArrayOf<Vpe_pass_sc4, 4, 4>>(name, config);
      case 8: return std::make_unique<RtlPeArrayOf<Vpe_pass_sc8, 8, 8>>(name, config);
      case 16: return std::make_unique<RtlPeArrayOf<Vpe_pass_sc16, 16, 16>>(name, config);
      default: break;
    }
  throw UsageError(
      fmt::format("config key pe_rows: pe_model: rtl has no {}x{} array in this build", config.pe_rows, config.pe_cols));
}

}  // namespace qacc
