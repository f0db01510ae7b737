#pragma once
// Golden references (".qacr"): for each image, the int8 (uint8 with zero point)
// output of every layer as LibTorch's int8 engine computed it. Written by
// `vgglite reference`, read by the simulator's regression and by --check. The byte
// layout is specified in docs/model-format.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qacc {

inline constexpr std::array<char, 4> kReferenceMagic = {'Q', 'A', 'C', 'R'};
inline constexpr std::uint16_t kReferenceVersionMajor = 1;
inline constexpr std::uint16_t kReferenceVersionMinor = 0;
inline constexpr std::size_t kReferenceHeaderBytes = 32;
inline constexpr std::size_t kReferenceLayerBytes = 48;
inline constexpr std::size_t kReferenceMaxBytes = 1u << 30;
inline constexpr std::uint32_t kReferenceMaxImages = 100000;
inline constexpr std::uint32_t kNoLabel = 0xffffffffu;

struct ReferenceLayer {
  std::string name;
  int channels = 0, height = 1, width = 1;  // the layer's result (after pooling)
  int exp = 0, zero_point = 0;              // real value = (q - zero_point) * 2^exp
  std::size_t elements() const {
    return static_cast<std::size_t>(channels) * static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  }
};

struct ReferenceImage {
  std::uint32_t label = kNoLabel;   // 0..9, or kNoLabel
  std::uint32_t source_index = 0;   // index in the data set it came from
  std::vector<std::uint8_t> pixels;  // raw CHW bytes as given to the host
  std::vector<std::uint8_t> input;   // the quantised input the accelerator reads
  std::vector<std::vector<std::uint8_t>> outputs;  // per layer, CHW
};

struct ReferenceSet {
  int input_channels = 3, input_height = 32, input_width = 32;
  std::vector<ReferenceLayer> layers;
  std::vector<ReferenceImage> images;

  std::size_t input_elements() const {
    return static_cast<std::size_t>(input_channels) * static_cast<std::size_t>(input_height) *
           static_cast<std::size_t>(input_width);
  }
};

std::vector<std::uint8_t> encode_references(const ReferenceSet& set);
ReferenceSet decode_references(const std::uint8_t* data, std::size_t size, const std::string& what);
ReferenceSet load_references(const std::filesystem::path& path);
void save_references(const ReferenceSet& set, const std::filesystem::path& path);

}  // namespace qacc
