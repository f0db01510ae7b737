// The accelerator through its register socket, as firmware sees it: reset values,
// access rights and protocol errors, the interrupt, descriptor and tiling checks,
// and a real convolution layer whose result in DRAM must equal a naive reference
// written here, with its cycles counted by hand from docs/timing.md.
// Its DMA reaches a DRAM through a bus; the test places data there by debug access.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "model/accelerator/accelerator.h"
#include "model/accelerator/layer_plan.h"
#include "model/interconnect/router.h"
#include "model/io/model_file.h"
#include "model/memory/dram.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

using namespace qacc::regs;

ArchConfig accelerator_config() {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles
  c.pe_rows = 4;
  c.pe_cols = 8;  // unlike pe_rows, so the two registers cannot be swapped unnoticed
  c.input_buffer_bytes = 4096;
  c.weight_buffer_bytes = 2048;
  c.output_buffer_bytes = 8192;
  c.ppu_lanes = 4;
  c.dma_burst_bytes = 64;
  c.dram_latency_cycles = 20;
  c.dram_bytes = 1u << 20;
  return c;
}

struct AcceleratorBench : sc_core::sc_module {
  ArchConfig config = accelerator_config();
  test::Stimulus stimulus{"stimulus"};
  test::Initiator cpu{"cpu"};        // register accesses, offsets from the accelerator's base
  test::Initiator loader{"loader"};  // debug access to DRAM, for placing data and checking results
  Router bus{"bus", {{"dram", 0, config.dram_bytes}}};
  Dram dram{"dram", config};
  Accelerator accelerator{"accelerator", config};
  // Driven from the controller and from W1C writes on the CPU's thread.
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> irq{"irq"};

  explicit AcceleratorBench(sc_core::sc_module_name name) : sc_module(name) {
    cpu.out.bind(accelerator.in);
    accelerator.dma.out.bind(bus.in);
    loader.out.bind(bus.in);
    bus.out.bind(dram.in);
    accelerator.irq.bind(irq);
  }
};

AcceleratorBench& bench() { return test::Elaboration<AcceleratorBench>::bench(); }
sc_core::sc_time cycles(std::uint64_t n) { return test::cycles(bench().config, n); }

std::uint32_t reg(std::uint32_t offset) {
  const test::Word w = bench().cpu.read32(offset);
  EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE) << "read of " << std::hex << offset;
  return w.value;
}

void set_reg(std::uint32_t offset, std::uint32_t value) {
  EXPECT_EQ(bench().cpu.write32(offset, value), tlm::TLM_OK_RESPONSE) << "write of " << std::hex << offset;
}

void program(const LayerDescriptor& d) {
  for (const auto& r : encode_registers(d)) set_reg(r.offset, r.value);
}

// Polls STATUS as firmware without interrupts would; false on a timeout.
bool wait_for_layer() {
  for (int poll = 0; poll < 100000; ++poll) {
    if ((reg(kStatus) & kStatusBusy) == 0) return true;
    sc_core::wait(cycles(50));
  }
  return false;
}

// Runs the programmed layer to its end.
void run_layer() {
  set_reg(kCtrl, kCtrlStart);
  ASSERT_TRUE(wait_for_layer()) << "layer never finished";
}

void clear_interrupts() {
  set_reg(kIrqStatus, ~0u);
  set_reg(kIrqEnable, 0);
}

// A small real layer: 3 channels of 4x4 in, 4 out, 3x3 kernel, ReLU, 2x2 max-pool.
// The reference is computed here with plain loops, not with model/func, whose
// kernels the PE array and the PPU run: a bug there would otherwise be in both.
struct ConvCase {
  static constexpr std::uint64_t kIn = 0x1000, kWeights = 0x2000, kBias = 0x3000, kOut = 0x4000;
  QuantLayer layer;
  std::vector<std::uint8_t> input;

  ConvCase() {
    layer.name = "conv";
    layer.type = LayerType::kConv2d;
    layer.flags = kLayerRelu | kLayerMaxPool;
    layer.in_channels = 3;
    layer.in_height = layer.in_width = 4;
    layer.out_channels = 4;
    layer.out_height = layer.out_width = 4;
    layer.kernel = 3;
    layer.padding = 1;
    layer.stride = 1;
    // shift = output_exp - input_exp - weight_exp = -4 + 4 + 7 = 7
    layer.input_exp = -4;
    layer.weight_exp = -7;
    layer.output_exp = -4;
    layer.input_zero_point = 128;
    layer.output_zero_point = 3;
    // Small weights keep most results inside 0..255, so a wrong sum shows.
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> u8(0, 255), w(-16, 16), b(-3000, 3000);
    for (int i = 0; i < 4 * 3 * 9; ++i) layer.weights.push_back(static_cast<std::int8_t>(w(rng)));
    for (int i = 0; i < 4; ++i) layer.bias.push_back(b(rng));
    for (int i = 0; i < 3 * 4 * 4; ++i) input.push_back(static_cast<std::uint8_t>(u8(rng)));
  }

