#include "train/data.h"

namespace qacc {

TensorSet to_tensors(const CifarSet& set) {
  const auto n = static_cast<int64_t>(set.size());
  auto pixels = torch::empty({n, kCifarChannels, kCifarSide, kCifarSide}, torch::kUInt8);
  std::memcpy(pixels.data_ptr<uint8_t>(), set.pixels.data(), set.pixels.size());
  auto labels = torch::empty({n}, torch::kInt64);
  auto* l = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) l[i] = set.labels[static_cast<std::size_t>(i)];
  return {pixels, labels};
}

TensorSet slice(const TensorSet& set, int64_t begin, int64_t end) {
  return {set.pixels.slice(0, begin, end), set.labels.slice(0, begin, end)};
}

Augmenter::Augmenter(const torch::Tensor& pixels_u8)
    : padded_(torch::constant_pad_nd(pixels_u8, {kPad, kPad, kPad, kPad}, 128)) {}

torch::Tensor Augmenter::batch(const torch::Tensor& indices) const {
  const int64_t b = indices.size(0);
  const auto offsets = torch::randint(0, 2 * kPad + 1, {b, 2}, torch::kInt64);
  const auto flips = torch::rand({b}) < 0.5;
  auto out = torch::empty({b, kCifarChannels, kCifarSide, kCifarSide}, torch::kUInt8);
  const auto* idx = indices.data_ptr<int64_t>();
  const auto* off = offsets.data_ptr<int64_t>();
  for (int64_t i = 0; i < b; ++i) {
    auto crop = padded_[idx[i]].narrow(1, off[2 * i], kCifarSide).narrow(2, off[2 * i + 1], kCifarSide);
    out[i].copy_(flips[i].item<bool>() ? crop.flip({2}) : crop);
  }
  return out;
}

}  // namespace qacc
