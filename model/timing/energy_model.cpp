#include "model/timing/energy_model.h"

namespace qacc::timing {

Energy& Energy::operator+=(const Energy& other) {
  mac_pj += other.mac_pj;
  sram_pj += other.sram_pj;
  dram_pj += other.dram_pj;
  register_pj += other.register_pj;
  return *this;
}

Energy energy(const ArchConfig& c, const Activity& a) {
  return {static_cast<double>(a.macs) * c.energy_mac_pj, static_cast<double>(a.sram_bytes) * c.energy_sram_byte_pj,
          a.dram_pj ? *a.dram_pj : static_cast<double>(a.dram_bytes) * c.energy_dram_byte_pj,
          static_cast<double>(a.register_accesses) * c.energy_register_pj};
}

double area_mm2(const ArchConfig& c) {
  const double pes = static_cast<double>(c.pe_rows) * c.pe_cols;
  const double sram = static_cast<double>(c.input_buffer_bytes) + c.weight_buffer_bytes + c.output_buffer_bytes;
  return (pes * c.area_pe_um2 + sram * c.area_sram_byte_um2) * 1e-6;
}

}  // namespace qacc::timing