  // docs/quantization.md's semantics written out: acc = bias + sum (x - x_zp) * w over
  // a 3x3 window whose padding is the real value 0; round(acc / 2^shift) with ties to
  // even; + out_zp; clamp to out_zp (ReLU) .. 255; max over 2x2 windows.
  std::vector<std::uint8_t> reference() const {
    const int channels = layer.in_channels, side = layer.in_width, outs = layer.out_channels;
    std::vector<std::uint8_t> act(static_cast<std::size_t>(outs * side * side));
    for (int o = 0; o < outs; ++o)
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
          std::int64_t acc = layer.bias[static_cast<std::size_t>(o)];
          for (int c = 0; c < channels; ++c)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = y + ky - 1, ix = x + kx - 1;
                if (iy < 0 || iy >= side || ix < 0 || ix >= side) continue;
                const int in = input[static_cast<std::size_t>((c * side + iy) * side + ix)];
                const int w = layer.weights[static_cast<std::size_t>(((o * channels + c) * 3 + ky) * 3 + kx)];
                acc += (in - layer.input_zero_point) * w;
              }
          // QNNPACK rounds the accumulator to a float first; below 2^24 that is exact,
          // and the double division by a power of two is exact too, so nearbyint's
          // default mode (ties to even) gives the rounding.
          EXPECT_LT(std::llabs(acc), 1LL << 24);
          const double q = std::nearbyint(std::ldexp(static_cast<double>(acc), -layer.shift())) + layer.output_zero_point;
          const double lo = layer.relu() ? layer.output_zero_point : 0;
          act[static_cast<std::size_t>((o * side + y) * side + x)] = static_cast<std::uint8_t>(std::clamp(q, lo, 255.0));
        }
    if (!layer.pool()) return act;
    const int half = side / 2;
    std::vector<std::uint8_t> pooled;
    for (int o = 0; o < outs; ++o)
      for (int y = 0; y < half; ++y)
        for (int x = 0; x < half; ++x) {
          std::uint8_t m = 0;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
              m = std::max(m, act[static_cast<std::size_t>((o * side + 2 * y + dy) * side + 2 * x + dx)]);
          pooled.push_back(m);
        }
    return pooled;
  }

  LayerDescriptor descriptor(std::uint32_t tile_out, std::uint32_t tile_rows, std::uint32_t tile_in) const {
    LayerDescriptor d;
    d.index = 7;
    d.type = static_cast<std::uint32_t>(layer.type);
    d.flags = kFlagRelu | kFlagMaxPool;
    d.in_channels = 3;
    d.in_height = d.in_width = 4;
    d.out_channels = 4;
    d.kernel = 3;
    d.shift = layer.shift();
    d.in_zero_point = static_cast<std::uint32_t>(layer.input_zero_point);
    d.out_zero_point = static_cast<std::uint32_t>(layer.output_zero_point);
    d.in_addr = kIn;
    d.weight_addr = kWeights;
    d.bias_addr = kBias;
    d.out_addr = kOut;
    d.tile_out_channels = tile_out;
    d.tile_rows = tile_rows;
    d.tile_in_channels = tile_in;
    return d;
  }

  // Places the operands and poisons the result area, so every result byte must be written.
  void place() const {
    auto& l = bench().loader;
    ASSERT_EQ(l.debug_write(kIn, input.data(), 48), 48u);
    ASSERT_EQ(l.debug_write(kWeights, layer.weights.data(), 108), 108u);
    ASSERT_EQ(l.debug_write(kBias, layer.bias.data(), 16), 16u);
    const std::vector<std::uint8_t> poison(32, 0xCD);
    ASSERT_EQ(l.debug_write(kOut, poison.data(), 32), 32u);
  }

  // The 16 result bytes, plus the next 16, which must keep their poison.
  std::vector<std::uint8_t> result(std::vector<std::uint8_t>* after = nullptr) const {
    std::vector<std::uint8_t> r(32);
    EXPECT_EQ(bench().loader.debug_read(kOut, r.data(), 32), 32u);
    if (after != nullptr) after->assign(r.begin() + 16, r.end());
    r.resize(16);
    return r;
  }
};

// A 3x3 conv on an 8x8 map, 3 -> 4 channels, in tiles of 2 channels x 4 rows x all 3
// input channels: four steps.
LayerDescriptor four_step_conv() {
  LayerDescriptor d;
  d.type = 1;
  d.kernel = 3;
  d.in_channels = 3;
  d.in_height = d.in_width = 8;
  d.out_channels = 4;
  d.tile_out_channels = 2;
  d.tile_rows = 4;
  d.tile_in_channels = 3;
  return d;
}

