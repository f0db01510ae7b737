#include "train/net.h"

namespace qacc {

VggLiteImpl::VggLiteImpl() {
  for (const auto& spec : vgglite::kLayers) {
    const std::string name(spec.name);
    if (spec.kind == vgglite::LayerKind::kConv) {
      // The seed keeps nn.Conv2d's default bias even though BN follows; so do we.
      conv.push_back(register_module(
          name, torch::nn::Conv2d(torch::nn::Conv2dOptions(spec.in_channels, spec.out_channels, vgglite::kKernel)
                                      .padding(vgglite::kPadding))));
      bn.push_back(register_module("bn" + name.substr(4), torch::nn::BatchNorm2d(spec.out_channels)));
    } else {
      fc.push_back(register_module(name, torch::nn::Linear(spec.in_channels, spec.out_channels)));
    }
  }
}

torch::Tensor VggLiteImpl::forward(torch::Tensor x) {
  std::size_t ci = 0, fi = 0;
  for (const auto& spec : vgglite::kLayers) {
    if (spec.kind == vgglite::LayerKind::kConv) {
      x = bn[ci]->forward(conv[ci]->forward(x));
      ++ci;
    } else {
      if (x.dim() > 2) x = x.flatten(1);
      x = fc[fi++]->forward(x);
    }
    if (spec.relu) x = torch::relu(x);
    if (spec.pool) x = torch::max_pool2d(x, 2, 2);
  }
  return x;
}

void VggLiteImpl::use_channels_last() {
  torch::NoGradGuard no_grad;
  for (auto& c : conv) c->weight.set_data(c->weight.contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor normalize_pixels(const torch::Tensor& pixels_u8) {
  return ((pixels_u8.to(torch::kFloat32) - static_cast<double>(vgglite::kInputOffset)) /
          static_cast<double>(1 << vgglite::kInputShift))
      .contiguous(torch::MemoryFormat::ChannelsLast);
}

}  // namespace qacc
