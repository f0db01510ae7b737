// The host's mapper: its estimate of a layer counted by hand, its candidates all
// accepted by the accelerator, and pins checked against the model.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "contract/registers.h"
#include "model/timing/cost_model.h"
#include "tools/mapper.h"

namespace qacc {
namespace {

// fc8 of VGG-lite: 128 inputs, 10 outputs, no ReLU, as one step.
LayerDescriptor fc8() {
  LayerDescriptor d;
  d.type = static_cast<std::uint32_t>(LayerType::kDense);
  d.in_channels = 128;
  d.in_height = 1;
  d.in_width = 1;
  d.out_channels = 10;
  d.kernel = 1;
  d.tile_out_channels = 10;
  d.tile_rows = 1;
  d.tile_in_channels = 128;
  return d;
}

TEST(Mapper, EstimatesAOneStepLayerByHand) {
  // 16x16 OS, one burst in flight, the simple DRAM (latency 40, 16 B/cycle, setup 4):
  // a one-step layer runs serially. Inputs, 128 bytes in one burst: 4 + 40 + 8 = 52;
  // weights, 10 whole rows = 1,280 bytes in 5 bursts of 60: 300; the bias, 40 bytes:
  // 4 + 40 + 3 = 47; the pass, 1 x 1 fold of K + R + C - 2 + R = 128 + 30 + 16 = 174;
  // the PPU, 10 outputs on 16 lanes: 1 + 4 = 5; the store, 10 bytes: 4 + 40 + 1 = 45.
  // 52 + 300 + 47 + 174 + 5 + 45 = 623, what sim_top measures for fc8 on this design.
  ArchConfig c;
  c.dataflow = Dataflow::kOutputStationary;
  c.dma_max_outstanding = 1;
  const LayerEstimate e = estimate_layer(c, fc8());
  EXPECT_EQ(e.cycles, 623u);
  EXPECT_EQ(e.steps, 1u);
  // The floor: with one burst in flight the bursts' place-time, 52 + 300 + 47 + 45 =
  // 444 (the pass and PPU, 179, overlap nothing here but count less).
  EXPECT_EQ(e.floor, 444u);
  // Energy: 1,280 MACs, DRAM bytes 128 + 1,280 + 40 + 10, buffer bytes of the pass,
  // the DMA and the PPU, at the default proxies.
  EXPECT_GT(e.energy_pj, 0.3 * 1280 + 160.0 * (128 + 1280 + 40 + 10));
}

TEST(Mapper, EstimatesReuseByHand) {
  // The same layer as two tiles of 5 output channels with REUSE: the inputs load once.
  // Inputs 52, weights (5 rows = 640 bytes: 60 + 60 + 52) 172, bias (20 bytes: 4 + 40
  // + 2) 46; the first window: the pass and PPU, 174 + 5, against the second tile's
  // weights and bias, 218; then the second pass and PPU, 179, and its store alone, 45.
  // 270 + 218 + 179 + 45 = 712, what sim_top measures with mapping.fc8=5/1/128.
  ArchConfig c;
  c.dataflow = Dataflow::kOutputStationary;
  c.dma_max_outstanding = 1;
  LayerDescriptor d = fc8();
  d.tile_out_channels = 5;
  d.flags = regs::kFlagReuse;
  const LayerEstimate e = estimate_layer(c, d);
  EXPECT_EQ(e.cycles, 712u);
  EXPECT_EQ(e.steps, 2u);
  // Floor: the bursts' place-time, 52 + 2 x (172 + 46) + 2 x 45 = 578 <= 712.
  EXPECT_EQ(e.floor, 578u);
  // Without REUSE the second step loads the inputs again: more DRAM bytes, more energy.
  d.flags = 0;
  EXPECT_GT(estimate_layer(c, d).energy_pj, e.energy_pj);
}

TEST(Mapper, MoreBurstsInFlightNeverEstimateSlower) {
  ArchConfig one;
  one.dma_max_outstanding = 1;
  ArchConfig eight;
  LayerDescriptor d = fc8();
  d.tile_out_channels = 5;
  d.tile_in_channels = 32;
  EXPECT_LE(estimate_layer(eight, d).cycles, estimate_layer(one, d).cycles);
}

TEST(Mapper, EveryCandidateIsAccepted) {
  ArchConfig c;
  LayerDescriptor conv;
  conv.type = static_cast<std::uint32_t>(LayerType::kConv2d);
  conv.flags = regs::kFlagRelu | regs::kFlagMaxPool;
  conv.in_channels = 64;
  conv.in_height = 16;
  conv.in_width = 16;
  conv.out_channels = 192;
  conv.kernel = 3;
  const auto candidates = candidate_tiles(c, conv);
  ASSERT_FALSE(candidates.empty());
  for (const TileChoice& t : candidates) {
    LayerDescriptor d = conv;
    d.tile_out_channels = t.out_channels;
    d.tile_rows = t.rows;
    d.tile_in_channels = t.in_channels;
    if (t.bias_apart) d.flags |= regs::kFlagBiasApart;
    EXPECT_EQ(descriptor_problem(d), "");
    EXPECT_TRUE(fits(buffer_needs(d), {c.input_buffer_bytes, c.weight_buffer_bytes, c.output_buffer_bytes}));
    EXPECT_EQ(t.rows % 2, 0u);  // pooled: whole row pairs
  }
  // Not only halvings: 48 output channels (4 tiles of 192) and 3 x 16 columns.
  EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(), [](const TileChoice& t) { return t.out_channels == 48; }));
  // fc6 as 16 whole rows of 4,096 weights: 65,536 bytes, a whole weight half, so only
  // with the bias in the output buffer (16/1/4096 misses by its 64 bytes otherwise).
  LayerDescriptor fc6 = fc8();
  fc6.in_channels = 4096;
  fc6.out_channels = 256;
  const auto fc6_tiles = candidate_tiles(c, fc6);
  EXPECT_TRUE(std::find(fc6_tiles.begin(), fc6_tiles.end(), TileChoice{16, 1, 4096, false, true}) != fc6_tiles.end());
  for (const TileChoice& t : fc6_tiles) {
    if (!t.bias_apart) continue;
    LayerDescriptor d = fc6;
    d.tile_out_channels = t.out_channels;
    d.tile_rows = t.rows;
    d.tile_in_channels = t.in_channels;
    EXPECT_FALSE(fits(buffer_needs(d), {c.input_buffer_bytes, c.weight_buffer_bytes, c.output_buffer_bytes}))
        << "the bias moves only where it must: " << to_string(t);
  }
  // Both walks where a step can share a block with the next: one chunk per tile.
  EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(), [](const TileChoice& t) { return t.rows_outer; }));
  for (const TileChoice& t : candidates)
    if (t.rows_outer) {
      EXPECT_TRUE(t.in_channels == 64 && t.out_channels < 192 && t.rows < 16);
    }
}

}  // namespace
}  // namespace qacc