// kFlagBiasApart: the bias leaves the weight halves for two slots after the output
// buffer's result tiles, the slot following the weights' half.
TEST(LayerPlan, BiasApartLiesInTheOutputBuffer) {
  LayerDescriptor d = four_step_conv();
  const BufferNeeds in_weights = buffer_needs(d);
  EXPECT_EQ(in_weights.weight_half, 2u * 3 * 9 + 8);
  EXPECT_EQ(in_weights.output, 4u * 2 * 4 * 8 + 2 * 64);
  d.flags = regs::kFlagBiasApart;
  const BufferNeeds apart = buffer_needs(d);
  EXPECT_EQ(apart.weight_half, 2u * 3 * 9);
  EXPECT_EQ(apart.output, 4u * 2 * 4 * 8 + 2 * 64 + 2 * 8);
  const LayerPlan p = plan_layer(d, {1024, 1024, 4096});
  // Psums 256 bytes, two result tiles of 64: the bias slots at 384 and 392.
  EXPECT_EQ(p.bias_offset(p.steps[0]), 384u);
  EXPECT_EQ(p.bias_offset(p.steps[1]), 392u);
  d.flags = 0;
  const LayerPlan q = plan_layer(d, {1024, 1024, 4096});
  EXPECT_EQ(q.bias_offset(q.steps[1]), 512u + 2 * 3 * 9);  // after the weights of half 1
}

// The walk with kFlagRowsOuter and kFlagReuse. Row tiles outer, so the inputs of a row
// tile load once for both channel tiles; each channel tile's weights load at every
// step (the inner loop changes them) and alternate halves, while the inputs keep theirs.
TEST(LayerPlan, RowsOuterWalkReusesTheInputsOfARowTile) {
  LayerDescriptor d = four_step_conv();
  d.flags = regs::kFlagRowsOuter | regs::kFlagReuse;
  const LayerPlan p = plan_layer(d, {1024, 1024, 4096});
  ASSERT_EQ(p.steps.size(), 4u);
  using Step = std::tuple<std::uint32_t, std::uint32_t, bool, bool, std::uint32_t, std::uint32_t>;
  auto at = [&](std::size_t i) {
    const LayerStep& s = p.steps[i];
    return Step{s.y, s.oc, s.load_inputs, s.load_weights, s.input_half, s.weight_half};
  };
  EXPECT_EQ(at(0), (Step{0, 0, true, true, 0, 0}));
  EXPECT_EQ(at(1), (Step{0, 2, false, true, 0, 1}));
  EXPECT_EQ(at(2), (Step{4, 0, true, true, 1, 0}));
  EXPECT_EQ(at(3), (Step{4, 2, false, true, 1, 1}));
  // Output-channel tiles outer (the default walk) with reuse: the weights stay for
  // both row tiles instead.
  d.flags = regs::kFlagReuse;
  const LayerPlan q = plan_layer(d, {1024, 1024, 4096});
  const std::vector<std::pair<bool, bool>> loads = {{true, true}, {true, false}, {true, true}, {true, false}};
  for (std::size_t i = 0; i < q.steps.size(); ++i)
    EXPECT_EQ(std::make_pair(q.steps[i].load_inputs, q.steps[i].load_weights), loads[i]) << "step " << i;
  EXPECT_EQ(std::make_tuple(q.steps[1].oc, q.steps[1].y, q.steps[1].weight_half), std::make_tuple(0u, 4u, 0u));
  // Without reuse every step loads both, into alternating halves (the firmware's own
  // plans); with chunks no two steps share a block either.
  d.flags = 0;
  for (const LayerStep& s : plan_layer(d, {1024, 1024, 4096}).steps) EXPECT_TRUE(s.load_inputs && s.load_weights);
  d.flags = regs::kFlagReuse;
  d.tile_in_channels = 2;
  for (const LayerStep& s : plan_layer(d, {1024, 1024, 4096}).steps) EXPECT_TRUE(s.load_inputs && s.load_weights);
}

