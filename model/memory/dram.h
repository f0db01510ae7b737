#pragma once
// DRAM: a TLM-2.0 target of configurable size holding the platform's data.
//
// Two paths in. The approximately-timed one (nb_transport, used by the DMA) is where
// time is modelled: with dram_model simple a transaction arriving at t has its data on
// the one shared data bus from max(t + latency, bus free) for bytes / bandwidth
// cycles, and, since that is known the moment it arrives, it completes in the first
// call with the response time annotated (the base protocol's early completion); so
// latencies overlap while bandwidth is shared (docs/timing.md §6). With dram_model
// dramsys or banked, DRAMSys or the banked model times it instead (dram_backend.h)
// and the response comes back on the backward path, annotated with the time its
// bursts are done (the banked model sends it as soon as that time is final). The
// loosely-timed one (b_transport, the CPU) costs latency + bytes / bandwidth and does
// not occupy the data bus: the CPU's traffic is tiny. DMI (read/write) serves the loader and
// fast paths that account their time themselves. Data moves when a transaction
// arrives.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "model/config/arch_config.h"
#include "model/memory/dram_backend.h"
#include "model/sim/clock.h"

namespace qacc {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> in;

  // Throws qacc::UsageError if config names a DRAM model this build lacks or a
  // DRAMSys configuration that cannot be used.
  Dram(sc_core::sc_module_name name, const ArchConfig& config);
  ~Dram() override;

  std::uint64_t size() const { return size_; }
  // Bursts should not cross a multiple of this many bytes (0: any length is fine):
  // DRAMSys's row (page) size; none for the simple model.
  std::uint64_t burst_boundary() const { return backend_ ? backend_->page_bytes() : 0; }
  // The data bus's bytes per accelerator cycle.
  double peak_bytes_per_cycle() const;
  // The timing model in words, for reports.
  std::string describe() const;
  // Row hits and misses and refreshes (DRAMSys; zero with the simple model).
  DramStats stats() const { return backend_ ? backend_->stats() : DramStats{}; }
  // The backend's commands on `timeline` (DramTimingBackend::record). Before sc_start.
  void record(Timeline* timeline) {
    if (backend_) backend_->record(timeline);
  }
  std::uint64_t transactions() const { return transactions_; }
  // DramTimingBackend::run_ahead, for the one initiator of timed transactions (the
  // platform's DMA); nullopt with the simple model (it answers every transaction at
  // once) and DRAMSys.
  std::optional<sc_core::sc_time> run_ahead(const sc_core::sc_time& no_request_before) {
    return backend_ ? backend_->run_ahead(no_request_before) : std::nullopt;
  }

  // Fault injection for tests: bus transactions touching [addr, addr + bytes) answer
  // TLM_GENERIC_ERROR_RESPONSE, as an uncorrectable memory error would. Debug and DMI
  // access (the loader, backdoor reads) are unaffected.
  void inject_error(std::uint64_t addr, std::uint64_t bytes) {
    error_begin_ = addr;
    error_end_ = addr + bytes;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // The functional part of a bus transaction: checks, injected errors, the copy.
  bool serve(tlm::tlm_generic_payload& trans);
  // Sends a backend's response (due at `at`) up the backward path, one at a time.
  void respond(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at);
  void send_next_response();
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  // Checks common to b_transport and transport_dbg; sets the response on failure.
  bool accept(tlm::tlm_generic_payload& trans) const;

  const ArchConfig& config_;
  const Clock clock_;
  // calloc: the kernel hands out zero pages lazily, so an untouched 64 MiB DRAM
  // costs neither the time to clear it nor resident memory.
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::uint64_t size_;
  std::uint64_t error_begin_ = 0, error_end_ = 0;
  std::unique_ptr<unsigned char, Free> data_;
  std::uint64_t transactions_ = 0;
  std::uint64_t bus_free_ = 0;  // cycle the simple model's data bus is next free
  std::unique_ptr<DramTimingBackend> backend_;
  struct Response {
    tlm::tlm_generic_payload* trans;
    sc_core::sc_time at;
  };
  std::deque<Response> responses_;  // waiting for the backward path
  bool responding_ = false;                          // a BEGIN_RESP awaits its END_RESP
};

}  // namespace qacc
