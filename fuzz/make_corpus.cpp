// Writes the small seed corpus of fuzz/corpus/ (committed): a tiny valid model and
// reference file, and images of each accepted kind. Usage: make_corpus DIR
#include <filesystem>
#include <fstream>

#include "base/binary.h"
#include "model/io/model_file.h"
#include "model/io/reference_file.h"

namespace {

qacc::QuantLayer layer(const char* name, qacc::LayerType type, int in, int out, int side, int kernel) {
  qacc::QuantLayer l;
  l.name = name;
  l.type = type;
  l.in_channels = in;
  l.out_channels = out;
  l.in_height = l.in_width = l.out_height = l.out_width = side;
  l.kernel = kernel;
  l.padding = kernel / 2;
  l.input_exp = -6;
  l.weight_exp = -7;
  l.output_exp = -4;
  l.input_zero_point = l.output_zero_point = 128;
  l.weights.assign(l.weight_count(), 3);
  l.bias.assign(static_cast<std::size_t>(out), -7);
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  qacc::QuantModel m;
  m.input_height = m.input_width = 4;
  m.input_exp = -6;
  m.num_classes = 3;
  auto conv = layer("conv1", qacc::LayerType::kConv2d, 3, 2, 4, 3);
  conv.flags = qacc::kLayerRelu | qacc::kLayerMaxPool;
  auto fc = layer("fc2", qacc::LayerType::kDense, 8, 3, 1, 1);
  fc.input_exp = -4;
  fc.output_exp = -3;
  m.layers = {conv, fc};
  std::filesystem::create_directories(dir / "model_file");
  qacc::write_file_atomic(dir / "model_file" / "tiny.qacm", qacc::encode_model(m));

  qacc::ReferenceSet refs;
  refs.input_height = refs.input_width = 4;
  refs.layers = {{"conv1", 2, 2, 2, -4, 128}, {"fc2", 3, 1, 1, -3, 128}};
  qacc::ReferenceImage image;
  image.label = 1;
  image.pixels.assign(48, 9);
  image.input.assign(48, 130);
  image.outputs = {std::vector<std::uint8_t>(8, 140), std::vector<std::uint8_t>(3, 120)};
  refs.images = {image};
  std::filesystem::create_directories(dir / "reference_file");
  qacc::write_file_atomic(dir / "reference_file" / "tiny.qacr", qacc::encode_references(refs));
  return 0;
}