// The controller's walk, without simulation: a 3x3 conv with 5 output channels, 3
// input channels on a 6x6 map, tiles of 2 channels x 4 rows x 2 input channels.
TEST(LayerPlan, StepsInLoopOrderWithPartialTilesAndHaloRows) {
  LayerDescriptor d;
  d.type = 1;
  d.kernel = 3;
  d.in_channels = 3;
  d.in_height = d.in_width = 6;
  d.out_channels = 5;
  d.tile_out_channels = 2;
  d.tile_rows = 4;
  d.tile_in_channels = 2;
  const LayerPlan p = plan_layer(d, {1024, 1024, 4096});
  // ceil(5/2) channel tiles x ceil(6/4) row tiles x ceil(3/2) chunks.
  ASSERT_EQ(p.steps.size(), 3u * 2 * 2);
  EXPECT_EQ(p.input_half, 512u);
  EXPECT_EQ(p.bias_at, 2u * 2 * 9);                // weights of one chunk, then the bias
  EXPECT_EQ(p.result_at, 4u * 2 * 4 * 6);          // int32 partial sums of one tile
  EXPECT_EQ(p.result_tile, 2u * 4 * 6);            // uint8 results, no pooling
  const LayerStep& first = p.steps[0];
  EXPECT_EQ(std::make_tuple(first.oc, first.y, first.c, first.c_n), std::make_tuple(0u, 0u, 0u, 2u));
  EXPECT_TRUE(first.first);
  EXPECT_FALSE(first.last);
  // Rows -1..4 of the image: one halo row above, five real rows.
  EXPECT_EQ(std::make_tuple(first.rows_in, first.top, first.first_row, first.valid), std::make_tuple(6u, 1u, 0u, 5u));
  const LayerStep& second = p.steps[1];
  EXPECT_EQ(std::make_tuple(second.c, second.c_n, second.first, second.last), std::make_tuple(2u, 1u, false, true));
  // The second row tile holds rows 4..5: image rows 3..5 and one halo row below.
  const LayerStep& lower = p.steps[2];
  EXPECT_EQ(std::make_tuple(lower.y, lower.y_n, lower.rows_in, lower.top, lower.first_row, lower.valid),
            std::make_tuple(4u, 2u, 4u, 0u, 3u, 3u));
  // The last channel tile holds one channel.
  EXPECT_EQ(std::make_tuple(p.steps.back().oc, p.steps.back().oc_n), std::make_tuple(4u, 1u));
}

// Reset values hold only before any layer has run: GoogleTest runs the cases of a
// file in the order they are written, and this one comes first.
TEST(Accelerator, ResetValues) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto t0 = sc_core::sc_time_stamp();
    EXPECT_EQ(reg(kId), kIdValue);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(1));  // a register access takes one cycle
    EXPECT_EQ(reg(kVersion), kVersionValue);
    EXPECT_EQ(reg(kCtrl), 0u);
    EXPECT_EQ(reg(kStatus), 0u);
    EXPECT_EQ(reg(kIrqStatus), 0u);
    EXPECT_EQ(reg(kIrqEnable), 0u);
    EXPECT_EQ(reg(kErrorCode), 0u);
    EXPECT_EQ(reg(kErrorAddr), 0u);
    EXPECT_EQ(reg(kCycles), 0u);
    EXPECT_EQ(reg(kPeRows), static_cast<std::uint32_t>(b.config.pe_rows));
    EXPECT_EQ(reg(kPeCols), static_cast<std::uint32_t>(b.config.pe_cols));
    EXPECT_EQ(reg(kInputBufBytes), b.config.input_buffer_bytes);
    EXPECT_EQ(reg(kWeightBufBytes), b.config.weight_buffer_bytes);
    EXPECT_EQ(reg(kOutputBufBytes), b.config.output_buffer_bytes);
    for (std::uint32_t offset = kLayerIndex; offset <= kTileInChannels; offset += 4)
      EXPECT_EQ(reg(offset), 0u) << std::hex << offset;
    EXPECT_FALSE(b.irq.read());
  });
}

TEST(Accelerator, ReadWriteRegistersReadBack) {
  auto& b = bench();
  b.stimulus.run([&] {
    for (std::uint32_t offset = kLayerIndex; offset <= kTileInChannels; offset += 4) {
      const std::uint32_t value = 0xC0DE'0000u | offset;
      set_reg(offset, value);
      EXPECT_EQ(reg(offset), value) << std::hex << offset;
    }
    set_reg(kIrqEnable, kIrqDone | kIrqError);
    EXPECT_EQ(reg(kIrqEnable), kIrqDone | kIrqError);
    set_reg(kIrqEnable, 0);
    EXPECT_EQ(reg(kIrqEnable), 0u);
    // CTRL without START is stored as written; it starts nothing.
    set_reg(kCtrl, 0);
    EXPECT_EQ(reg(kCtrl), 0u);
    EXPECT_EQ(reg(kStatus), 0u);
  });
}

TEST(Accelerator, WriteToReadOnlyRegisterIsACommandError) {
  auto& b = bench();
  b.stimulus.run([&] {
    for (std::uint32_t offset : {kId, kVersion, kStatus, kErrorCode, kErrorAddr, kCycles, kPeRows, kPeCols,
                                 kInputBufBytes, kWeightBufBytes, kOutputBufBytes}) {
      const std::uint32_t before = reg(offset);
      EXPECT_EQ(b.cpu.write32(offset, 0x1234'5678), tlm::TLM_COMMAND_ERROR_RESPONSE) << std::hex << offset;
      EXPECT_EQ(reg(offset), before) << std::hex << offset;
    }
  });
}

TEST(Accelerator, UnalignedOrUndefinedOffsetIsAnAddressError) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Unaligned, a gap in the map, just past the last register, past the space.
    for (std::uint32_t offset : {kId + 2u, kCtrl + 1u, 0x028u, 0x048u, 0x07Cu, 0x0C8u, 0x0FCu, 0x100u, 0x1000u}) {
      EXPECT_EQ(b.cpu.read32(offset).status, tlm::TLM_ADDRESS_ERROR_RESPONSE) << std::hex << offset;
      EXPECT_EQ(b.cpu.write32(offset, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE) << std::hex << offset;
    }
  });
}

