#pragma once
// The quantised model file (".qacm"): what the exporter writes and what the firmware
// and the SystemC platform read, without LibTorch. The byte layout is specified in
// docs/model-format.md; encode_model/decode_model are its only implementation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qacc {

inline constexpr std::array<char, 4> kModelMagic = {'Q', 'A', 'C', 'M'};
inline constexpr std::uint16_t kModelVersionMajor = 1;
inline constexpr std::uint16_t kModelVersionMinor = 0;
inline constexpr std::size_t kModelHeaderBytes = 64;
inline constexpr std::size_t kModelLayerBytes = 128;
inline constexpr std::size_t kModelNameBytes = 16;
inline constexpr std::size_t kModelDataAlignment = 64;
// Limits checked before anything is allocated from a length read in a file.
inline constexpr std::size_t kModelMaxBytes = 256u << 20;
inline constexpr std::uint32_t kModelMaxLayers = 64;
inline constexpr std::uint32_t kModelMaxChannels = 65536;
inline constexpr std::uint32_t kModelMaxSide = 1024;
inline constexpr int kModelMaxExponent = 8;  // the seed's max_shift_amount
inline constexpr int kModelMaxShift = 31;

enum class LayerType : std::uint32_t { kConv2d = 1, kDense = 2 };
inline constexpr std::uint32_t kLayerRelu = 1u << 0;     // clamp at the output zero point
inline constexpr std::uint32_t kLayerMaxPool = 1u << 1;  // 2x2 max-pool, stride 2, after the activation
inline constexpr std::uint32_t kLayerKnownFlags = kLayerRelu | kLayerMaxPool;

// One layer: an int8 conv or dense layer with a power-of-two requantisation. Every
// scale is 2^exp; activations are uint8 with a zero point, weights int8 symmetric.
struct QuantLayer {
  std::string name;
  LayerType type = LayerType::kConv2d;
  std::uint32_t flags = 0;
  int in_channels = 0, in_height = 1, in_width = 1;     // dense: in_features, 1, 1
  int out_channels = 0, out_height = 1, out_width = 1;  // before pooling; dense: out_features, 1, 1
  int kernel = 1, padding = 0, stride = 1;
  int input_exp = 0, weight_exp = 0, output_exp = 0;
  int input_zero_point = 0, output_zero_point = 0;
  std::vector<std::int8_t> weights;  // conv: [out][in][ky][kx]; dense: [out][in]
  std::vector<std::int32_t> bias;    // in units of 2^(input_exp + weight_exp)
  // Where the tensors sit in the file (filled by decoding; the encoder places them).
  std::uint32_t weight_file_offset = 0, bias_file_offset = 0;

  bool relu() const { return (flags & kLayerRelu) != 0; }
  bool pool() const { return (flags & kLayerMaxPool) != 0; }
  // Right shift that takes the int32 accumulator to the output scale:
  // q_out = round(acc * 2^(input_exp + weight_exp - output_exp)) + output_zero_point.
  int shift() const { return output_exp - input_exp - weight_exp; }
  int result_height() const { return pool() ? out_height / 2 : out_height; }
  int result_width() const { return pool() ? out_width / 2 : out_width; }
  std::size_t input_elements() const;
  std::size_t result_elements() const;  // after pooling: what the layer writes
  std::size_t weight_count() const;
  std::uint64_t macs() const;
};

struct QuantModel {
  int input_channels = 3, input_height = 32, input_width = 32;
  // The host turns a pixel p into x = (p - input_offset) / 2^input_shift, then
  // quantises x with scale 2^input_exp and zero point input_zero_point.
  int input_offset = 128, input_shift = 6;
  int input_exp = 0, input_zero_point = 128;
  int num_classes = 10;
  std::vector<QuantLayer> layers;

  std::uint64_t macs() const;
};

// Checks every invariant the simulator relies on (shapes chain, exponents agree,
// tensor sizes match when `tensors`, limits); throws qacc::Error naming `what` and
// the field.
void validate_model(const QuantModel& model, const std::string& what, bool tensors = true);

std::vector<std::uint8_t> encode_model(const QuantModel& model);
QuantModel decode_model(const std::uint8_t* data, std::size_t size, const std::string& what);
// The header and layer table only, without tensors: `head` holds at least the
// header and the table, `file_size` is the whole file's size. For readers that leave
// the tensors where they are (the firmware, which hands DRAM addresses to the DMA).
std::size_t model_table_bytes(const std::uint8_t* header, std::size_t size, const std::string& what);
QuantModel decode_model_structure(const std::uint8_t* head, std::size_t head_size, std::size_t file_size,
                                  const std::string& what);
QuantModel load_model(const std::filesystem::path& path);
void save_model(const QuantModel& model, const std::filesystem::path& path);

}  // namespace qacc
