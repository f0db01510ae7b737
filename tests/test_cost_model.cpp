// The cycle cost model alone, against cases counted by hand from the formulas in
// docs/timing.md.
#include <gtest/gtest.h>

#include <tuple>

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

TEST(ComputeCycles, InputStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3: inputs on the array (rows K, columns P), weights
  // streamed: ceil(5/2) = 3 x ceil(3/2) = 2 folds, each R = 2 to load the inputs,
  // M = 3 to stream the weights, R + C - 2 = 2 of skew: 6 x 7 = 42.
  EXPECT_EQ(compute_cycles(array(2, 2, Dataflow::kInputStationary), {5, 3, 3}), 42u);
  // A dense layer (P = 1) fills one column of 16: 4096 / 16 = 256 folds of
  // 16 + 256 + 30 = 302.
  EXPECT_EQ(compute_cycles(array(16, 16, Dataflow::kInputStationary), {4096, 1, 256}), 256u * 302u);
}

TEST(ComputeCycles, OutputStationaryParallelDrain) {
  // 2x2, K = 5, P = 3, M = 3: 4 output blocks of K + R + C - 2 = 7 with no shift-out:
  // 28 (36 with the shift, above).
  ArchConfig c = array(2, 2, Dataflow::kOutputStationary);
  c.os_drain = OsDrain::kParallel;
  EXPECT_EQ(compute_cycles(c, {5, 3, 3}), 28u);
}

TEST(ComputeCycles, OutputStationaryKeepsSumsAcrossChunks) {
  // 16x16 OS, a tile of one output block (P = 16 positions, M = 16 channels) in four
  // chunks of 16 input channels x 3x3 taps (K = 144). Each chunk drains and reloads its
  // sums by default: 4 x (144 + 16 + 30) = 760. With os_keep_sums the first three
  // chunks stream their 144 terms and the last pays the skew and the drain once:
  // 3 x 144 + 190 = 622.
  ArchConfig c = array(16, 16, Dataflow::kOutputStationary);
  const TileShape first{144, 16, 16, true, false}, middle{144, 16, 16, false, false}, last{144, 16, 16, false, true};
  EXPECT_EQ(compute_cycles(c, first) + 2 * compute_cycles(c, middle) + compute_cycles(c, last), 760u);
  c.os_keep_sums = true;
  EXPECT_EQ(compute_cycles(c, first), 144u);
  EXPECT_EQ(compute_cycles(c, middle), 144u);
  EXPECT_EQ(compute_cycles(c, last), 190u);
  // The sums cross the buffer ports once: written by the last chunk, read by none.
  EXPECT_EQ(compute_traffic(c, middle).psum_reads + compute_traffic(c, middle).psum_writes, 0u);
  EXPECT_EQ(compute_traffic(c, last).psum_writes, 4u * 16 * 16);
  // Two output blocks (32 positions) do not fit the PEs' accumulators: every chunk
  // drains, as without the key.
  EXPECT_EQ(compute_cycles(c, {144, 32, 16, true, false}), 2u * 190);
  // Other dataflows keep nothing in the PEs across chunks.
  c.dataflow = Dataflow::kWeightStationary;
  EXPECT_EQ(compute_cycles(c, middle), compute_cycles(c, {144, 16, 16}));
}

