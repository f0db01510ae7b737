#pragma once
// A whole quantised network run layer by layer with the integer operations: the
// golden functional model the SystemC platform is built around and checked against.
#include <cstdint>
#include <vector>

#include "model/func/int8_ops.h"
#include "model/io/model_file.h"

namespace qacc::func {

// The host's input quantisation: x = (p - input_offset) / 2^input_shift, then
// q = clamp(round_half_even(x / 2^input_exp) + input_zero_point, 0, 255), done as one
// integer shift. `pixels` holds input_channels*height*width CHW bytes.
std::vector<std::uint8_t> quantize_input(const QuantModel& model, const std::uint8_t* pixels);

// One layer: conv or dense, requantisation, ReLU, optional 2x2 max-pool. Adds what
// the requantisation clamped to *saturation when given.
std::vector<std::uint8_t> run_layer(const QuantLayer& layer, const std::vector<std::uint8_t>& input,
                                    Saturation* saturation = nullptr);

// Every layer's result, in order; the last one holds the quantised logits. Adds each
// layer's clamps to (*saturation)[layer] when given (resized to the layers).
std::vector<std::vector<std::uint8_t>> run_network(const QuantModel& model, const std::uint8_t* pixels,
                                                   std::vector<Saturation>* saturation = nullptr);

// Logits as real numbers: (q - zero_point) * 2^exp of the last layer.
std::vector<float> dequantize_logits(const QuantModel& model, const std::vector<std::uint8_t>& last);

}  // namespace qacc::func
