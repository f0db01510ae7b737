// The energy and area proxies against a case worked out by hand.
#include <gtest/gtest.h>

#include "model/timing/energy_model.h"

namespace qacc::timing {
namespace {

TEST(Energy, HandWorkedLayer) {
  ArchConfig c;
  c.energy_mac_pj = 0.5;
  c.energy_sram_byte_pj = 2;
  c.energy_dram_byte_pj = 100;
  c.energy_register_pj = 3;
  // 1000 MACs x 0.5 = 500 pJ; 300 SRAM bytes x 2 = 600 pJ; 40 DRAM bytes x 100 =
  // 4000 pJ; 10 register accesses x 3 = 30 pJ; 5130 pJ in all.
  const Energy e = energy(c, {1000, 300, 40, 10, std::nullopt});
  EXPECT_DOUBLE_EQ(e.mac_pj, 500);
  EXPECT_DOUBLE_EQ(e.sram_pj, 600);
  EXPECT_DOUBLE_EQ(e.dram_pj, 4000);
  EXPECT_DOUBLE_EQ(e.register_pj, 30);
  EXPECT_DOUBLE_EQ(e.total_pj(), 5130);
}

TEST(Energy, LayersAddUp) {
  const ArchConfig c;
  Energy sum = energy(c, {10, 20, 30, 40, std::nullopt});
  sum += energy(c, {1, 2, 3, 4, std::nullopt});
  const Energy whole = energy(c, {11, 22, 33, 44, std::nullopt});
  EXPECT_DOUBLE_EQ(sum.total_pj(), whole.total_pj());
  EXPECT_DOUBLE_EQ(sum.dram_pj, whole.dram_pj);
}

TEST(Energy, TheDramModelsOwnEnergyReplacesThePerByteProxy) {
  ArchConfig c;
  c.energy_dram_byte_pj = 100;
  // banked gives its commands' energy: the bytes then do not count.
  const Energy e = energy(c, {0, 0, 40, 0, 1234.5});
  EXPECT_DOUBLE_EQ(e.dram_pj, 1234.5);
}

TEST(Energy, DefaultsRankDramAboveSramAboveMac) {
  // The published ratios the defaults come from: a DRAM byte costs far more than a
  // buffer byte, which costs more than a MAC.
  const ArchConfig c;
  EXPECT_GT(c.energy_dram_byte_pj, 50 * c.energy_sram_byte_pj);
  EXPECT_GT(c.energy_sram_byte_pj, c.energy_mac_pj);
}

TEST(Area, HandWorkedDesign) {
  ArchConfig c;
  c.pe_rows = 4;
  c.pe_cols = 8;
  c.area_pe_um2 = 500;
  c.input_buffer_bytes = 1000;
  c.weight_buffer_bytes = 2000;
  c.output_buffer_bytes = 3000;
  c.area_sram_byte_um2 = 5;
  // 32 PEs x 500 um2 = 16000 um2; 6000 bytes x 5 um2 = 30000 um2; 0.046 mm2.
  EXPECT_DOUBLE_EQ(area_mm2(c), 0.046);
}

}  // namespace
}  // namespace qacc::timing