TEST(ComputeCycles, ParallelDrainPacesShortOverlappedFolds) {
  // The RTL (rtl/README.md) cannot overwrite a fold's sums before their R beats have
  // left: with fold_overlap and K < R every fold but the last takes R. 16x16, K = 7,
  // P = 35, M = 36: 3 x 3 = 9 folds, 8 x max(7, 16) + 7 + S 30 = 165 (93 if a fold
  // took K). 8x8, K = 1, P = 10, M = 5: 2 folds, 8 + 1 + 14 = 23. 4x4, K = 3, P = 5,
  // M = 9: 6 folds, 5 x 4 + 3 + 6 = 29: the RTL's counts.
  for (const auto& [n, shape, cycles] : {std::tuple{16, TileShape{7, 35, 36}, 165u},
                                         std::tuple{8, TileShape{1, 10, 5}, 23u},
                                         std::tuple{4, TileShape{3, 5, 9}, 29u}}) {
    ArchConfig c = array(n, n, Dataflow::kOutputStationary);
    c.os_drain = OsDrain::kParallel;
    c.fold_overlap = true;
    EXPECT_EQ(compute_cycles(c, shape), cycles) << n << "x" << n;
    // K >= R: the fold is long enough, the count as before (9 x 16 + 30).
    EXPECT_EQ(compute_cycles(c, {std::uint64_t(n), 35, 36}), ceil_div(35, n) * ceil_div(36, n) * n + 2 * n - 2);
  }
}

TEST(ComputeCycles, FoldOverlapPaysTheSkewOnce) {
  // 2x2 WS, K = 5, P = 3, M = 3: 6 folds of load 2 + stream 3, one skew of 2 at the
  // end: 32 (42 without).
  ArchConfig c = array(2, 2, Dataflow::kWeightStationary);
  c.fold_overlap = true;
  EXPECT_EQ(compute_cycles(c, {5, 3, 3}), 32u);
  // OS with the shift: 4 blocks of K 5 + drain 2, one skew: 30.
  c.dataflow = Dataflow::kOutputStationary;
  EXPECT_EQ(compute_cycles(c, {5, 3, 3}), 30u);
}

TEST(ComputeCycles, WeightDoubleBufferHidesLoads) {
  // 16x16 WS, K = 32, P = 1, M = 16: 2 folds. Default: 2 x (16 + 1 + 30) = 94. The
  // second fold's 16-cycle load hides behind the first's 1 + 30: 16 + 2 x 31 = 78.
  ArchConfig c = array(16, 16, Dataflow::kWeightStationary);
  c.ws_weight_double_buffer = true;
  EXPECT_EQ(compute_cycles(c, {32, 1, 16}), 78u);
  // With overlapped folds a fold is 1 cycle long, so 15 of the next load show:
  // 16 + 2 x 1 + 15 + 30 = 63.
  c.fold_overlap = true;
  EXPECT_EQ(compute_cycles(c, {32, 1, 16}), 63u);
  // Input-stationary loads are not weights: the key leaves them alone.
  c.dataflow = Dataflow::kInputStationary;
  c.fold_overlap = false;
  EXPECT_EQ(compute_cycles(c, {32, 1, 16}), compute_cycles(array(16, 16, Dataflow::kInputStationary), {32, 1, 16}));
}

// SCALE-Sim's closed form (Samajdar et al., "SCALE-Sim: Systolic CNN Accelerator
// Simulator", 2018; and its 2020 revision), computed here on its own: per fold
// 2R + C + T - 2 cycles for WS and IS, R + C + T - 2 for OS; WS rows K, columns M,
// T = P; IS rows K, columns P, T = M; OS rows P, columns M, T = K.
std::uint64_t scale_sim_cycles(Dataflow d, std::uint64_t r, std::uint64_t c, std::uint64_t k, std::uint64_t p,
                               std::uint64_t m) {
  const auto folds = [&](std::uint64_t rows, std::uint64_t cols) { return ceil_div(rows, r) * ceil_div(cols, c); };
  switch (d) {
    case Dataflow::kWeightStationary: return folds(k, m) * (2 * r + c + p - 2);
    case Dataflow::kInputStationary: return folds(k, p) * (2 * r + c + m - 2);
    case Dataflow::kOutputStationary: return folds(p, m) * (r + c + k - 2);
  }
  return 0;
}

