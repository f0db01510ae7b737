#pragma once
// VGG-lite as the seed report specifies it (../shared/seed/SPEC.en.md, section 1):
// five 3x3/pad-1 conv blocks (conv, BN, ReLU) with 2x2 max-pools after conv1, conv2
// and conv5, then fc6 4096-256 ReLU, fc7 256-128 ReLU, fc8 128-10. Declared once here
// for the trainer, the exporter and the tests.
#include <array>
#include <string_view>

namespace qacc::vgglite {

enum class LayerKind { kConv, kFc };

struct LayerSpec {
  std::string_view name;
  LayerKind kind;
  int in_channels;   // for fc: input features
  int out_channels;  // for fc: output features
  bool relu;
  bool pool;  // 2x2 max-pool, stride 2, after the activation
};

inline constexpr int kInputChannels = 3;
inline constexpr int kInputSide = 32;
inline constexpr int kKernel = 3;
inline constexpr int kPadding = 1;
inline constexpr int kClasses = 10;

inline constexpr std::array<LayerSpec, 8> kLayers = {{
    {"conv1", LayerKind::kConv, 3, 64, true, true},
    {"conv2", LayerKind::kConv, 64, 192, true, true},
    {"conv3", LayerKind::kConv, 192, 384, true, false},
    {"conv4", LayerKind::kConv, 384, 256, true, false},
    {"conv5", LayerKind::kConv, 256, 256, true, true},
    {"fc6", LayerKind::kFc, 256 * 4 * 4, 256, true, false},
    {"fc7", LayerKind::kFc, 256, 128, true, false},
    {"fc8", LayerKind::kFc, 128, kClasses, false, false},
}};
inline constexpr int kConvLayers = 5;

// The input is normalised as (pixel - 128) / 64 on every channel. Power-of-two
// constants keep the host's input quantisation an integer shift; the BN after conv1
// absorbs the difference from per-channel mean/std normalisation.
inline constexpr int kInputOffset = 128;
inline constexpr int kInputShift = 6;

}  // namespace qacc::vgglite
