#include "train/quantize.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <cmath>

#include "base/error.h"

namespace qacc {
namespace {

c10::IValue call_op(const char* name, const char* overload, std::vector<c10::IValue> stack) {
  const auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload);
  op.callBoxed(stack);
  return stack.at(0);
}

std::pair<float, float> min_max(const torch::Tensor& t) {
  const auto [lo, hi] = torch::aminmax(t);
  return {lo.item<float>(), hi.item<float>()};
}

}  // namespace

void use_qnnpack() {
  const auto& engines = at::globalContext().supportedQEngines();
  if (std::find(engines.begin(), engines.end(), at::QEngine::QNNPACK) == engines.end())
    fail("this LibTorch build has no QNNPACK quantized engine");
  at::globalContext().setQEngine(at::QEngine::QNNPACK);
}

FusedVggLite::FusedVggLite(VggLite& model) {
  torch::NoGradGuard no_grad;
  model->eval();
  std::size_t ci = 0, fi = 0;
  for (const auto& spec : vgglite::kLayers) {
    FusedLayer f;
    f.name = std::string(spec.name);
    f.relu = spec.relu;
    f.pool = spec.pool;
    if (spec.kind == vgglite::LayerKind::kConv) {
      // BN(conv(x)) = gamma * (w*x + b - mean) / sqrt(var + eps) + beta, folded in double.
      const auto& conv = model->conv[ci];
      const auto& bn = model->bn[ci];
      ++ci;
      const auto scale =
          bn->weight.to(torch::kFloat64) / torch::sqrt(bn->running_var.to(torch::kFloat64) + bn->options.eps());
      f.weight = (conv->weight.to(torch::kFloat64) * scale.view({-1, 1, 1, 1})).to(torch::kFloat32).contiguous();
      const auto conv_bias = conv->bias.defined() ? conv->bias.to(torch::kFloat64)
                                                  : torch::zeros_like(scale);
      f.bias = ((conv_bias - bn->running_mean.to(torch::kFloat64)) * scale + bn->bias.to(torch::kFloat64))
                   .to(torch::kFloat32)
                   .contiguous();
    } else {
      f.conv = false;
      f.weight = model->fc[fi]->weight.detach().clone().contiguous();
      f.bias = model->fc[fi]->bias.detach().clone().contiguous();
      ++fi;
    }
    layers_.push_back(std::move(f));
  }
}

std::vector<torch::Tensor> FusedVggLite::forward_layers(const torch::Tensor& pixels_u8) const {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outs;
  auto x = normalize_pixels(pixels_u8).contiguous();
  for (const auto& l : layers_) {
    if (l.conv) {
      x = torch::conv2d(x, l.weight, l.bias, /*stride=*/1, /*padding=*/vgglite::kPadding);
    } else {
      if (x.dim() > 2) x = x.flatten(1);
      x = torch::linear(x, l.weight, l.bias);
    }
    if (l.relu) x = torch::relu(x);
    outs.push_back(x);
    if (l.pool) x = torch::max_pool2d(x, 2, 2);
  }
  return outs;
}

torch::Tensor FusedVggLite::forward(const torch::Tensor& pixels_u8) const { return forward_layers(pixels_u8).back(); }

CalibrationResult calibrate(const FusedVggLite& fused, const TensorSet& images, int64_t batch_size) {
  PowerOfTwoObserver input(QuantDtype::kQUInt8);
  std::vector<PowerOfTwoObserver> outputs(fused.layers().size(), PowerOfTwoObserver(QuantDtype::kQUInt8));
  for (int64_t b = 0; b < images.size(); b += batch_size) {
    const auto pixels = images.pixels.slice(0, b, std::min(images.size(), b + batch_size));
    const auto [lo, hi] = min_max(normalize_pixels(pixels));
    input.observe(lo, hi);
    const auto acts = fused.forward_layers(pixels);
    for (std::size_t i = 0; i < acts.size(); ++i) {
      const auto [alo, ahi] = min_max(acts[i]);
      outputs[i].observe(alo, ahi);
    }
  }
  CalibrationResult r;
  r.input = input.qparams();
  for (std::size_t i = 0; i < fused.layers().size(); ++i) {
    PowerOfTwoObserver w(QuantDtype::kQInt8);
    const auto [wlo, whi] = min_max(fused.layers()[i].weight);
    w.observe(wlo, whi);
    r.weights.push_back(w.qparams());
    r.outputs.push_back(outputs[i].qparams());
    r.output_min.push_back(outputs[i].min_val());
    r.output_max.push_back(outputs[i].max_val());
  }
  return r;
}

