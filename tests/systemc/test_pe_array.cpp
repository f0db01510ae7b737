// The PE array alone: a pass's partial sums against a naive convolution written
// here, and the time it waits against the cost model counted by hand, for both
// dataflows.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "model/pe_array/pe_array.h"
#include "model/timing/cost_model.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

constexpr std::size_t kBufferBytes = 1024;

// A 2x2 array so that every tile needs several row and column blocks.
ArchConfig array_config(Dataflow dataflow) {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles
  c.pe_rows = 2;
  c.pe_cols = 2;
  c.dataflow = dataflow;
  return c;
}

struct PeArrayBench : sc_core::sc_module {
  ArchConfig ws_config = array_config(Dataflow::kWeightStationary);
  ArchConfig os_config = array_config(Dataflow::kOutputStationary);
  test::Stimulus stimulus{"stimulus"};
  Sram input{"input_buffer", kBufferBytes}, weights{"weight_buffer", kBufferBytes}, output{"output_buffer", kBufferBytes};
  // Both arrays work on the same buffers, one pass at a time.
  PeArray ws{"ws", ws_config, input, weights, output};
  PeArray os{"os", os_config, input, weights, output};

  explicit PeArrayBench(sc_core::sc_module_name name) : sc_module(name) {}
};

PeArrayBench& bench() { return test::Elaboration<PeArrayBench>::bench(); }
sc_core::sc_time cycles(std::uint64_t n) { return test::cycles(bench().ws_config, n); }

void put_bytes(Sram& s, std::size_t offset, const void* data, std::size_t n) {
  std::memcpy(s.span(offset, n), data, n);
}

std::vector<std::int32_t> get_psums(std::size_t offset, std::size_t n) {
  std::vector<std::int32_t> v(n);
  std::memcpy(v.data(), bench().output.span(offset, 4 * n), 4 * n);
  return v;
}

// The layer slice both conv cases compute: 4 input channels split into two chunks
// of 2, rows of 3 pixels, 4 input rows (output rows plus the 3x3 kernel's halo),
// 3 output channels.
constexpr int kChannels = 4, kChunk = 2, kRowsIn = 4, kWidth = 3, kKernel = 3, kOut = 3, kZeroPoint = 100;
constexpr int kRowsOut = kRowsIn - kKernel + 1;

struct ConvCase {
  std::vector<std::uint8_t> input;   // [kChannels][kRowsIn][kWidth]
  std::vector<std::int8_t> weights;  // [kOut][kChannels][kKernel][kKernel]
  std::vector<std::int32_t> bias;    // [kOut]

  ConvCase() : input(kChannels * kRowsIn * kWidth), weights(kOut * kChannels * kKernel * kKernel), bias(kOut) {
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127), b32(-100000, 100000);
    for (auto& v : input) v = static_cast<std::uint8_t>(u8(rng));
    for (auto& v : weights) v = static_cast<std::int8_t>(s8(rng));
    for (auto& v : bias) v = b32(rng);
  }

  // Straight from the definition: rows arrive with their halo, columns are padded
  // with the real value 0 (so a tap outside the row adds nothing).
  std::vector<std::int32_t> naive(int channels) const {
    std::vector<std::int32_t> out;
    for (int o = 0; o < kOut; ++o)
      for (int y = 0; y < kRowsOut; ++y)
        for (int x = 0; x < kWidth; ++x) {
          std::int64_t acc = bias[static_cast<std::size_t>(o)];
          for (int c = 0; c < channels; ++c)
            for (int ky = 0; ky < kKernel; ++ky)
              for (int kx = 0; kx < kKernel; ++kx) {
                const int ix = x + kx - kKernel / 2;
                if (ix < 0 || ix >= kWidth) continue;
                const int pixel = input[static_cast<std::size_t>((c * kRowsIn + y + ky) * kWidth + ix)];
                acc += (pixel - kZeroPoint) *
                       weights[static_cast<std::size_t>(((o * kChannels + c) * kKernel + ky) * kKernel + kx)];
              }
          out.push_back(static_cast<std::int32_t>(acc));
        }
    return out;
  }

  // Chunk `k`'s weights packed [kOut][kChunk][kKernel][kKernel], as the DMA lays them out.
  std::vector<std::int8_t> chunk_weights(int k) const {
    std::vector<std::int8_t> w;
    for (int o = 0; o < kOut; ++o)
      for (int c = k * kChunk; c < (k + 1) * kChunk; ++c)
        for (int t = 0; t < kKernel * kKernel; ++t)
          w.push_back(weights[static_cast<std::size_t>((o * kChannels + c) * kKernel * kKernel + t)]);
    return w;
  }
};

// Where the passes find their operands. The second chunk's bias slot holds values
// that must not be used.
constexpr std::size_t kInput[2] = {0, 128}, kWeights[2] = {0, 128}, kBias[2] = {256, 320}, kPsum = 64;

PePass chunk_pass(int k) {
  PePass p;
  p.input_offset = kInput[k];
  p.in_channels = kChunk;
  p.rows_in = kRowsIn;
  p.width = kWidth;
  p.in_zero_point = kZeroPoint;
  p.kernel = kKernel;
  p.weight_offset = kWeights[k];
  p.bias_offset = kBias[k];
  p.first_chunk = k == 0;
  p.out_channels = kOut;
  p.psum_offset = kPsum;
  return p;
}

