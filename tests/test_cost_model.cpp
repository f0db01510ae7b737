// The cycle cost model alone, against cases counted by hand from the formulas in
// docs/timing.md.
#include <gtest/gtest.h>

#include "model/timing/cost_model.h"

namespace qacc::timing {
namespace {

ArchConfig array(int rows, int cols, Dataflow dataflow) {
  ArchConfig c;
  c.pe_rows = rows;
  c.pe_cols = cols;
  c.dataflow = dataflow;
  return c;
}

TEST(ComputeCycles, WeightStationaryByHand) {
  // 2x2 array, K = 5 reduction terms, P = 3 positions, M = 3 output channels:
  // ceil(5/2) = 3 row blocks x ceil(3/2) = 2 column blocks, each
  // R = 2 weight loads + P = 3 inputs + R + C - 2 = 2 fill/drain = 7 cycles: 42.
  EXPECT_EQ(compute_cycles(array(2, 2, Dataflow::kWeightStationary), {5, 3, 3}), 42u);
  // Exact fit on 16x16: one block of 16 + 1 + 16 + 16 - 2 = 47.
  EXPECT_EQ(compute_cycles(array(16, 16, Dataflow::kWeightStationary), {16, 1, 16}), 47u);
  // One more reduction term needs a second row block: 2 x 47 = 94.
  EXPECT_EQ(compute_cycles(array(16, 16, Dataflow::kWeightStationary), {17, 1, 16}), 94u);
  // A non-square array: 4 rows, 8 columns, K = 9, P = 10, M = 8:
  // ceil(9/4) = 3 x ceil(8/8) = 1 x (4 + 10 + 4 + 8 - 2 = 24) = 72.
  EXPECT_EQ(compute_cycles(array(4, 8, Dataflow::kWeightStationary), {9, 10, 8}), 72u);
}

TEST(ComputeCycles, OutputStationaryByHand) {
  // 2x2 array, K = 5, P = 3, M = 3:
  // ceil(3/2) = 2 position blocks x ceil(3/2) = 2 column blocks, each
  // K = 5 accumulations + 2R + C - 2 = 4 fill, drain and shift-out = 9 cycles: 36.
  EXPECT_EQ(compute_cycles(array(2, 2, Dataflow::kOutputStationary), {5, 3, 3}), 36u);
  // 16x16, K = 16, P = 1, M = 16: 1 x 1 x (16 + 16 + 32 - 2) = 62.
  EXPECT_EQ(compute_cycles(array(16, 16, Dataflow::kOutputStationary), {16, 1, 16}), 62u);
  // 4x8, K = 9, P = 10, M = 8: ceil(10/4) = 3 x 1 x (9 + 8 + 8 - 2 = 23) = 69; the
  // results leave down the 4-row columns, so the shift-out is R = 4 cycles.
  EXPECT_EQ(compute_cycles(array(4, 8, Dataflow::kOutputStationary), {9, 10, 8}), 69u);
}

TEST(ComputeCycles, EmptyTileTakesNoTime) {
  for (auto dataflow : {Dataflow::kWeightStationary, Dataflow::kOutputStationary}) {
    EXPECT_EQ(compute_cycles(array(2, 2, dataflow), {0, 3, 3}), 0u);
    EXPECT_EQ(compute_cycles(array(2, 2, dataflow), {5, 0, 3}), 0u);
    EXPECT_EQ(compute_cycles(array(2, 2, dataflow), {5, 3, 0}), 0u);
  }
}

TEST(ComputeTraffic, WeightStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3: weights once (5 x 3 = 15); inputs once per column
  // block (5 x 3 x 2 = 30); int32 partial sums read and written once per row block
  // (4 bytes x 3 x 3 x ceil(5/2) = 108).
  const SramTraffic t = compute_traffic(array(2, 2, Dataflow::kWeightStationary), {5, 3, 3});
  EXPECT_EQ(t.weight_reads, 15u);
  EXPECT_EQ(t.input_reads, 30u);
  EXPECT_EQ(t.psum_reads, 108u);
  EXPECT_EQ(t.psum_writes, 108u);
}

TEST(ComputeTraffic, OutputStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3: inputs per column block (5 x 3 x 2 = 30), weights per
  // position block (5 x 3 x ceil(3/2) = 30), partial sums once (4 x 3 x 3 = 36).
  const SramTraffic t = compute_traffic(array(2, 2, Dataflow::kOutputStationary), {5, 3, 3});
  EXPECT_EQ(t.input_reads, 30u);
  EXPECT_EQ(t.weight_reads, 30u);
  EXPECT_EQ(t.psum_reads, 36u);
  EXPECT_EQ(t.psum_writes, 36u);
}

ArchConfig dma(std::uint32_t bus_bytes, std::uint32_t dram_bytes_per_cycle) {
  ArchConfig c;
  c.dma_setup_cycles = 4;
  c.dram_latency_cycles = 40;
  c.dma_bus_bytes = bus_bytes;
  c.dram_bytes_per_cycle = dram_bytes_per_cycle;
  c.dma_burst_bytes = 64;
  return c;
}

TEST(DmaBurstCycles, SetupLatencyAndBeats) {
  // setup 4 + latency 40 + ceil(bytes / min(bus, DRAM)).
  const ArchConfig c = dma(16, 16);
  EXPECT_EQ(dma_burst_cycles(c, 64), 4u + 40 + 4);
  EXPECT_EQ(dma_burst_cycles(c, 1), 4u + 40 + 1);
  EXPECT_EQ(dma_burst_cycles(c, 17), 4u + 40 + 2);
}

TEST(DmaBurstCycles, NarrowBusAgainstNarrowDram) {
  // 20 bytes over the narrower of an 8-byte and a 2-byte side: ceil(20/2) = 10 beats,
  // 4 + 40 + 10 = 54 either way round; only the split between the DRAM's
  // annotation and the DMA's own share differs.
  const ArchConfig narrow_bus = dma(2, 8), narrow_dram = dma(8, 2);
  EXPECT_EQ(dma_burst_cycles(narrow_bus, 20), 54u);
  EXPECT_EQ(dma_burst_cycles(narrow_dram, 20), 54u);
  // Narrow bus: the DRAM streams in ceil(20/8) = 3 cycles (40 + 3 = 43); the bus needs
  // 10 beats, 7 more, plus setup: 11.
  EXPECT_EQ(dram_access_cycles(narrow_bus, 20), 43u);
  EXPECT_EQ(dma_overhead_cycles(narrow_bus, 20), 11u);
  // Narrow DRAM: 40 + 10 = 50 in the DRAM; the bus keeps up, so setup alone: 4.
  EXPECT_EQ(dram_access_cycles(narrow_dram, 20), 50u);
  EXPECT_EQ(dma_overhead_cycles(narrow_dram, 20), 4u);
}

TEST(DmaTransferCycles, RowsSplitIntoFullAndPartialBursts) {
  const ArchConfig c = dma(16, 16);
  // A 150-byte row in 64-byte bursts: 64 + 64 + 22.
  //   full:    4 + 40 + 64/16        = 48
  //   partial: 4 + 40 + ceil(22/16)  = 46
  //   row = 48 + 48 + 46 = 142; three rows = 426.
  EXPECT_EQ(dma_transfer_cycles(c, 1, 150), 142u);
  EXPECT_EQ(dma_transfer_cycles(c, 3, 150), 426u);
  // Whole bursts only: 128 bytes = 2 x 48.
  EXPECT_EQ(dma_transfer_cycles(c, 1, 128), 96u);
  // Shorter than one burst: 4 + 40 + 1.
  EXPECT_EQ(dma_transfer_cycles(c, 2, 10), 90u);
  EXPECT_EQ(dma_transfer_cycles(c, 0, 150), 0u);
  EXPECT_EQ(dma_transfer_cycles(c, 5, 0), 0u);
}

TEST(DmaTransferCycles, NarrowBusAgainstNarrowDram) {
  // 100 bytes in 64-byte bursts: 64 + 36, at min(bus, DRAM) = 4 bytes a beat:
  //   4 + 40 + 16 = 60 and 4 + 40 + 9 = 53: 113 cycles, either side the narrow one.
  EXPECT_EQ(dma_transfer_cycles(dma(4, 32), 1, 100), 113u);
  EXPECT_EQ(dma_transfer_cycles(dma(32, 4), 1, 100), 113u);
  // Both wide: 4 + 40 + 2 and 4 + 40 + 2 (ceil(36/32)) = 92.
  EXPECT_EQ(dma_transfer_cycles(dma(32, 32), 1, 100), 92u);
}

TEST(PpuCycles, LanesPlusPipelineDepth) {
  ArchConfig c;
  c.ppu_lanes = 16;
  EXPECT_EQ(kPpuPipelineDepth, 4u);
  EXPECT_EQ(ppu_cycles(c, 0), 0u);
  EXPECT_EQ(ppu_cycles(c, 1), 1u + 4);
  EXPECT_EQ(ppu_cycles(c, 16), 1u + 4);
  EXPECT_EQ(ppu_cycles(c, 17), 2u + 4);
  EXPECT_EQ(ppu_cycles(c, 100), 7u + 4);
  c.ppu_lanes = 1;
  EXPECT_EQ(ppu_cycles(c, 100), 100u + 4);
}

}  // namespace
}  // namespace qacc::timing
