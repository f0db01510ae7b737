#pragma once
// What the platform's Dram asks of a DRAM timing model other than its built-in simple
// one (docs/timing.md §6): DRAMSys (dramsys_backend.h) or the banked model
// (banked_backend.h). Both read DRAMSys's configuration files, found here.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <systemc>
#include <tlm>

#include "model/memory/dram_config.h"
#include "model/sim/timeline.h"

namespace qacc {

// What the DRAM's controller did.
struct DramStats {
  std::uint64_t row_hits = 0;    // a burst to the row its bank has open
  std::uint64_t row_misses = 0;  // a burst that needs an activate
  std::uint64_t refreshes = 0;   // all-bank refreshes (DRAMSys: due by now, elapsed / tREFI per rank)
  double energy_pj = 0;          // banked: its commands' energy (DramEnergies); DRAMSys: 0
};

class DramTimingBackend {
 public:
  // The transaction's data has moved at `at` (not before now): called at that time or,
  // once the time is final, earlier.
  using Respond = std::function<void(tlm::tlm_generic_payload&, const sc_core::sc_time& at)>;
  virtual ~DramTimingBackend() = default;
  // Starts the transaction's timing at now + delay. Returns the time its data has moved
  // where that is known at once (banked with dram_scheduling: in_order); otherwise
  // nullopt, and it calls `respond` (set once, before the simulation) with that time
  // later, holding a reference to the transaction (acquire) until then.
  virtual std::optional<sc_core::sc_time> begin(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay) = 0;
  virtual void on_response(Respond respond) = 0;
  // For the one initiator of timed transactions (the DMA), when it can issue nothing
  // until a response frees one of its places: it begins no transaction arriving before
  // `no_request_before` (sc_max_time: none) unless a response given during this call
  // lets it. The backend may then run its model ahead of simulated time, up to that
  // bound or to the first time at which it can answer some transaction, answering
  // (respond) each whose completion is then final. Returns the time up to which every
  // response has been given: a transaction still unanswered completes after it.
  // nullopt: the backend cannot run ahead (the initiator waits for its responses).
  virtual std::optional<sc_core::sc_time> run_ahead(const sc_core::sc_time& no_request_before) {
    (void)no_request_before;
    return std::nullopt;
  }
  virtual double peak_bytes_per_cycle() const = 0;
  virtual std::uint64_t page_bytes() const = 0;
  virtual std::uint64_t capacity() const = 0;
  virtual DramStats stats() const = 0;
  virtual std::string describe() const = 0;
  // Records the device's commands on `timeline`, a track per bank, where the backend
  // models them (banked); others record nothing.
  virtual void record(Timeline* /*timeline*/) {}
};

}  // namespace qacc