TEST(ComputeCycles, EqualsScaleSimOnEveryVggLiteLayer) {
  // Each layer as one pass (whole-layer mapping): K = in channels x kernel^2, P =
  // output positions, M = output channels; SCALE-Sim's settings: no fold overlap, no
  // weight double buffer, the OS sums read in parallel.
  struct Layer {
    const char* name;
    std::uint64_t in, h, w, out, kernel;
  };
  const Layer layers[] = {{"conv1", 3, 32, 32, 64, 3},  {"conv2", 64, 16, 16, 192, 3}, {"conv3", 192, 8, 8, 384, 3},
                          {"conv4", 384, 8, 8, 256, 3}, {"conv5", 256, 8, 8, 256, 3},  {"fc6", 4096, 1, 1, 256, 1},
                          {"fc7", 256, 1, 1, 128, 1},   {"fc8", 128, 1, 1, 10, 1}};
  for (const int side : {8, 16, 32})
    for (const Dataflow d : {Dataflow::kWeightStationary, Dataflow::kOutputStationary, Dataflow::kInputStationary})
      for (const Layer& l : layers) {
        ArchConfig c = array(side, side, d);
        c.os_drain = OsDrain::kParallel;
        const TileShape t{l.in * l.kernel * l.kernel, l.h * l.w, l.out};
        SCOPED_TRACE(testing::Message() << side << "x" << side << " " << to_string(d) << " " << l.name);
        EXPECT_EQ(compute_cycles(c, t), scale_sim_cycles(d, side, side, t.k, t.p, t.m));
      }
}

