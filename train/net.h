#pragma once
// The float VGG-lite in LibTorch, built from the one layer table in train/vgglite.h.
#include <torch/torch.h>

#include <vector>

#include "train/vgglite.h"

namespace qacc {

class VggLiteImpl : public torch::nn::Module {
 public:
  VggLiteImpl();
  torch::Tensor forward(torch::Tensor x);

  // Stores conv weights NHWC, which sends LibTorch's CPU convolutions to oneDNN:
  // measured 1.8x faster per conv step than NCHW on this machine.
  void use_channels_last();

  // conv[i] and bn[i] are registered as "conv{i+1}" / "bn{i+1}"; fc[j] as "fc{6+j}".
  std::vector<torch::nn::Conv2d> conv;
  std::vector<torch::nn::BatchNorm2d> bn;
  std::vector<torch::nn::Linear> fc;
};
TORCH_MODULE(VggLite);

// Raw CHW bytes [N,3,32,32] (uint8) -> normalised float input, (p - 128) / 64, laid
// out channels-last to match use_channels_last().
torch::Tensor normalize_pixels(const torch::Tensor& pixels_u8);

}  // namespace qacc