TEST(Accelerator, AccessOtherThanOneWordIsABurstError) {
  auto& b = bench();
  b.stimulus.run([&] {
    std::uint8_t data[8] = {};
    EXPECT_EQ(b.cpu.read(kId, data, 2).status, tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.cpu.write(kIrqEnable, data, 2).status, tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.cpu.read(kId, data, 1).status, tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.cpu.read(kId, data, 8).status, tlm::TLM_BURST_ERROR_RESPONSE);
    // Size is checked before the address: a 2-byte access at an unaligned offset is a burst error.
    EXPECT_EQ(b.cpu.read(kId + 2, data, 2).status, tlm::TLM_BURST_ERROR_RESPONSE);

    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kId);
    t.set_data_ptr(data);
    t.set_data_length(4);
    t.set_streaming_width(2);
    EXPECT_EQ(b.cpu.transport(t).status, tlm::TLM_BURST_ERROR_RESPONSE);
    unsigned char enables[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    t.set_streaming_width(4);
    t.set_byte_enable_ptr(enables);
    t.set_byte_enable_length(4);
    EXPECT_EQ(b.cpu.transport(t).status, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  });
}

TEST(Accelerator, DebugAccessReadsWithoutSideEffects) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto t0 = sc_core::sc_time_stamp();
    std::uint32_t value = 0;
    EXPECT_EQ(b.cpu.debug_read(kId, &value, 4), 4u);
    EXPECT_EQ(value, kIdValue);
    const std::uint32_t enable = kIrqDone;
    EXPECT_EQ(b.cpu.debug_write(kIrqEnable, &enable, 4), 0u);  // debug never writes
    EXPECT_EQ(b.cpu.debug_read(0x028, &value, 4), 0u);
    EXPECT_EQ(sc_core::sc_time_stamp(), t0);
    EXPECT_EQ(reg(kIrqEnable), 0u);
  });
}

// The PE passes of a tiling on this bench's 4x8 weight-stationary array, by the
// formula of docs/timing.md section 2: per step K = c_n * 9, P = y_n * 4, M = oc_n,
// ceil(K/4) * ceil(M/8) * (4 + P + 4 + 8 - 2) cycles.
std::uint64_t expected_compute_cycles(std::uint32_t tile_out, std::uint32_t tile_rows, std::uint32_t tile_in) {
  std::uint64_t total = 0;
  for (std::uint32_t oc = 0; oc < 4; oc += tile_out)
    for (std::uint32_t y = 0; y < 4; y += tile_rows)
      for (std::uint32_t c = 0; c < 3; c += tile_in) {
        const std::uint64_t k = 9 * std::min(tile_in, 3 - c), p = 4 * std::min(tile_rows, 4 - y);
        const std::uint64_t m = std::min(tile_out, 4 - oc);
        total += (k + 3) / 4 * ((m + 7) / 8) * (4 + p + 4 + 8 - 2);
      }
  return total;
}

// One PPU pass per output tile (section 8): ceil(oc_n * y_n * 4 / 4 lanes) + 4.
std::uint64_t expected_ppu_cycles(std::uint32_t tile_out, std::uint32_t tile_rows) {
  std::uint64_t total = 0;
  for (std::uint32_t oc = 0; oc < 4; oc += tile_out)
    for (std::uint32_t y = 0; y < 4; y += tile_rows)
      total += std::min(tile_out, 4 - oc) * std::min(tile_rows, 4 - y) + 4;
  return total;
}

