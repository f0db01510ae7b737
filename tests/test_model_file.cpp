// The model and reference file formats: round trips and every rejection path.
#include <gtest/gtest.h>

#include <random>

#include "base/binary.h"
#include "base/error.h"
#include "model/io/model_file.h"
#include "model/io/reference_file.h"
#include "tests/scratch.h"

namespace qacc {
namespace {

QuantModel small_model() {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> s8(-128, 127), b(-1000, 1000);
  QuantModel m;
  m.input_channels = 3;
  m.input_height = m.input_width = 4;
  m.input_exp = -6;
  m.num_classes = 5;
  QuantLayer conv;
  conv.name = "conv1";
  conv.type = LayerType::kConv2d;
  conv.flags = kLayerRelu | kLayerMaxPool;
  conv.in_channels = 3;
  conv.in_height = conv.in_width = conv.out_height = conv.out_width = 4;
  conv.out_channels = 6;
  conv.kernel = 3;
  conv.padding = 1;
  conv.input_exp = -6;
  conv.weight_exp = -7;
  conv.output_exp = -4;
  conv.input_zero_point = conv.output_zero_point = 128;
  conv.weights.resize(conv.weight_count());
  for (auto& w : conv.weights) w = static_cast<std::int8_t>(s8(rng));
  conv.bias.resize(6);
  for (auto& v : conv.bias) v = b(rng);
  QuantLayer fc;
  fc.name = "fc2";
  fc.type = LayerType::kDense;
  fc.in_channels = 6 * 2 * 2;
  fc.out_channels = 5;
  fc.input_exp = -4;
  fc.weight_exp = -8;
  fc.output_exp = -3;
  fc.input_zero_point = fc.output_zero_point = 128;
  fc.weights.resize(fc.weight_count());
  for (auto& w : fc.weights) w = static_cast<std::int8_t>(s8(rng));
  fc.bias.resize(5);
  for (auto& v : fc.bias) v = b(rng);
  m.layers = {conv, fc};
  return m;
}

void expect_same(const QuantModel& a, const QuantModel& b) {
  EXPECT_EQ(a.input_exp, b.input_exp);
  EXPECT_EQ(a.input_offset, b.input_offset);
  EXPECT_EQ(a.input_shift, b.input_shift);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const auto &x = a.layers[i], &y = b.layers[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.flags, y.flags);
    EXPECT_EQ(x.shift(), y.shift());
    EXPECT_EQ(x.weights, y.weights);
    EXPECT_EQ(x.bias, y.bias);
    EXPECT_EQ(x.result_elements(), y.result_elements());
  }
}

std::string decode_error(const std::vector<std::uint8_t>& bytes) {
  try {
    decode_model(bytes.data(), bytes.size(), "m.qacm");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

TEST(ModelFile, RoundTrip) {
  const QuantModel m = small_model();
  const auto bytes = encode_model(m);
  EXPECT_EQ(bytes.size() % kModelDataAlignment, 0u);
  expect_same(m, decode_model(bytes.data(), bytes.size(), "memory"));
  EXPECT_EQ(encode_model(decode_model(bytes.data(), bytes.size(), "memory")), bytes);
}

TEST(ModelFile, HeaderLayoutIsLittleEndianAsDocumented) {
  const auto bytes = encode_model(small_model());
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "QACM");
  EXPECT_EQ(bytes[4] | bytes[5] << 8, kModelVersionMajor);
  EXPECT_EQ(static_cast<std::size_t>(bytes[8] | bytes[9] << 8 | bytes[10] << 16 | bytes[11] << 24), bytes.size());
  EXPECT_EQ(bytes[12], 2);  // layer count
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&bytes[kModelHeaderBytes])), "conv1");
}

TEST(ModelFile, RejectsBadMagicVersionAndSize) {
  const auto good = encode_model(small_model());
  auto bad = good;
  bad[0] = 'X';
  EXPECT_NE(decode_error(bad).find("magic"), std::string::npos);
  bad = good;
  bad[4] = 2;
  EXPECT_NE(decode_error(bad).find("version 2.0"), std::string::npos);
  bad = good;
  bad.pop_back();
  EXPECT_NE(decode_error(bad).find("truncated"), std::string::npos);
  bad = std::vector<std::uint8_t>(good.begin(), good.begin() + 10);
  EXPECT_NE(decode_error(bad).find("too short"), std::string::npos);
  EXPECT_NE(decode_error({}).find("too short"), std::string::npos);
}

