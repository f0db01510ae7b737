// Conv+BN+ReLU fusion: the fused network equals the eval-mode network and keeps the
// seed's ReLUs and pools, through to the exported model.
#include <gtest/gtest.h>

#include <cmath>
#include <iterator>

#include "tests/torch_helpers.h"

namespace qacc {
namespace {

TEST(Fusion, FusedLogitsEqualEvalModeLogitsWithin1e4) {
  torch::manual_seed(5);
  VggLite model;
  {
    // Non-trivial BN statistics and affine parameters, so folding has work to do.
    torch::NoGradGuard no_grad;
    for (auto& bn : model->bn) {
      bn->running_mean.uniform_(-0.5, 0.5);
      bn->running_var.uniform_(0.5, 2.0);
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.uniform_(-0.2, 0.2);
    }
  }
  model->eval();
  const auto images = testing_support::test_images(32);
  torch::NoGradGuard no_grad;
  const auto unfused = model->forward(normalize_pixels(images.pixels).contiguous());
  const FusedVggLite fused(model);
  const auto folded = fused.forward(images.pixels);
  const float max_diff = (unfused - folded).abs().max().item<float>();
  EXPECT_LT(max_diff, 1e-4f) << "largest logit difference " << max_diff;
  EXPECT_GT(unfused.abs().max().item<float>(), 1e-2f);  // the logits are not all ~0
}

// VGG-lite written out again from the seed (../shared/seed/SPEC.en.md, section 1),
// not taken from vgglite::kLayers, which the fusion itself reads: a wrong flag there
// would otherwise be compared with itself.
struct ExpectedLayer {
  const char* name;
  bool conv;
  int out_channels;
  bool relu, pool;
};
constexpr ExpectedLayer kSeedLayers[] = {
    {"conv1", true, 64, true, true},  // pools after conv1, conv2 and conv5
    {"conv2", true, 192, true, true},
    {"conv3", true, 384, true, false},
    {"conv4", true, 256, true, false},
    {"conv5", true, 256, true, true},
    {"fc6", false, 256, true, false},
    {"fc7", false, 128, true, false},
    {"fc8", false, 10, false, false},  // the logits: no ReLU
};

TEST(Fusion, FusedLayersCarryReluAndPoolFlags) {
  VggLite model;
  const FusedVggLite fused(model);
  ASSERT_EQ(fused.layers().size(), std::size(kSeedLayers));
  for (std::size_t i = 0; i < fused.layers().size(); ++i) {
    const FusedLayer& f = fused.layers()[i];
    const ExpectedLayer& e = kSeedLayers[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(f.name, e.name);
    EXPECT_EQ(f.conv, e.conv);
    EXPECT_EQ(f.weight.size(0), e.out_channels);
    EXPECT_EQ(f.relu, e.relu);
    EXPECT_EQ(f.pool, e.pool);
    EXPECT_TRUE(f.bias.defined());
  }

  // The flags must also survive into the exported model file. The calibration's
  // values do not matter to them: any valid power-of-two parameters will do.
  CalibrationResult calibration;
  calibration.input = {std::ldexp(1.0f, -5), -5, 128};
  for (std::size_t i = 0; i < fused.layers().size(); ++i) {
    calibration.weights.push_back({std::ldexp(1.0f, -7), -7, 0});
    calibration.outputs.push_back({std::ldexp(1.0f, -4), -4, 128});
  }
  const auto bytes = encode_model(make_quant_model(fused, calibration));
  const QuantModel exported = decode_model(bytes.data(), bytes.size(), "exported VGG-lite");
  ASSERT_EQ(exported.layers.size(), std::size(kSeedLayers));
  for (std::size_t i = 0; i < exported.layers.size(); ++i) {
    const QuantLayer& l = exported.layers[i];
    const ExpectedLayer& e = kSeedLayers[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(l.name, e.name);
    EXPECT_EQ(l.type, e.conv ? LayerType::kConv2d : LayerType::kDense);
    EXPECT_EQ(l.relu(), e.relu);
    EXPECT_EQ(l.pool(), e.pool);
  }
}

TEST(Fusion, TrainedModelFusesWithin1e4) {
  VggLite& model = testing_support::briefly_trained_model();
  model->eval();
  const auto images = testing_support::test_images(64);
  torch::NoGradGuard no_grad;
  const auto unfused = model->forward(normalize_pixels(images.pixels).contiguous());
  const auto folded = FusedVggLite(model).forward(images.pixels);
  EXPECT_LT((unfused - folded).abs().max().item<float>(), 1e-4f);
}

}  // namespace
}  // namespace qacc
