#include "model/memory/banked_backend.h"

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <systemc>

#include "base/error.h"
#include "model/memory/bank_model.h"
#include "model/sim/clock.h"
#include "model/sim/log.h"

namespace qacc {
namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// Simulated time in whole picoseconds, the model's unit, as integers: the kernel counts
// time in multiples of its resolution (1 ps unless a program sets it finer).
class Picoseconds {
 public:
  Picoseconds() : ticks_(sc_core::sc_time(1, sc_core::SC_PS).value()), max_(sc_core::sc_max_time()) {
    if (ticks_ == 0) throw UsageError("the banked DRAM model needs a SystemC time resolution of 1 ps or finer");
  }
  std::uint64_t of(const sc_core::sc_time& t) const {
    if (t == max_) return kNever;
    return ticks_ == 1 ? t.value() : (t.value() + ticks_ / 2) / ticks_;  // 1 ps, the default: no division
  }
  sc_core::sc_time time(std::uint64_t ps) const {
    return ps == kNever ? max_ : sc_core::sc_time::from_value(ps * ticks_);
  }
  std::uint64_t now() const { return of(sc_core::sc_time_stamp()); }

 private:
  std::uint64_t ticks_;
  sc_core::sc_time max_;  // sc_max_time(), a library call each time
};

// Whether every address below `bytes` decodes to the same bank: no channel, rank, bank
// group or bank bit (nor a bit XORed into one) varies there.
bool in_one_bank(const DramDevice& d, std::uint64_t bytes) {
  const auto varies = [bytes](const std::vector<DramDevice::MappedBit>& field) {
    for (const DramDevice::MappedBit& b : field)
      if ((b.bit < 64 && (std::uint64_t{1} << b.bit) < bytes) || (b.xor_with & (bytes - 1)) != 0) return true;
    return false;
  };
  const DramDevice::Mapping& m = d.mapping;
  return !varies(m.channel) && !varies(m.rank) && !varies(m.bank_group) && !varies(m.bank);
}

class BankedBackend : public sc_core::sc_module, public DramTimingBackend {
 public:
  BankedBackend(sc_core::sc_module_name name, const ArchConfig& config)
      : sc_module(name),
        clock_(config.cycle_ns()),
        model_(load(config)),
        in_order_(config.dram_scheduling == DramScheduling::kInOrder) {
    const DramDevice& d = model_.device();
    describe_ = fmt::format("banked {} ({} MiB, {} B bursts, {:.2f} B/cycle peak{})", d.name, d.capacity_bytes() >> 20,
                            d.bytes_per_burst(), peak_bytes_per_cycle(), in_order_ ? ", in order" : "");
    if (in_order_ && d.page_policy != PagePolicy::kOpen && d.page_policy != PagePolicy::kClosed)
      throw UsageError(fmt::format(
          "config key dram_scheduling: in_order takes the Open or Closed page policy, and {} has an adaptive one",
          config.dram_memspec));
    if (d.capacity_bytes() < config.dram_bytes)
      throw UsageError(fmt::format("config key dram_bytes: {} bytes exceed {} ({} bytes)", config.dram_bytes, d.name,
                                   d.capacity_bytes()));
    if (in_order_ && !in_one_bank(d, config.dram_bytes))
      log::warning(*this,
                   "dram_scheduling: in_order: the DRAM's {} bytes span several banks of {}, whose requests it never "
                   "overlaps (pessimistic against the controller; docs/timing.md §6)",
                   config.dram_bytes, d.name);
    SC_HAS_PROCESS(BankedBackend);
    SC_METHOD(step);
    sensitive << wake_;
    dont_initialize();
  }

  std::optional<sc_core::sc_time> begin(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay) override {
    const std::uint64_t burst = model_.device().bytes_per_burst();
    const std::uint64_t first = trans.get_address() / burst * burst;
    const std::uint64_t end = trans.get_address() + trans.get_data_length();
    const std::uint64_t arrival = ps_.of(sc_core::sc_time_stamp() + delay);
    if (in_order_) {
      // A transaction of no bytes still takes a burst.
      const auto bursts = static_cast<unsigned>(std::max<std::uint64_t>(1, (end - first + burst - 1) / burst));
      const std::uint64_t done = model_.serve(trans.is_write(), first, arrival, bursts);
      if (timeline_ != nullptr) record_commands();
      return ps_.time(done);
    }
    trans.acquire();
    // Each burst goes to the model under its transaction's index: the transaction is
    // done when the last of them is.
    std::uint32_t index;
    if (free_.empty()) {
      index = static_cast<std::uint32_t>(open_.size());
      open_.emplace_back();
    } else {
      index = free_.back();
      free_.pop_back();
    }
    open_[index] = {&trans, 0};
    for (std::uint64_t a = first; a < end; a += burst) {
      model_.offer(index, trans.is_write(), a, arrival);
      ++open_[index].left;
    }
    wake_by(model_.earliest_done_ps(arrival));
    return std::nullopt;
  }