TEST(ModelFile, RejectsAbsurdCountsBeforeAllocating) {
  auto bad = encode_model(small_model());
  put_u32(bad, 12, 1000000);  // layer count
  EXPECT_NE(decode_error(bad).find("layer count"), std::string::npos);
  bad = encode_model(small_model());
  put_u32(bad, kModelHeaderBytes + 24, 0x7fffffff);  // conv1 in_channels
  EXPECT_NE(decode_error(bad).find("dimension"), std::string::npos);
}

TEST(ModelFile, RejectsInconsistentLayers) {
  const auto good = encode_model(small_model());
  const std::size_t conv = kModelHeaderBytes, fc = kModelHeaderBytes + kModelLayerBytes;
  auto bad = good;
  put_u32(bad, fc + 24, 25);  // fc in_features no longer 6*2*2
  EXPECT_NE(decode_error(bad).find("weights are"), std::string::npos);
  bad = good;
  put_u32(bad, conv + 60, static_cast<std::uint32_t>(-5));  // conv1 input exponent -5 != model input -6
  EXPECT_NE(decode_error(bad).find("shift"), std::string::npos);
  // Found by fuzzing: exponents whose difference overflows int were subtracted before
  // their range was checked (undefined behaviour).
  bad = good;
  put_u32(bad, conv + 60, 0x80000000u);   // input exponent INT32_MIN
  put_u32(bad, conv + 64, 0x06000000u);   // weight exponent 100663296
  EXPECT_NE(decode_error(bad).find("exponent -2147483648, expected -"), std::string::npos) << decode_error(bad);
  bad = good;
  put_u32(bad, conv + 20, 0x10);  // unknown flag bit
  EXPECT_NE(decode_error(bad).find("flags"), std::string::npos);
  bad = good;
  put_u32(bad, conv + 16, 7);  // unknown layer type
  EXPECT_NE(decode_error(bad).find("type"), std::string::npos);
  bad = good;
  put_u32(bad, conv + 84, 0xffffff00u);  // weight offset far beyond the file
  EXPECT_NE(decode_error(bad).find("beyond the end"), std::string::npos);
}

TEST(ModelFile, ValidationNamesTheField) {
  QuantModel m = small_model();
  m.layers[1].input_exp = -5;
  m.layers[1].output_exp = -2;  // keeps the shift in range
  try {
    validate_model(m, "x.qacm");
    FAIL() << "accepted a broken exponent chain";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 1 (fc2) input quantisation"), std::string::npos) << e.what();
  }
  m = small_model();
  m.layers[0].weight_exp = 9;
  EXPECT_THROW(validate_model(m, "x"), Error);
  m = small_model();
  m.layers[0].bias.pop_back();
  EXPECT_THROW(validate_model(m, "x"), Error);
}

TEST(ModelFile, SaveLoadThroughTheFileSystem) {
  const testing_support::ScratchDir dir("model_file");
  const auto path = dir.path() / "round_trip.qacm";
  save_model(small_model(), path);
  expect_same(small_model(), load_model(path));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  EXPECT_THROW(load_model(path.string() + ".missing"), Error);
}

TEST(ReferenceFile, RoundTripAndTruncation) {
  ReferenceSet s;
  s.input_channels = 1;
  s.input_height = 2;
  s.input_width = 2;
  s.layers = {{"a", 2, 1, 1, -4, 128}, {"b", 3, 1, 1, -5, 128}};
  s.images.push_back({3, 17, {1, 2, 3, 4}, {5, 6, 7, 8}, {{9, 10}, {11, 12, 13}}});
  s.images.push_back({kNoLabel, 18, {0, 0, 0, 0}, {1, 1, 1, 1}, {{2, 2}, {3, 3, 3}}});
  const auto bytes = encode_references(s);
  const auto back = decode_references(bytes.data(), bytes.size(), "r");
  ASSERT_EQ(back.images.size(), 2u);
  EXPECT_EQ(back.layers[1].name, "b");
  EXPECT_EQ(back.layers[1].exp, -5);
  EXPECT_EQ(back.images[0].label, 3u);
  EXPECT_EQ(back.images[0].source_index, 17u);
  EXPECT_EQ(back.images[0].outputs[1], (std::vector<std::uint8_t>{11, 12, 13}));
  EXPECT_EQ(back.images[1].label, kNoLabel);
  auto cut = bytes;
  cut.pop_back();
  EXPECT_THROW(decode_references(cut.data(), cut.size(), "r"), Error);
  auto bad = bytes;
  bad[3] = 'M';
  EXPECT_THROW(decode_references(bad.data(), bad.size(), "r"), Error);
}

}  // namespace
}  // namespace qacc