TEST(Accelerator, ConvLayerMatchesANaiveReference) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    const auto expected = c.reference();
    ASSERT_EQ(expected.size(), 16u);
    // Some 2x2 window lies wholly below the zero point (3), so the ReLU floor shows
    // through the pool; and the results are not all alike.
    EXPECT_GE(std::count(expected.begin(), expected.end(), std::uint8_t{3}), 1);
    EXPECT_GT(*std::max_element(expected.begin(), expected.end()), 20);
    // Several tilings: two output-channel tiles x two row tiles x two input-channel
    // chunks (the last one partial), the whole layer in one step, and single channels.
    const std::uint32_t tilings[][3] = {{2, 2, 2}, {4, 4, 3}, {1, 2, 1}, {3, 4, 2}};
    for (const auto& [tile_out, tile_rows, tile_in] : tilings) {
      SCOPED_TRACE(fmt::format("tiles {} out x {} rows x {} in", tile_out, tile_rows, tile_in));
      c.place();
      program(c.descriptor(tile_out, tile_rows, tile_in));
      const std::size_t layers = b.accelerator.layer_stats().size();
      run_layer();
      std::vector<std::uint8_t> after;
      EXPECT_EQ(c.result(&after), expected);
      EXPECT_EQ(after, std::vector<std::uint8_t>(16, 0xCD)) << "wrote past the result";
      EXPECT_EQ(reg(kStatus), kStatusDone);
      EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kNone));
      EXPECT_EQ(reg(kIrqStatus), kIrqDone);
      // Not enabled, so not raised.
      EXPECT_FALSE(b.irq.read());
      ASSERT_EQ(b.accelerator.layer_stats().size(), layers + 1);
      const LayerStats& s = b.accelerator.layer_stats().back();
      EXPECT_TRUE(s.ok);
      EXPECT_EQ(s.index, 7u);
      EXPECT_EQ(b.accelerator.layer.read(), 7u);
      EXPECT_EQ(reg(kCycles), s.cycles);
      EXPECT_EQ(s.macs, 4u * 3 * 9 * 16);
      EXPECT_EQ(s.tiles, ((4 + tile_out - 1) / tile_out) * ((4 + tile_rows - 1) / tile_rows));
      EXPECT_EQ(s.passes, s.tiles * ((3 + tile_in - 1) / tile_in));
      EXPECT_EQ(s.dram_written, 16u);
      EXPECT_EQ(s.compute_cycles, expected_compute_cycles(tile_out, tile_rows, tile_in));
      EXPECT_EQ(s.ppu_cycles, expected_ppu_cycles(tile_out, tile_rows));
      // Every cycle of the controller is compute, post-processing or a stall.
      EXPECT_EQ(s.cycles, s.compute_cycles + s.ppu_cycles + s.stall_cycles());
      if (tile_out == 4 && tile_rows == 4 && tile_in == 3) {
        // The whole layer in one step, counted by hand (docs/timing.md; 64-byte bursts,
        // 16-byte bus, 16 bytes per DRAM cycle, latency 20, setup 4, 8 bursts in
        // flight). Loads: input 3 rows of 16 bytes (SRAM rows 24 apart, with the halo:
        // not merged), weights 4 x 27 bytes contiguous on both sides (one 108-byte row,
        // bursts 64 + 44), bias 16 bytes: six bursts, all in flight at once, leaving
        // the issue stage at 4, 8, .., 24. DRAM data bus, max(arrival + 20, free) for
        // ceil(b / 16) cycles: 24-25, 28-29, 32-33, 36-40, 40-43, 44-45 -> load 45
        // (one burst at a time: 3 x 25 + 28 + 27 + 25 = 155).
        // PE pass: K = 27, P = 16, M = 4: ceil(27/4) * ceil(4/8) * (4 + 16 + 4 + 8 - 2)
        //          = 7 * 1 * 30 = 210
        // PPU: 64 accumulators on 4 lanes: 16 + 4 = 20
        // Store: 4 channels x 2 x 2 pooled bytes, contiguous: 16 bytes, 4 + 20 + 1 = 25.
        // Nothing overlaps: stall = load 45 + final drain 25 = 70 = the DMA's busy time.
        EXPECT_EQ(s.compute_cycles, 210u);
        EXPECT_EQ(s.ppu_cycles, 20u);
        EXPECT_EQ(s.stall_load_cycles, 45u);
        EXPECT_EQ(s.stall_staging_cycles, 0u);
        EXPECT_EQ(s.stall_drain_cycles, 25u);
        EXPECT_EQ(s.dma_cycles, 70u);
        EXPECT_EQ(s.cycles, 300u);
        EXPECT_EQ(s.dma_bursts, 7u);
        EXPECT_EQ(s.dram_read, 48u + 108 + 16);
        // Buffer traffic (section 3): input 48 loaded + 3 x 2 halo rows x 4 filled, read
        // K * P * ceil(M/C) = 432; weights 108 + 16 bias written and read; partial sums
        // 4 * P * M * ceil(K/R) = 1792 written and (less the first chunk's 256) read,
        // then the PPU reads 256 and writes 16, which the store reads.
        EXPECT_EQ(s.input_buffer_writes, 72u);
        EXPECT_EQ(s.input_buffer_reads, 432u);
        EXPECT_EQ(s.weight_buffer_writes, 124u);
        EXPECT_EQ(s.weight_buffer_reads, 124u);
        EXPECT_EQ(s.output_buffer_writes, 1792u + 16);
        EXPECT_EQ(s.output_buffer_reads, 1536u + 256 + 16);
      }
      set_reg(kIrqStatus, kIrqDone);
    }
  });
}