  std::optional<sc_core::sc_time> run_ahead(const sc_core::sc_time& no_request_before) override {
    if (in_order_) return std::nullopt;  // every transaction answered in its begin()
    const auto limit = model_.decided_before_ps(ps_.of(no_request_before));
    if (!limit) return std::nullopt;
    stop_on_answer_ = true;
    model_.schedule_until(*limit, answer_);
    record_commands();
    const auto next = model_.earliest_unscheduled_done_ps();
    return ps_.time(next ? *next : kNever);
  }

  void on_response(Respond respond) override { respond_ = std::move(respond); }
  double peak_bytes_per_cycle() const override {
    return model_.device().peak_bytes_per_ps() * clock_.period().to_seconds() * 1e12;
  }
  std::uint64_t page_bytes() const override { return model_.device().row_bytes(); }
  std::uint64_t capacity() const override { return model_.device().capacity_bytes(); }
  std::string describe() const override { return describe_; }
  DramStats stats() const override {
    const DramCounters& c = model_.counters();
    return {c.row_hits, c.row_misses + c.row_conflicts, c.refreshes, c.energy_pj};
  }
  void record(Timeline* timeline) override {
    timeline_ = timeline;
    model_.trace(timeline != nullptr ? &commands_ : nullptr);
  }

 private:
  struct Open {
    tlm::tlm_generic_payload* trans;
    std::uint32_t left;  // bursts whose column command has not issued
  };

  static DramDevice load(const ArchConfig& config) {
    const DramConfigFile file = find_dram_config(config.dram_memspec);
    return load_dramsys_device(file.config, file.directory);
  }

  // A burst's column command has issued, so its completion is final: answers its
  // transaction if that was the last one. Returns whether schedule_until should stop.
  bool scheduled(std::uint64_t index, std::uint64_t done_ps) {
    Open& o = open_[index];
    if (--o.left > 0) return false;
    respond_(*o.trans, ps_.time(done_ps));
    o.trans->release();
    free_.push_back(static_cast<std::uint32_t>(index));
    return stop_on_answer_;
  }

  // Wakes by done_ps at the latest (an earlier pending wake stays): a response can next
  // fall due then, as every column command issued is answered at once.
  void wake_by(std::uint64_t done_ps) {
    if (done_ps >= wake_ps_) return;
    wake_ps_ = std::max(done_ps, ps_.now());
    wake_.notify(ps_.time(wake_ps_) - sc_core::sc_time_stamp());
  }

  // Catches up with simulated time: every request arriving by now has begun. When the
  // DMA has run the model ahead (run_ahead), it is there already and this does nothing.
  void step() {
    wake_ps_ = kNever;
    stop_on_answer_ = false;
    model_.schedule_until(ps_.now(), answer_);
    record_commands();
    if (const auto next = model_.earliest_unscheduled_done_ps()) wake_by(*next);
  }

  // The commands issued since the last call, as instants on a track per bank (per
  // rank for all-bank precharges and refreshes).
  void record_commands() {
    for (const DramCommand& c : commands_) {
      static constexpr const char* kNames[] = {"ACT", "PRE", "RD", "WR", "PREA", "REF"};
      const bool rank = c.op == DramOp::kPreAll || c.op == DramOp::kRefresh;
      std::vector<int>& tracks = rank ? rank_tracks_ : bank_tracks_;
      if (tracks.empty())
        tracks.assign(rank ? model_.device().channels * model_.device().ranks : model_.device().banks(), -1);
      int& track = tracks.at(c.target);
      if (track < 0)
        track = timeline_->track(fmt::format("DRAM {} {}", rank ? "rank" : "bank", c.target),
                                 (rank ? 4000 : 3000) + static_cast<int>(c.target));
      std::string name = kNames[static_cast<int>(c.op)];
      if (c.auto_precharge) name += "A";
      timeline_->instant_at(track, name, static_cast<double>(c.cycle) * model_.device().tck_ps / 1e6,
                            {{"dram_cycle", c.cycle}});
    }
    commands_.clear();
  }

  Clock clock_;
  Picoseconds ps_;
  BankModel model_;
  bool in_order_;  // dram_scheduling: in_order
  std::string describe_;
  Respond respond_;
  std::vector<Open> open_;  // transactions begun and not answered, by index
  std::vector<std::uint32_t> free_;
  const BankModel::Scheduled answer_ = [this](std::uint64_t index, std::uint64_t done_ps) {
    return scheduled(index, done_ps);
  };
  bool stop_on_answer_ = false;  // run_ahead: stop at the first transaction answered
  std::uint64_t wake_ps_ = kNever;
  sc_core::sc_event wake_;
  Timeline* timeline_ = nullptr;
  std::vector<DramCommand> commands_;
  std::vector<int> bank_tracks_, rank_tracks_;
};

}  // namespace

std::unique_ptr<DramTimingBackend> make_banked_backend(const char* name, const ArchConfig& config) {
  return std::make_unique<BankedBackend>(name, config);
}

}  // namespace qacc
