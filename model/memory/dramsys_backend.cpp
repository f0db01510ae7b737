#include "model/memory/dramsys_backend.h"

#include <fmt/format.h>

#include "base/error.h"

#ifdef QACC_HAVE_DRAMSYS
#include <algorithm>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include <DRAMSys/common/dramExtensions.h>
#include <DRAMSys/config/DRAMSysConfiguration.h>
#include <DRAMSys/simulation/DRAMSys.h>
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "base/log.h"
#include "model/sim/clock.h"
#include "model/sim/payload_pool.h"
#endif

namespace qacc {

#ifndef QACC_HAVE_DRAMSYS

std::unique_ptr<DramTimingBackend> make_dramsys_backend(const char*, const ArchConfig&) {
  throw UsageError(
      "config key dram_model: dramsys is not in this build; configure with -DQACC_DRAMSYS_SOURCE=<DRAMSys 5.1 "
      "source tree or DRAMSys-5.1.tar.gz> (scripts/setup.sh does when ../shared/vendor has it)");
}

#else

namespace {

namespace fs = std::filesystem;

// DRAMSys prints its banner, tables and end-of-run figures on std::cout; the tools
// print with fmt on stdout and stderr, so only DRAMSys (and SystemC's own reports,
// which go to std::cout too) fall silent while this is held.
// Below --log-level debug, that is.
class CoutSilencer {
 public:
  CoutSilencer() : old_(log::enabled(log::Level::kDebug) ? nullptr : std::cout.rdbuf(sink_.rdbuf())) {}
  ~CoutSilencer() {
    if (old_ != nullptr) std::cout.rdbuf(old_);
  }
  CoutSilencer(const CoutSilencer&) = delete;
  CoutSilencer& operator=(const CoutSilencer&) = delete;

 private:
  std::ostringstream sink_;
  std::streambuf* old_;
};

// One line for a DRAMSys or SystemC error while loading and building the model.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

class DramSysBackend : public sc_core::sc_module, public DramTimingBackend {
 public:
  tlm_utils::simple_initiator_socket<DramSysBackend> out;

