#pragma once
// CIFAR-10 as LibTorch tensors, and the training-time augmentation.
#include <torch/torch.h>

#include "model/io/cifar.h"

namespace qacc {

struct TensorSet {
  torch::Tensor pixels;  // uint8 [N,3,32,32], raw CHW bytes
  torch::Tensor labels;  // int64 [N]
  int64_t size() const { return labels.size(0); }
};

TensorSet to_tensors(const CifarSet& set);
TensorSet slice(const TensorSet& set, int64_t begin, int64_t end);

// Random 32x32 crops from the image padded by 4 pixels (padding = pixel 128, i.e. 0
// after normalisation) and random horizontal flips, drawn from the global torch RNG.
class Augmenter {
 public:
  explicit Augmenter(const torch::Tensor& pixels_u8);
  torch::Tensor batch(const torch::Tensor& indices) const;

 private:
  static constexpr int64_t kPad = 4;
  torch::Tensor padded_;
};

}  // namespace qacc