void place(const ConvCase& c) {
  auto& b = bench();
  for (int k = 0; k < 2; ++k) {
    put_bytes(b.input, kInput[k], c.input.data() + k * kChunk * kRowsIn * kWidth, kChunk * kRowsIn * kWidth);
    const auto w = c.chunk_weights(k);
    put_bytes(b.weights, kWeights[k], w.data(), w.size());
  }
  put_bytes(b.weights, kBias[0], c.bias.data(), 4 * c.bias.size());
  const std::vector<std::int32_t> decoy(kOut, 1'000'000);
  put_bytes(b.weights, kBias[1], decoy.data(), 4 * decoy.size());
  // Stale partial sums from an earlier tile, which the first chunk must replace.
  std::memset(b.output.span(kPsum, 4 * kOut * kRowsOut * kWidth), 0x7F, 4 * kOut * kRowsOut * kWidth);
}

// One pass of each chunk: K = 2 channels x 9 taps = 18 reduction terms,
// P = 2 output rows x 3 = 6 positions, M = 3 output channels, on a 2x2 array.
//   ws: ceil(K/R) * ceil(M/C) * (R weight loads + P inputs + R + C - 2 fill/drain)
//     = ceil(18/2) * ceil(3/2) * (2 + 6 + 2 + 2 - 2) = 9 * 2 * 10 = 180 cycles
//   os: ceil(P/R) * ceil(M/C) * (K accumulations + 2R + C - 2 fill, drain, shift-out)
//     = ceil(6/2) * ceil(3/2) * (18 + 2 + 4 - 2)     = 3 * 2 * 22 = 132 cycles
void check_two_chunks(PeArray& array, const ArchConfig& config, std::uint64_t expected_cycles) {
  const ConvCase c;
  place(c);
  const timing::TileShape shape{kChunk * kKernel * kKernel, kRowsOut * kWidth, kOut};
  EXPECT_EQ(timing::compute_cycles(config, shape), expected_cycles);
  const PeArrayStats before = array.stats();

  auto t0 = sc_core::sc_time_stamp();
  EXPECT_EQ(array.run(chunk_pass(0)), expected_cycles);
  EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected_cycles));
  EXPECT_EQ(get_psums(kPsum, kOut * kRowsOut * kWidth), c.naive(kChunk)) << "bias plus the first chunk";

  t0 = sc_core::sc_time_stamp();
  EXPECT_EQ(array.run(chunk_pass(1)), expected_cycles);
  EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected_cycles));
  EXPECT_EQ(get_psums(kPsum, kOut * kRowsOut * kWidth), c.naive(kChannels)) << "accumulated over both chunks";

  const PeArrayStats& s = array.stats();
  EXPECT_EQ(s.passes - before.passes, 2u);
  EXPECT_EQ(s.macs - before.macs, 2 * shape.macs());
  EXPECT_EQ(s.busy_cycles - before.busy_cycles, 2 * expected_cycles);
}

TEST(PeArray, WeightStationaryConvInTwoChunks) {
  auto& b = bench();
  b.stimulus.run([&] { check_two_chunks(b.ws, b.ws_config, 180); });
}

TEST(PeArray, OutputStationaryConvInTwoChunks) {
  auto& b = bench();
  b.stimulus.run([&] { check_two_chunks(b.os, b.os_config, 132); });
}

TEST(PeArray, DensePassOnA1x1Map) {
  auto& b = bench();
  b.stimulus.run([&] {
    const std::uint8_t in[5] = {0, 255, 128, 130, 7};
    const std::int8_t w[3 * 5] = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5, 127, -128, 0, 64, -64};
    const std::int32_t bias[3] = {10, -20, 30};
    put_bytes(b.input, 0, in, 5);
    put_bytes(b.weights, 0, w, sizeof w);
    put_bytes(b.weights, 64, bias, sizeof bias);
    std::vector<std::int32_t> expected;
    for (int o = 0; o < 3; ++o) {
      std::int32_t acc = bias[o];
      for (int i = 0; i < 5; ++i) acc += (in[i] - 128) * w[o * 5 + i];
      expected.push_back(acc);
    }
    PePass p;
    p.in_channels = 5;
    p.rows_in = 1;
    p.width = 1;
    p.in_zero_point = 128;
    p.kernel = 1;
    p.bias_offset = 64;
    p.out_channels = 3;
    // K = 5, P = 1, M = 3 on the 2x2 array:
    //   ws: ceil(5/2) * ceil(3/2) * (2 + 1 + 2 + 2 - 2) = 3 * 2 * 5 = 30
    //   os: ceil(1/2) * ceil(3/2) * (5 + 2 + 4 - 2)     = 1 * 2 * 9 = 18
    for (auto [array, expected_cycles] : {std::pair<PeArray*, std::uint64_t>{&b.ws, 30}, {&b.os, 18}}) {
      const auto t0 = sc_core::sc_time_stamp();
      EXPECT_EQ(array->run(p), expected_cycles);
      EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected_cycles));
      EXPECT_EQ(get_psums(0, 3), expected);
    }
  });
}

TEST(PeArray, PassOutsideABufferThrowsWithoutWaiting) {
  auto& b = bench();
  b.stimulus.run([&] {
    const PeArrayStats before = b.ws.stats();
    const auto t0 = sc_core::sc_time_stamp();
    PePass p = chunk_pass(0);
    p.psum_offset = kBufferBytes - 8;  // 18 partial sums do not fit in the last 8 bytes
    EXPECT_THROW(b.ws.run(p), SramRangeError);
    p = chunk_pass(0);
    p.input_offset = kBufferBytes - 4;
    EXPECT_THROW(b.ws.run(p), SramRangeError);
    EXPECT_EQ(sc_core::sc_time_stamp(), t0);
    EXPECT_EQ(b.ws.stats().passes, before.passes);
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::PeArrayBench> elaboration;
  return RUN_ALL_TESTS();
}
