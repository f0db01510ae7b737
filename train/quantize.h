#pragma once
// Fusion (Conv+BN+ReLU -> one conv with a ReLU flag), power-of-two calibration, and
// the LibTorch int8 model built from the exported model file.
#include <torch/torch.h>

#include <vector>

#include "model/io/model_file.h"
#include "train/data.h"
#include "train/net.h"
#include "train/observer.h"

namespace qacc {

struct FusedLayer {
  std::string name;
  bool conv = true;  // false: dense
  torch::Tensor weight, bias;
  bool relu = false, pool = false;
};

// The float network after folding each BN into its conv (eval-mode statistics).
class FusedVggLite {
 public:
  explicit FusedVggLite(VggLite& model);
  // Input: raw CHW bytes [N,3,32,32]. Returns every layer's activation after ReLU
  // and before pooling, which is what the calibration observes.
  std::vector<torch::Tensor> forward_layers(const torch::Tensor& pixels_u8) const;
  torch::Tensor forward(const torch::Tensor& pixels_u8) const;
  const std::vector<FusedLayer>& layers() const { return layers_; }

 private:
  std::vector<FusedLayer> layers_;
};

struct CalibrationResult {
  PowerOfTwoQParams input;
  std::vector<PowerOfTwoQParams> weights, outputs;
  std::vector<float> output_min, output_max;  // observed ranges, for the report
};

// Runs the fused float model over `images` (in batches) and records the range of the
// input and of every layer's output; weights are observed per tensor (qint8).
CalibrationResult calibrate(const FusedVggLite& fused, const TensorSet& images, int64_t batch_size = 256);

// Quantises weights (qint8, zero point 0) and biases (int32 at scale
// 2^(input_exp + weight_exp), ties to even, as LibTorch quantises them) into the
// model file's form.
QuantModel make_quant_model(const FusedVggLite& fused, const CalibrationResult& calibration);

// The network run by LibTorch's int8 engine (QNNPACK), built from a model file:
// quint8 activations with zero point 128, qint8 per-tensor weights, prepacked
// quantized::conv2d(_relu) / quantized::linear(_relu).
class QuantizedVggLite {
 public:
  explicit QuantizedVggLite(const QuantModel& model);
  // Input: raw CHW bytes [N,3,32,32]. Returns the quantised input followed by every
  // layer's result (after pooling), all quint8.
  std::vector<torch::Tensor> forward_layers(const torch::Tensor& pixels_u8) const;
  // Dequantised logits [N,10].
  torch::Tensor forward(const torch::Tensor& pixels_u8) const;
  const QuantModel& model() const { return model_; }

 private:
  QuantModel model_;
  std::vector<c10::IValue> packed_;
};

// Selects QNNPACK, the engine whose arithmetic docs/quantization.md documents;
// throws if this LibTorch lacks it.
void use_qnnpack();

}  // namespace qacc
