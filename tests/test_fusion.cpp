// Conv+BN+ReLU fusion: the fused network equals the eval-mode network.
#include <gtest/gtest.h>

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

TEST(Fusion, FusedLayersCarryReluAndPoolFlags) {
  VggLite model;
  const FusedVggLite fused(model);
  ASSERT_EQ(fused.layers().size(), vgglite::kLayers.size());
  for (std::size_t i = 0; i < fused.layers().size(); ++i) {
    EXPECT_EQ(fused.layers()[i].relu, vgglite::kLayers[i].relu);
    EXPECT_EQ(fused.layers()[i].pool, vgglite::kLayers[i].pool);
    EXPECT_TRUE(fused.layers()[i].bias.defined());
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
