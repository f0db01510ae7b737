#pragma once
// What the platform's Dram asks of a DRAM timing model other than its built-in simple
// one (docs/timing.md §6): DRAMSys (dramsys_backend.h) or the banked model
// (banked_backend.h). Both read DRAMSys's configuration files, found here.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <systemc>
#include <tlm>

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

// A DRAMSys configuration: the top-level JSON and the directory holding the memspec/,
// mcconfig/, addressmapping/ and simconfig/ files it names.
struct DramConfigFile {
  std::filesystem::path config, directory;
};
// dram_memspec: a configuration shipped with DRAMSys by name (ddr4-example, ...; needs
// the DRAMSys sources, QACC_DRAMSYS_SOURCE) or a path to one. Throws qacc::UsageError
// naming the key and the file.
DramConfigFile find_dram_config(const std::string& memspec);

}  // namespace qacc