TEST(ComputeCycles, EmptyTileTakesNoTime) {
  for (auto dataflow : {Dataflow::kWeightStationary, Dataflow::kOutputStationary, Dataflow::kInputStationary}) {
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

TEST(PassPhases, WeightStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3, not the first chunk: row blocks of 2, 2, 1 x column
  // blocks of 2, 1. Per block: load R = 2 cycles (kb x mb weight bytes), stream P = 3
  // (kb x 3 input bytes, 4 x 3 x mb psum bytes each way), fill and drain 2.
  const auto phases = pass_phases(array(2, 2, Dataflow::kWeightStationary), {5, 3, 3, false});
  ASSERT_EQ(phases.size(), 12u);  // {kb 2 x2, kb 1 x1} x {mb 2, mb 1} x 3 phases
  EXPECT_EQ(phases[0].count, 2u);  // kb 2, mb 2: load
  EXPECT_EQ(phases[0].cycles, 2u);
  EXPECT_EQ(phases[0].weight, 4u);
  EXPECT_EQ(phases[1].cycles, 3u);  // stream
  EXPECT_EQ(phases[1].input, 6u);
  EXPECT_EQ(phases[1].psum_read, 24u);
  EXPECT_EQ(phases[1].psum_write, 24u);
  EXPECT_EQ(phases[2].cycles, 2u);  // fill and drain
  EXPECT_EQ(phases[2].input + phases[2].weight + phases[2].psum_read + phases[2].psum_write, 0u);
  // The first chunk reads its first row block's start values from the bias, not psums.
  const auto first = pass_phases(array(2, 2, Dataflow::kWeightStationary), {5, 3, 3, true});
  EXPECT_EQ(first[0].count, 1u);
  EXPECT_EQ(first[1].psum_read, 0u);
  EXPECT_EQ(first[1].psum_write, 24u);
}

TEST(PassPhases, OutputStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3: position blocks 2, 1 x column blocks 2, 1. Per block:
  // accumulate K + R + C - 2 = 7 cycles (5 pb input, 5 mb weight bytes), drain R = 2
  // (4 pb mb psum bytes each way).
  const auto phases = pass_phases(array(2, 2, Dataflow::kOutputStationary), {5, 3, 3, false});
  ASSERT_EQ(phases.size(), 8u);
  EXPECT_EQ(phases[0].cycles, 7u);
  EXPECT_EQ(phases[0].input, 10u);
  EXPECT_EQ(phases[0].weight, 10u);
  EXPECT_EQ(phases[1].cycles, 2u);
  EXPECT_EQ(phases[1].psum_write, 16u);
  EXPECT_EQ(phases[1].psum_read, 16u);
  EXPECT_EQ(pass_phases(array(2, 2, Dataflow::kOutputStationary), {5, 3, 3, true})[1].psum_read, 0u);
}

TEST(ComputeTraffic, InputStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3: inputs once (15); weights once per column block
  // (5 x 3 x 2 = 30); partial sums once per row block (4 x 3 x 3 x 3 = 108).
  const SramTraffic t = compute_traffic(array(2, 2, Dataflow::kInputStationary), {5, 3, 3});
  EXPECT_EQ(t.input_reads, 15u);
  EXPECT_EQ(t.weight_reads, 30u);
  EXPECT_EQ(t.psum_reads, 108u);
  EXPECT_EQ(t.psum_writes, 108u);
}

TEST(PassPhases, InputStationaryByHand) {
  // 2x2, K = 5, P = 3, M = 3, not the first chunk: the first row block of 2 terms
  // (twice) over column blocks of 2 positions: load 2 cycles, 2 x 2 input bytes;
  // stream M = 3 cycles, 2 x 3 weight bytes, 4 x 2 x 3 psum bytes each way; skew 2.
  const auto phases = pass_phases(array(2, 2, Dataflow::kInputStationary), {5, 3, 3, false});
  ASSERT_GE(phases.size(), 3u);
  EXPECT_EQ(phases[0].count, 2u);
  EXPECT_EQ(phases[0].cycles, 2u);
  EXPECT_EQ(phases[0].input, 4u);
  EXPECT_EQ(phases[1].cycles, 3u);
  EXPECT_EQ(phases[1].weight, 6u);
  EXPECT_EQ(phases[1].psum_read, 24u);
  EXPECT_EQ(phases[1].psum_write, 24u);
  EXPECT_EQ(phases[2].cycles, 2u);
}

TEST(PassPhases, AddUpToTheCyclesAndTheTraffic) {
  for (auto dataflow : {Dataflow::kWeightStationary, Dataflow::kOutputStationary, Dataflow::kInputStationary})
    for (const TileShape shape : {TileShape{5, 3, 3}, TileShape{576, 512, 96}, TileShape{27, 1024, 32},
                                  TileShape{1, 1, 1}, TileShape{4096, 1, 256}, TileShape{144, 16, 16}})
      for (const auto& [rows, cols] : {std::pair{2, 2}, std::pair{16, 16}, std::pair{4, 8}, std::pair{128, 128}})
        for (const bool first : {false, true})
          for (const bool last : {false, true})
          for (const bool keep : {false, true})
          for (const OsDrain drain : {OsDrain::kShift, OsDrain::kParallel}) {
          ArchConfig c = array(rows, cols, dataflow);
          c.os_drain = drain;
          c.os_keep_sums = keep;
          TileShape t = shape;
          t.first = first;
          t.last = last;
          std::uint64_t cycles = 0;
          SramTraffic sum;
          for (const PassPhase& p : pass_phases(c, t)) {
            cycles += p.count * p.cycles;
            sum.input_reads += p.count * p.input;
            sum.weight_reads += p.count * p.weight;
            sum.psum_reads += p.count * p.psum_read;
            sum.psum_writes += p.count * p.psum_write;
          }
          const SramTraffic want = compute_traffic(c, t);
          SCOPED_TRACE(testing::Message() << rows << "x" << cols << " K" << t.k << " P" << t.p << " M" << t.m);
          EXPECT_EQ(cycles, compute_cycles(c, t));
          EXPECT_EQ(sum.input_reads, want.input_reads);
          EXPECT_EQ(sum.weight_reads, want.weight_reads);
          EXPECT_EQ(sum.psum_reads, want.psum_reads - (first ? 4 * t.p * t.m : 0));
          EXPECT_EQ(sum.psum_writes, want.psum_writes);
        }
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
