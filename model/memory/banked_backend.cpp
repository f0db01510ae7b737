#include "model/memory/banked_backend.h"

#include <deque>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <systemc>

#include "base/error.h"
#include "model/memory/bank_model.h"
#include "model/sim/clock.h"

namespace qacc {
namespace {

std::uint64_t now_ps() { return static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5); }
sc_core::sc_time ps(std::uint64_t t) { return sc_core::sc_time(static_cast<double>(t), sc_core::SC_PS); }

class BankedBackend : public sc_core::sc_module, public DramTimingBackend {
 public:
  BankedBackend(sc_core::sc_module_name name, const ArchConfig& config)
      : sc_module(name), clock_(config.cycle_ns()), model_(load(config)) {
    const DramDevice& d = model_.device();
    describe_ = fmt::format("banked {} ({} MiB, {} B bursts, {:.2f} B/cycle peak)", d.name, d.capacity_bytes() >> 20,
                            d.bytes_per_burst(), peak_bytes_per_cycle());
    if (d.capacity_bytes() < config.dram_bytes)
      throw UsageError(fmt::format("config key dram_bytes: {} bytes exceed {} ({} bytes)", config.dram_bytes, d.name,
                                   d.capacity_bytes()));
    SC_HAS_PROCESS(BankedBackend);
    SC_METHOD(step);
    sensitive << wake_;
    dont_initialize();
  }

  void begin(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay) override {
    const std::uint64_t burst = model_.device().bytes_per_burst();
    const std::uint64_t first = trans.get_address() / burst * burst;
    const std::uint64_t end = trans.get_address() + trans.get_data_length();
    const std::uint64_t arrival = now_ps() + static_cast<std::uint64_t>(delay.to_seconds() * 1e12 + 0.5);
    trans.acquire();
    std::uint32_t& left = parents_[&trans];
    for (std::uint64_t a = first; a < end; a += burst) {
      waiting_.push_back({&trans, trans.is_write(), a, arrival});
      ++left;
    }
    feed();
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

 private:
  struct Waiting {
    tlm::tlm_generic_payload* parent;
    bool write;
    std::uint64_t address, arrival_ps;
  };

  static DramDevice load(const ArchConfig& config) {
    const DramConfigFile file = find_dram_config(config.dram_memspec);
    return load_dramsys_device(file.config, file.directory);
  }

  // Moves waiting bursts into the model while its request buffer has room (DRAMSys's
  // back-pressure), then wakes at its next event.
  void feed() {
    while (!waiting_.empty() && !model_.full()) {
      const Waiting& w = waiting_.front();
      const std::uint64_t id = next_id_++;
      children_.emplace(id, w.parent);
      model_.push(id, w.write, w.address, std::max(w.arrival_ps, last_arrival_));
      last_arrival_ = std::max(w.arrival_ps, last_arrival_);
      waiting_.pop_front();
    }
    arm();
  }

  void arm() {
    if (const auto next = model_.next_event_ps()) wake_.notify(ps(std::max(*next, now_ps())) - sc_core::sc_time_stamp());
  }

  void step() {
    completed_.clear();
    model_.run_until(now_ps(), completed_);
    for (const auto& [id, done] : completed_) {
      const auto it = children_.find(id);
      tlm::tlm_generic_payload* parent = it->second;
      children_.erase(it);
      const auto p = parents_.find(parent);
      if (--p->second > 0) continue;
      parents_.erase(p);
      respond_(*parent);
      parent->release();
    }
    feed();
  }

  Clock clock_;
  BankModel model_;
  std::string describe_;
  Respond respond_;
  std::deque<Waiting> waiting_;  // held back while the model's buffer is full
  std::unordered_map<std::uint64_t, tlm::tlm_generic_payload*> children_;
  std::unordered_map<const tlm::tlm_generic_payload*, std::uint32_t> parents_;
  std::vector<BankModel::Completion> completed_;
  std::uint64_t next_id_ = 0, last_arrival_ = 0;
  sc_core::sc_event wake_;
};

}  // namespace

std::unique_ptr<DramTimingBackend> make_banked_backend(const char* name, const ArchConfig& config) {
  return std::make_unique<BankedBackend>(name, config);
}

}  // namespace qacc
