#pragma once
// DRAMSys underneath the platform's DRAM (dram_model: dramsys): the Dram keeps the
// data and answers the bus; this block turns each of its transactions into
// DRAMSys-sized bursts, sends them to DRAMSys's controller with the
// approximately-timed base protocol (DRAMSys models banks, rows, refresh and
// read/write turnaround only on that path), and reports the transaction done when
// its last burst's response arrives. DRAMSys runs without data storage, database or
// console output (shown at --log-level debug).
//
// Built only with DRAMSys (CMake option QACC_DRAMSYS_SOURCE); without it,
// make_dramsys_backend throws qacc::UsageError naming the option.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>

#include "model/config/arch_config.h"

namespace qacc {

// What DRAMSys's controller did, as far as its responses tell.
struct DramStats {
  std::uint64_t row_hits = 0;    // a burst to the row its bank served last
  std::uint64_t row_misses = 0;  // a burst to another row (or the bank's first)
  std::uint64_t refreshes = 0;   // all-bank refreshes due by now: elapsed / tREFI per rank
};

class DramTimingBackend {
 public:
  using Respond = std::function<void(tlm::tlm_generic_payload&)>;
  virtual ~DramTimingBackend() = default;
  // Starts the transaction's timing at now + delay; calls `respond` (set once,
  // before the simulation) at the time its data has moved. Holds a reference to it
  // (acquire) meanwhile.
  virtual void begin(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay) = 0;
  virtual void on_response(Respond respond) = 0;
  virtual double peak_bytes_per_cycle() const = 0;
  virtual std::uint64_t page_bytes() const = 0;
  virtual std::uint64_t capacity() const = 0;
  virtual DramStats stats() const = 0;
  virtual std::string describe() const = 0;
};

// Whether this build has DRAMSys.
bool dramsys_available();

// The backend for config.dram_memspec: a DRAMSys configuration shipped with DRAMSys
// by name (ddr4-example, lpddr4-example, hbm2-example, ...) or a path to one. Throws
// qacc::UsageError, one line naming dram_memspec and the file, if it cannot be used.
std::unique_ptr<DramTimingBackend> make_dramsys_backend(const char* name, const ArchConfig& config);

}  // namespace qacc
