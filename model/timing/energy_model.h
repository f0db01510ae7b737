#pragma once
// Energy and area proxies: counters from a run weighted by the design's per-event
// energies and per-unit areas (ArchConfig's energy_* and area_* keys). First-order
// estimates for comparing designs with each other, not sign-off numbers; the
// defaults and their sources are in docs/design-space.md.
#include <cstdint>
#include <optional>

#include "model/config/arch_config.h"

namespace qacc::timing {

// What one layer (or a whole run) did.
struct Activity {
  std::uint64_t macs = 0;
  std::uint64_t sram_bytes = 0;         // read plus written, all on-chip buffers
  std::uint64_t dram_bytes = 0;         // read plus written
  std::uint64_t register_accesses = 0;  // 32-bit accelerator register reads and writes
  // The DRAM's own energy from the commands it issued (activates, bursts, refreshes;
  // dram_model: banked), which replaces the per-byte proxy when present.
  std::optional<double> dram_pj;
};

struct Energy {
  double mac_pj = 0, sram_pj = 0, dram_pj = 0, register_pj = 0;
  double total_pj() const { return mac_pj + sram_pj + dram_pj + register_pj; }
  Energy& operator+=(const Energy& other);
};

//   E = macs x energy_mac_pj + sram_bytes x energy_sram_byte_pj
//     + (dram_pj or dram_bytes x energy_dram_byte_pj) + register_accesses x energy_register_pj
Energy energy(const ArchConfig& config, const Activity& activity);

//   A = pe_rows x pe_cols x area_pe_um2
//     + (input + weight + output buffer bytes) x area_sram_byte_um2, in mm^2
double area_mm2(const ArchConfig& config);

}  // namespace qacc::timing