// The interrupt line after the last access: it follows a register write at the
// write's annotated time, one delta later than the access's own wait ends.
bool irq_line() {
  sc_core::wait(sc_core::SC_ZERO_TIME);
  return bench().irq.read();
}

TEST(Accelerator, DoneInterruptAndWriteOneToClear) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    c.place();
    program(c.descriptor(2, 2, 2));
    set_reg(kIrqEnable, kIrqDone);
    set_reg(kCtrl, kCtrlStart);
    EXPECT_FALSE(b.irq.read());
    sc_core::wait(cycles(1'000'000), b.irq.posedge_event());
    ASSERT_TRUE(b.irq.read()) << "no interrupt";
    EXPECT_EQ(reg(kStatus), kStatusDone);
    EXPECT_EQ(reg(kIrqStatus), kIrqDone);
    EXPECT_EQ(c.result(), c.reference());

    // Masking lowers the line and unmasking raises it again: the status bit stays.
    set_reg(kIrqEnable, 0);
    EXPECT_FALSE(irq_line());
    set_reg(kIrqEnable, kIrqDone);
    EXPECT_TRUE(irq_line());
    // Writing 0, or a 1 to a bit that is clear, changes nothing.
    set_reg(kIrqStatus, 0);
    set_reg(kIrqStatus, kIrqError);
    EXPECT_EQ(reg(kIrqStatus), kIrqDone);
    EXPECT_TRUE(irq_line());
    // Writing 1 clears it.
    set_reg(kIrqStatus, kIrqDone);
    EXPECT_EQ(reg(kIrqStatus), 0u);
    EXPECT_FALSE(irq_line());
    set_reg(kIrqEnable, 0);
  });
}

TEST(Accelerator, BadDescriptorIsAnErrorWithItsInterrupt) {
  auto& b = bench();
  b.stimulus.run([&] {
    const ConvCase c;
    LayerDescriptor kernel5 = c.descriptor(2, 2, 2);
    kernel5.kernel = 5;
    LayerDescriptor odd_tile_rows = c.descriptor(2, 3, 2);  // max-pool needs even tile rows
    LayerDescriptor unknown_flag = c.descriptor(2, 2, 2);
    unknown_flag.flags |= 1u << 5;
    LayerDescriptor no_tile = c.descriptor(0, 2, 2);
    LayerDescriptor dense_3x3 = c.descriptor(2, 2, 2);
    dense_3x3.type = 2;
    for (const LayerDescriptor& d : {kernel5, odd_tile_rows, unknown_flag, no_tile, dense_3x3}) {
      clear_interrupts();
      set_reg(kIrqEnable, kIrqError);
      program(d);
      const std::uint64_t requests = b.accelerator.dma.stats().requests;
      set_reg(kCtrl, kCtrlStart);
      sc_core::wait(cycles(1'000'000), b.irq.posedge_event());
      EXPECT_TRUE(b.irq.read()) << "no error interrupt";
      EXPECT_EQ(reg(kStatus), kStatusError);
      EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kBadDescriptor));
      EXPECT_EQ(reg(kIrqStatus), kIrqError);
      EXPECT_EQ(b.accelerator.dma.stats().requests, requests);
      EXPECT_FALSE(b.accelerator.layer_stats().back().ok);
      set_reg(kIrqStatus, kIrqError);
      EXPECT_FALSE(irq_line());
    }
    set_reg(kIrqEnable, 0);
  });
}

TEST(Accelerator, TilingThatOverflowsABufferFailsBeforeAnyDma) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    LayerDescriptor d;
    d.type = 1;
    d.in_channels = 16;
    d.in_height = d.in_width = 32;
    d.out_channels = 16;
    d.kernel = 3;
    d.in_addr = 0x1000;
    d.weight_addr = 0x2000;
    d.bias_addr = 0x3000;
    d.out_addr = 0x4000;
    d.tile_out_channels = 16;
    d.tile_rows = 32;
    d.tile_in_channels = 16;
    // Needs: input 2 x 16 x (32 + 2) x 32 = 34816 > 4096, weights 2 x (16 x 16 x 9 + 16 x 4)
    // = 4736 > 2048, output 4 x 16 x 32 x 32 + 2 x 16 x 32 x 32 = 98304 > 8192. ERROR_ADDR
    // holds what the first overflowing buffer, in the order input, weights, output, needs.
    program(d);
    const std::uint64_t requests = b.accelerator.dma.stats().requests;
    const std::uint64_t dram_transactions = b.dram.transactions();
    run_layer();
    EXPECT_EQ(reg(kStatus), kStatusError);
    EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kBufferOverflow));
    EXPECT_EQ(reg(kErrorAddr), 34816u);
    EXPECT_EQ(reg(kIrqStatus), kIrqError);

    // Only the weights too large: 4 x 4 maps in 2-row tiles need 2 x 16 x 4 x 4 = 512
    // input bytes, but still 4736 weight bytes.
    d.in_height = d.in_width = 4;
    d.tile_rows = 2;
    program(d);
    run_layer();
    EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kBufferOverflow));
    EXPECT_EQ(reg(kErrorAddr), 4736u);

    // Only the output: one input channel of 32 x 32 (2 x 34 x 32 = 2176 bytes) and
    // 2 x (16 x 9 + 64) = 416 weight bytes fit; the 98304 output bytes do not.
    d.in_channels = d.tile_in_channels = 1;
    d.in_height = d.in_width = 32;
    d.tile_rows = 32;
    program(d);
    run_layer();
    EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kBufferOverflow));
    EXPECT_EQ(reg(kErrorAddr), 98304u);

    EXPECT_EQ(b.accelerator.dma.stats().requests, requests);
    EXPECT_EQ(b.dram.transactions(), dram_transactions);
    clear_interrupts();
  });
}