  DramSysBackend(sc_core::sc_module_name name, const ArchConfig& config)
      : sc_module(name), out("out"), clock_(config.cycle_ns()), responses_(this, &DramSysBackend::on_burst_done) {
    const fs::path file = find_dram_config(config.dram_memspec).config;
    // DRAMSys reports configuration errors as SystemC fatals, which abort unless told
    // to throw; exceptions from its JSON parser come as they are.
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    try {
      DRAMSys::Config::Configuration c = DRAMSys::Config::from_path(file.string());
      c.simconfig.DatabaseRecording = false;
      c.simconfig.Debug = false;
      c.simconfig.SimulationProgressBar = false;
      c.simconfig.StoreMode = DRAMSys::Config::StoreModeType::NoStorage;  // the Dram holds the data
      const CoutSilencer quiet;
      dramsys_ = std::make_unique<DRAMSys::DRAMSys>("dramsys", c);
    } catch (const sc_core::sc_report& e) {
      sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DEFAULT_FATAL_ACTIONS);
      throw UsageError(fmt::format("config key dram_memspec: {}: {}", file.string(), one_line(e.get_msg())));
    } catch (const std::exception& e) {
      sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DEFAULT_FATAL_ACTIONS);
      throw UsageError(fmt::format("config key dram_memspec: {}: {}", file.string(), one_line(e.what())));
    }
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DEFAULT_FATAL_ACTIONS);
    const auto& spec = dramsys_->getMemSpec();
    burst_bytes_ = spec.defaultBytesPerBurst;
    capacity_ = std::min<std::uint64_t>(spec.getSimMemSizeInBytes(), dramsys_->getAddressDecoder().maxAddress() + 1);
    page_bytes_ = static_cast<std::uint64_t>(spec.columnsPerRow) * spec.dataBusWidth / 8;
    // dataRate beats of dataBusWidth bits per tCK, on every channel, per our cycle.
    peak_ = static_cast<double>(spec.numberOfChannels) * spec.dataRate * spec.dataBusWidth / 8.0 *
            (clock_.period() / spec.tCK);
    refresh_interval_ = spec.getRefreshIntervalAB();
    ranks_ = spec.numberOfChannels * spec.ranksPerChannel;
    describe_ = fmt::format("DRAMSys {} ({}, {} MiB, {} B bursts, {:.2f} B/cycle peak)", file.stem().string(),
                            spec.memoryId, capacity_ >> 20, burst_bytes_, peak_);
    if (capacity_ < config.dram_bytes)
      throw UsageError(fmt::format("config key dram_bytes: {} bytes exceed {} ({} bytes)", config.dram_bytes,
                                   file.string(), capacity_));
    out.register_nb_transport_bw(this, &DramSysBackend::nb_transport_bw);
    out.bind(dramsys_->tSocket);
    SC_HAS_PROCESS(DramSysBackend);
    SC_THREAD(send);
  }

  std::optional<sc_core::sc_time> begin(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay) override {
    // Whole bursts covering the transaction, aligned as DRAMSys requires.
    const std::uint64_t first = trans.get_address() / burst_bytes_ * burst_bytes_;
    const std::uint64_t end = trans.get_address() + trans.get_data_length();
    trans.acquire();
    std::uint32_t& left = parents_[&trans];  // bursts not yet answered
    const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
    for (std::uint64_t a = first; a < end; a += burst_bytes_) {
      tlm::tlm_generic_payload* child = pool_.allocate();
      child->set_command(trans.get_command());
      child->set_address(a);
      child->set_data_ptr(scratch_);  // NoStorage: DRAMSys never touches it
      child->set_data_length(static_cast<unsigned>(burst_bytes_));
      child->set_streaming_width(static_cast<unsigned>(burst_bytes_));
      child->set_byte_enable_ptr(nullptr);
      child->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      children_[child] = &trans;
      ++left;
      pending_.push_back({child, at});
    }
    queued_.notify(sc_core::SC_ZERO_TIME);
    return std::nullopt;
  }

  void on_response(Respond respond) override { respond_ = std::move(respond); }
  double peak_bytes_per_cycle() const override { return peak_; }
  std::uint64_t page_bytes() const override { return page_bytes_; }
  std::uint64_t capacity() const override { return capacity_; }
  std::string describe() const override { return describe_; }

  DramStats stats() const override {
    DramStats s = stats_;
    s.refreshes = static_cast<std::uint64_t>(sc_core::sc_time_stamp() / refresh_interval_) * ranks_;
    return s;
  }

  void start_of_simulation() override { quiet_during_run_ = std::make_unique<CoutSilencer>(); }
 private:
  struct Pending {
    tlm::tlm_generic_payload* child;
    sc_core::sc_time at;  // not before
  };

  // One BEGIN_REQ at a time (the base protocol's request exclusion): the next waits
  // for DRAMSys's END_REQ, its back-pressure.
  void send() {
    for (;;) {
      while (pending_.empty()) sc_core::wait(queued_);
      const Pending p = pending_.front();
      pending_.pop_front();
      if (p.at > sc_core::sc_time_stamp()) sc_core::wait(p.at - sc_core::sc_time_stamp());
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      waiting_end_request_ = true;
      const tlm::tlm_sync_enum status = out->nb_transport_fw(*p.child, phase, delay);
      if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
        waiting_end_request_ = false;
        sc_core::wait(delay);
      }
      while (waiting_end_request_) sc_core::wait(end_request_);
    }
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& child, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) {
    if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) {
      if (waiting_end_request_) {
        waiting_end_request_ = false;
        end_request_.notify(delay);
      }
    }
    if (phase != tlm::BEGIN_RESP) return tlm::TLM_ACCEPTED;
    responses_.notify(child, phase, delay);
    // DRAMSys's arbiter takes END_RESP as an update; it does not handle TLM_COMPLETED.
    phase = tlm::END_RESP;
    return tlm::TLM_UPDATED;
  }

  void on_burst_done(tlm::tlm_generic_payload& child, const tlm::tlm_phase&) {
    if (const auto* ext = child.get_extension<DRAMSys::ControllerExtension>()) {
      const auto bank = std::make_tuple(static_cast<std::size_t>(ext->getRank()),
                                        static_cast<std::size_t>(ext->getBankGroup()),
                                        static_cast<std::size_t>(ext->getBank()));
      const auto row = static_cast<std::size_t>(ext->getRow());
      const auto it = open_row_.find(bank);
      if (it != open_row_.end() && it->second == row) {
        ++stats_.row_hits;
      } else {
        ++stats_.row_misses;
        open_row_[bank] = row;
      }
    }
    const auto it = children_.find(&child);
    tlm::tlm_generic_payload& parent = *it->second;
    children_.erase(it);
    child.release();
    if (--parents_[&parent] > 0) return;
    parents_.erase(&parent);
    respond_(parent, sc_core::sc_time_stamp());
    parent.release();
  }

  Clock clock_;
  std::unique_ptr<DRAMSys::DRAMSys> dramsys_;
  tlm_utils::peq_with_cb_and_phase<DramSysBackend> responses_;
  PayloadPool pool_;
  unsigned char scratch_[1] = {};
  std::uint64_t burst_bytes_ = 64, capacity_ = 0, page_bytes_ = 0;
  double peak_ = 0;
  sc_core::sc_time refresh_interval_;
  std::uint64_t ranks_ = 1;
  std::string describe_;
  Respond respond_;
  std::deque<Pending> pending_;
  std::unordered_map<const tlm::tlm_generic_payload*, tlm::tlm_generic_payload*> children_;
  std::unordered_map<const tlm::tlm_generic_payload*, std::uint32_t> parents_;
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::size_t> open_row_;
  sc_core::sc_event queued_, end_request_;
  bool waiting_end_request_ = false;
  DramStats stats_;
  std::unique_ptr<CoutSilencer> quiet_during_run_;
};

}  // namespace

std::unique_ptr<DramTimingBackend> make_dramsys_backend(const char* name, const ArchConfig& config) {
  return std::make_unique<DramSysBackend>(name, config);
}

#endif

}  // namespace qacc
