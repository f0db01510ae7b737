// The post-processing unit alone: requantisation (ties to even, saturation, ReLU
// at the zero point), 2x2 max-pool, and ceil(elements / lanes) + pipeline depth
// cycles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "model/ppu/post_processor.h"
#include "model/timing/cost_model.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

constexpr std::size_t kBufferBytes = 1024;

ArchConfig ppu_config() {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles
  c.ppu_lanes = 4;
  return c;
}

struct PpuBench : sc_core::sc_module {
  ArchConfig config = ppu_config();
  test::Stimulus stimulus{"stimulus"};
  Sram output{"output_buffer", kBufferBytes};
  PostProcessor ppu{"ppu", config, output};

  explicit PpuBench(sc_core::sc_module_name name) : sc_module(name) {}
};

PpuBench& bench() { return test::Elaboration<PpuBench>::bench(); }
sc_core::sc_time cycles(std::uint64_t n) { return test::cycles(bench().config, n); }

constexpr std::size_t kPsums = 0, kResults = 512;

// Runs one pass over `psums` ([channels][rows][width]) and returns its results.
std::vector<std::uint8_t> post_process(const std::vector<std::int32_t>& psums, PpuPass p) {
  auto& b = bench();
  std::memcpy(b.output.span(kPsums, 4 * psums.size()), psums.data(), 4 * psums.size());
  p.psum_offset = kPsums;
  p.result_offset = kResults;
  const std::size_t results = p.pool ? psums.size() / 4 : psums.size();
  std::fill_n(b.output.span(kResults, results + 1), results + 1, 0xAB);
  b.ppu.run(p);
  const std::uint8_t* r = b.output.span(kResults, results + 1);
  EXPECT_EQ(r[results], 0xAB) << "wrote past its results";
  return {r, r + results};
}

PpuPass row_pass(std::uint32_t width, std::int32_t shift, std::uint32_t zero_point, bool relu) {
  PpuPass p;
  p.channels = 1;
  p.rows = 1;
  p.width = width;
  p.shift = shift;
  p.zero_point = zero_point;
  p.relu = relu;
  return p;
}

TEST(PostProcessor, RoundsTiesToEvenAndSaturates) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Shift 1 halves: 5 -> 2.5 -> 2, 7 -> 3.5 -> 4, -5 -> -2.5 -> -2, -7 -> -3.5 -> -4,
    // 3 -> 1.5 -> 2, 4 -> 2 exactly; then + zero point 10. 1000 and -1000 saturate.
    const std::vector<std::int32_t> psums = {5, 7, -5, -7, 3, 4, 1000, -1000};
    const std::vector<std::uint8_t> expected = {12, 14, 8, 6, 12, 12, 255, 0};
    const auto t0 = sc_core::sc_time_stamp();
    EXPECT_EQ(post_process(psums, row_pass(8, 1, 10, false)), expected);
    // 8 elements on 4 lanes: ceil(8/4) + 4 pipeline stages = 6 cycles.
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(6));
  });
}

TEST(PostProcessor, SaturatesAtTheEdgesExactly) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Zero point 128, shift 0: 127 -> 255 is the largest unsaturated, -128 -> 0 the smallest.
    const std::vector<std::int32_t> psums = {127, 128, -128, -129};
    EXPECT_EQ(post_process(psums, row_pass(4, 0, 128, false)), (std::vector<std::uint8_t>{255, 255, 0, 0}));
    // A negative shift multiplies: -3 * 4 + 20 = 8.
    EXPECT_EQ(post_process({-3}, row_pass(1, -2, 20, false)), (std::vector<std::uint8_t>{8}));
  });
}

TEST(PostProcessor, ReluClampsAtTheZeroPoint) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Same values as the rounding case, with ReLU: anything below the zero point
    // (the real value 0) becomes the zero point.
    const std::vector<std::int32_t> psums = {5, 7, -5, -7, 3, -1, 1000, -1000};
    // -1 -> -0.5 -> -0 (tie to even) -> 10, exactly the zero point.
    const std::vector<std::uint8_t> expected = {12, 14, 10, 10, 12, 10, 255, 10};
    EXPECT_EQ(post_process(psums, row_pass(8, 1, 10, true)), expected);
  });
}

TEST(PostProcessor, MaxPools2x2AfterTheActivation) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Two channels of 4x4. Shift 0 and zero point 7 make requantisation x + 7,
    // floored at 7 by ReLU, so the pooled values are read straight off the inputs.
    // The zero point is not 0 so that the ReLU floor differs from the saturation at 0:
    // the second channel's top windows are wholly negative, and without the floor
    // they would pool to 6 (-1 + 7) and 0 (-8 + 7 saturated) instead of 7.
    const std::vector<std::int32_t> psums = {
        1,   2,   3,    4,    //
        5,   6,   7,    8,    //
        9,   100, 11,   12,   //
        13,  14,  15,   200,  //
        -1,  -2,  -100, -50,  //
        -3,  -4,  -20,  -8,   //
        300, 0,   -9,   0,    //
        0,   0,   0,    5};
    PpuPass p;
    p.channels = 2;
    p.rows = 4;
    p.width = 4;
    p.zero_point = 7;
    p.relu = true;
    p.pool = true;
    const std::vector<std::uint8_t> expected = {13, 15, 107, 207, 7, 7, 255, 12};
    const auto t0 = sc_core::sc_time_stamp();
    const std::uint64_t busy = b.ppu.busy_cycles();
    const func::Saturation before = b.ppu.saturation();
    EXPECT_EQ(post_process(psums, p), expected);
    // Counted before pooling: 300 + 7 clips at 255; the nine negative sums are floored.
    EXPECT_EQ(b.ppu.saturation().high - before.high, 1u);
    EXPECT_EQ(b.ppu.saturation().relu_floor - before.relu_floor, 9u);
    EXPECT_EQ(b.ppu.saturation().low - before.low, 0u);
    // 32 accumulators on 4 lanes: ceil(32/4) + 4 = 12 cycles; pooling adds none.
    EXPECT_EQ(timing::ppu_cycles(b.config, 32), 12u);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(12));
    EXPECT_EQ(b.ppu.busy_cycles() - busy, 12u);
  });
}

TEST(PostProcessor, TimeIsLanesPlusPipelineDepth) {
  auto& b = bench();
  b.stimulus.run([&] {
    // 1 element: 1 + 4; 4: 1 + 4; 5: 2 + 4; 13: 4 + 4.
    for (const auto& [n, expected] : {std::pair<std::uint32_t, std::uint64_t>{1, 5}, {4, 5}, {5, 6}, {13, 8}}) {
      const auto t0 = sc_core::sc_time_stamp();
      post_process(std::vector<std::int32_t>(n, 0), row_pass(n, 0, 0, false));
      EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected)) << n << " elements";
    }
  });
}

TEST(PostProcessor, RangeErrorsThrowWithoutWaiting) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto t0 = sc_core::sc_time_stamp();
    PpuPass p = row_pass(8, 0, 0, false);
    p.psum_offset = kBufferBytes - 16;  // 8 accumulators need 32 bytes
    EXPECT_THROW(b.ppu.run(p), SramRangeError);
    p = row_pass(8, 0, 0, false);
    p.result_offset = kBufferBytes - 4;
    EXPECT_THROW(b.ppu.run(p), SramRangeError);
    EXPECT_EQ(sc_core::sc_time_stamp(), t0);
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::PpuBench> elaboration;
  return RUN_ALL_TESTS();
}