TEST(Accelerator, DmaBusErrorIsReportedWithItsAddress) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    c.place();
    LayerDescriptor d = c.descriptor(2, 2, 2);
    d.in_addr = 0x0800'0000;  // past the 1 MiB DRAM: the bus has nothing there
    program(d);
    set_reg(kIrqEnable, kIrqError);
    set_reg(kCtrl, kCtrlStart);
    sc_core::wait(cycles(1'000'000), b.irq.posedge_event());
    EXPECT_TRUE(b.irq.read());
    EXPECT_EQ(reg(kStatus), kStatusError);
    EXPECT_EQ(reg(kErrorCode), static_cast<std::uint32_t>(ErrorCode::kDmaBusError));
    // The first transfer of the first tile is its activations, from in_addr itself
    // (the top halo row is padding, not read).
    EXPECT_EQ(reg(kErrorAddr), 0x0800'0000u);
    clear_interrupts();

    // The fault does not outlive its layer.
    program(c.descriptor(2, 2, 2));
    run_layer();
    EXPECT_EQ(reg(kStatus), kStatusDone);
    EXPECT_EQ(c.result(), c.reference());
    clear_interrupts();
  });
}

TEST(Accelerator, DescriptorIsLatchedAtStart) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    c.place();
    program(c.descriptor(1, 2, 1));
    set_reg(kCtrl, kCtrlStart);
    ASSERT_EQ(reg(kStatus), kStatusBusy);
    // Firmware programs the next layer while this one runs; the running layer must
    // not see it. A kernel of 5 would fail it at once.
    LayerDescriptor next = c.descriptor(2, 2, 2);
    next.kernel = 5;
    next.out_addr = 0x5000;
    program(next);
    ASSERT_TRUE(wait_for_layer());
    EXPECT_EQ(reg(kStatus), kStatusDone);
    EXPECT_EQ(c.result(), c.reference());
    EXPECT_EQ(reg(kKernel), 5u);  // the registers keep what was written
    clear_interrupts();
  });
}

TEST(Accelerator, StartWhileBusyIsACommandError) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    c.place();
    program(c.descriptor(1, 2, 1));
    const std::size_t layers = b.accelerator.layer_stats().size();
    set_reg(kCtrl, kCtrlStart);
    EXPECT_EQ(reg(kStatus), kStatusBusy);
    EXPECT_EQ(b.cpu.write32(kCtrl, kCtrlStart), tlm::TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(reg(kStatus), kStatusBusy);
    ASSERT_TRUE(wait_for_layer());
    EXPECT_EQ(reg(kStatus), kStatusDone);
    EXPECT_EQ(c.result(), c.reference());
    EXPECT_EQ(b.accelerator.layer_stats().size(), layers + 1);
    clear_interrupts();
  });
}

TEST(Accelerator, StartWhileBusyIsACommandErrorForADecoupledInitiator) {
  auto& b = bench();
  b.stimulus.run([&] {
    clear_interrupts();
    const ConvCase c;
    c.place();
    program(c.descriptor(1, 2, 1));
    const std::size_t layers = b.accelerator.layer_stats().size();
    // Back to back within one quantum, as the CPU's quantum keeper issues them: the
    // second START arrives before any simulated time has passed.
    sc_core::sc_time local = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(b.cpu.write32(kCtrl, kCtrlStart, &local), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.cpu.write32(kCtrl, kCtrlStart, &local), tlm::TLM_COMMAND_ERROR_RESPONSE);
    sc_core::wait(local);
    ASSERT_TRUE(wait_for_layer());
    EXPECT_EQ(c.result(), c.reference());
    EXPECT_EQ(b.accelerator.layer_stats().size(), layers + 1);
    clear_interrupts();
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::AcceleratorBench> elaboration;
  return RUN_ALL_TESTS();
}