QuantModel make_quant_model(const FusedVggLite& fused, const CalibrationResult& cal) {
  QuantModel m;
  m.input_channels = vgglite::kInputChannels;
  m.input_height = m.input_width = vgglite::kInputSide;
  m.input_offset = vgglite::kInputOffset;
  m.input_shift = vgglite::kInputShift;
  m.input_exp = cal.input.exponent;
  m.input_zero_point = cal.input.zero_point;
  m.num_classes = vgglite::kClasses;
  int in_exp = m.input_exp, in_zp = m.input_zero_point;
  int c = m.input_channels, h = m.input_height, w = m.input_width;
  for (std::size_t i = 0; i < fused.layers().size(); ++i) {
    const auto& f = fused.layers()[i];
    QuantLayer l;
    l.name = f.name;
    l.type = f.conv ? LayerType::kConv2d : LayerType::kDense;
    l.flags = (f.relu ? kLayerRelu : 0u) | (f.pool ? kLayerMaxPool : 0u);
    l.out_channels = static_cast<int>(f.weight.size(0));
    if (f.conv) {
      l.in_channels = c;
      l.in_height = l.out_height = h;
      l.in_width = l.out_width = w;
      l.kernel = vgglite::kKernel;
      l.padding = vgglite::kPadding;
    } else {
      l.in_channels = c * h * w;
    }
    l.input_exp = in_exp;
    l.input_zero_point = in_zp;
    l.weight_exp = cal.weights[i].exponent;
    l.output_exp = cal.outputs[i].exponent;
    l.output_zero_point = cal.outputs[i].zero_point;

    const auto qw = torch::quantize_per_tensor(f.weight, std::ldexp(1.0, l.weight_exp), 0, torch::kQInt8);
    const auto wi = qw.int_repr().contiguous();
    l.weights.assign(wi.data_ptr<int8_t>(), wi.data_ptr<int8_t>() + wi.numel());
    const auto qb = torch::quantize_per_tensor(f.bias, std::ldexp(1.0, l.input_exp + l.weight_exp), 0, torch::kQInt32);
    const auto bi = qb.int_repr().contiguous();
    l.bias.assign(bi.data_ptr<int32_t>(), bi.data_ptr<int32_t>() + bi.numel());

    in_exp = l.output_exp;
    in_zp = l.output_zero_point;
    c = l.out_channels;
    h = l.result_height();
    w = l.result_width();
    m.layers.push_back(std::move(l));
  }
  validate_model(m, "quantised VGG-lite");
  return m;
}

QuantizedVggLite::QuantizedVggLite(const QuantModel& model) : model_(model) {
  use_qnnpack();
  for (const auto& l : model_.layers) {
    // Weights back to qint8 and the int32 bias back to float at scale 2^(in+w): both
    // exact, so LibTorch re-quantises the bias to the very integers in the file.
    auto wi = torch::from_blob(const_cast<int8_t*>(l.weights.data()), {static_cast<int64_t>(l.weights.size())},
                               torch::kInt8)
                  .clone();
    wi = l.type == LayerType::kConv2d ? wi.view({l.out_channels, l.in_channels, l.kernel, l.kernel})
                                      : wi.view({l.out_channels, l.in_channels});
    const auto qw = at::_make_per_tensor_quantized_tensor(wi, std::ldexp(1.0, l.weight_exp), 0);
    auto bias = torch::empty({l.out_channels}, torch::kFloat32);
    for (int o = 0; o < l.out_channels; ++o) {
      const int32_t b = l.bias[static_cast<std::size_t>(o)];
      if (std::abs(static_cast<int64_t>(b)) >= (int64_t{1} << 24))
        fail("layer {}: bias {} does not fit a float exactly", l.name, b);
      bias[o] = std::ldexp(static_cast<float>(b), l.input_exp + l.weight_exp);
    }
    if (l.type == LayerType::kConv2d) {
      packed_.push_back(call_op("quantized::conv2d_prepack", "",
                                {qw, bias, c10::List<int64_t>({l.stride, l.stride}),
                                 c10::List<int64_t>({l.padding, l.padding}), c10::List<int64_t>({1, 1}),
                                 int64_t{1}}));
    } else {
      packed_.push_back(call_op("quantized::linear_prepack", "", {qw, bias}));
    }
  }
}

std::vector<torch::Tensor> QuantizedVggLite::forward_layers(const torch::Tensor& pixels_u8) const {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outs;
  auto x = torch::quantize_per_tensor(normalize_pixels(pixels_u8).contiguous(), std::ldexp(1.0, model_.input_exp),
                                      model_.input_zero_point, torch::kQUInt8);
  outs.push_back(x);
  for (std::size_t i = 0; i < model_.layers.size(); ++i) {
    const auto& l = model_.layers[i];
    const double scale = std::ldexp(1.0, l.output_exp);
    const int64_t zp = l.output_zero_point;
    if (l.type == LayerType::kConv2d) {
      x = call_op(l.relu() ? "quantized::conv2d_relu" : "quantized::conv2d", "new", {x, packed_[i], scale, zp})
              .toTensor();
    } else {
      if (x.dim() > 2) x = x.reshape({x.size(0), -1});
      x = call_op(l.relu() ? "quantized::linear_relu" : "quantized::linear", "", {x, packed_[i], scale, zp}).toTensor();
    }
    if (l.pool()) x = torch::max_pool2d(x, /*kernel_size=*/{2, 2}, /*stride=*/{2, 2}, /*padding=*/{0, 0}, /*dilation=*/{1, 1});
    outs.push_back(x);
  }
  return outs;
}

torch::Tensor QuantizedVggLite::forward(const torch::Tensor& pixels_u8) const {
  return forward_layers(pixels_u8).back().dequantize();
}

}  // namespace qacc
