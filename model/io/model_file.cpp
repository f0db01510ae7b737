#include "model/io/model_file.h"

#include <cstring>
#include <tuple>

#include "base/binary.h"
#include "base/error.h"

namespace qacc {

// Biases are stored as int32, little-endian.
constexpr std::uint32_t kBiasBytes = sizeof(std::int32_t);

std::size_t QuantLayer::input_elements() const {
  return static_cast<std::size_t>(in_channels) * static_cast<std::size_t>(in_height) * static_cast<std::size_t>(in_width);
}

std::size_t QuantLayer::result_elements() const {
  return static_cast<std::size_t>(out_channels) * static_cast<std::size_t>(result_height()) *
         static_cast<std::size_t>(result_width());
}

std::size_t QuantLayer::weight_count() const {
  return static_cast<std::size_t>(out_channels) * static_cast<std::size_t>(in_channels) *
         static_cast<std::size_t>(kernel) * static_cast<std::size_t>(kernel);
}

std::uint64_t QuantLayer::macs() const {
  return static_cast<std::uint64_t>(weight_count()) * static_cast<std::uint64_t>(out_height) *
         static_cast<std::uint64_t>(out_width);
}

std::uint64_t QuantModel::macs() const {
  std::uint64_t total = 0;
  for (const auto& l : layers) total += l.macs();
  return total;
}

namespace {

void check(bool ok, const std::string& what, const std::string& field, const std::string& expected) {
  if (!ok) fail("{}: {}: expected {}", what, field, expected);
}

void validate_layer(const QuantLayer& l, std::size_t index, const std::string& what, bool tensors) {
  const std::string at = fmt::format("layer {} ({})", index, l.name);
  auto in_range = [](long long v, long long lo, long long hi) { return v >= lo && v <= hi; };
  check(l.type == LayerType::kConv2d || l.type == LayerType::kDense, what, at + " type", "1 (conv2d) or 2 (dense)");
  check((l.flags & ~kLayerKnownFlags) == 0, what, at + " flags", "only bits 0 (relu) and 1 (max-pool)");
  check(in_range(l.in_channels, 1, kModelMaxChannels) && in_range(l.out_channels, 1, kModelMaxChannels), what,
        at + " channels", fmt::format("1..{}", kModelMaxChannels));
  check(in_range(l.in_height, 1, kModelMaxSide) && in_range(l.in_width, 1, kModelMaxSide) &&
            in_range(l.out_height, 1, kModelMaxSide) && in_range(l.out_width, 1, kModelMaxSide),
        what, at + " height/width", fmt::format("1..{}", kModelMaxSide));
  if (l.type == LayerType::kConv2d) {
    check(l.kernel == 1 || l.kernel == 3, what, at + " kernel", "1 or 3");
    check(in_range(l.padding, 0, l.kernel / 2), what, at + " padding", fmt::format("0..{}", l.kernel / 2));
    check(l.stride == 1, what, at + " stride", "1");
    check(l.out_height == l.in_height + 2 * l.padding - l.kernel + 1 &&
              l.out_width == l.in_width + 2 * l.padding - l.kernel + 1,
          what, at + " output size", "in + 2*padding - kernel + 1");
  } else {
    check(l.kernel == 1 && l.padding == 0 && l.stride == 1, what, at + " kernel/padding/stride", "1/0/1 for dense");
    check(l.in_height == 1 && l.in_width == 1 && l.out_height == 1 && l.out_width == 1, what, at + " height/width",
          "1 for dense");
    check(!l.pool(), what, at + " flags", "no max-pool on a dense layer");
  }
  if (l.pool())
    check(l.out_height % 2 == 0 && l.out_width % 2 == 0, what, at + " output size", "even sides before a 2x2 pool");
  for (int e : {l.input_exp, l.weight_exp, l.output_exp})
    check(in_range(e, -kModelMaxExponent, kModelMaxExponent), what, at + " exponents",
          fmt::format("-{0}..{0} (scales 2^-{0}..2^{0})", kModelMaxExponent));
  check(in_range(l.shift(), -kModelMaxShift, kModelMaxShift), what, at + " shift", "within +-31");
  check(in_range(l.input_zero_point, 0, 255) && in_range(l.output_zero_point, 0, 255), what, at + " zero points",
        "0..255 (uint8 activations)");
  if (!tensors) return;
  check(l.weights.size() == l.weight_count(), what, at + " weights", fmt::format("{} int8 values", l.weight_count()));
  check(l.bias.size() == static_cast<std::size_t>(l.out_channels), what, at + " bias",
        fmt::format("{} int32 values", l.out_channels));
}

}  // namespace

void validate_model(const QuantModel& m, const std::string& what, bool tensors) {
  check(m.input_channels >= 1 && m.input_channels <= 64 && m.input_height >= 1 &&
            m.input_height <= static_cast<int>(kModelMaxSide) && m.input_width >= 1 &&
            m.input_width <= static_cast<int>(kModelMaxSide),
        what, "input shape", "1..64 channels, sides 1..1024");
  check(m.input_offset >= 0 && m.input_offset <= 255 && m.input_shift >= 0 && m.input_shift <= 8, what,
        "input normalisation", "offset 0..255, shift 0..8");
  check(m.input_exp >= -kModelMaxExponent && m.input_exp <= kModelMaxExponent, what, "input exponent", "-8..8");
  check(m.input_zero_point >= 0 && m.input_zero_point <= 255, what, "input zero point", "0..255");
  check(!m.layers.empty() && m.layers.size() <= kModelMaxLayers, what, "layer count",
        fmt::format("1..{}", kModelMaxLayers));
  int c = m.input_channels, h = m.input_height, w = m.input_width, exp = m.input_exp, zp = m.input_zero_point;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    validate_layer(l, i, what, tensors);
    const std::string at = fmt::format("layer {} ({})", i, l.name);
    if (l.type == LayerType::kConv2d)
      check(l.in_channels == c && l.in_height == h && l.in_width == w, what, at + " input shape",
            fmt::format("{}x{}x{} from the previous layer", c, h, w));
    else
      check(static_cast<long long>(l.in_channels) == static_cast<long long>(c) * h * w, what, at + " input features",
            fmt::format("{} (flattened previous output)", static_cast<long long>(c) * h * w));
    check(l.input_exp == exp && l.input_zero_point == zp, what, at + " input quantisation",
          fmt::format("exponent {} and zero point {} of the previous output", exp, zp));
    c = l.out_channels;
    h = l.result_height();
    w = l.result_width();
    exp = l.output_exp;
    zp = l.output_zero_point;
  }
  check(c == m.num_classes && h == 1 && w == 1, what, "last layer", fmt::format("{} outputs (num_classes)", m.num_classes));
}

std::vector<std::uint8_t> encode_model(const QuantModel& m) {
  validate_model(m, "model to encode");
  ByteWriter out;
  out.raw(kModelMagic.data(), kModelMagic.size());
  out.u16(kModelVersionMajor);
  out.u16(kModelVersionMinor);
  const std::size_t file_size_at = out.size();
  out.u32(0);  // file size, patched below
  out.u32(static_cast<std::uint32_t>(m.layers.size()));
  out.u32(static_cast<std::uint32_t>(kModelHeaderBytes));
  const std::size_t data_offset_at = out.size();
  out.u32(0);  // data offset, patched below
  out.u32(static_cast<std::uint32_t>(m.input_channels));
  out.u32(static_cast<std::uint32_t>(m.input_height));
  out.u32(static_cast<std::uint32_t>(m.input_width));
  out.i32(m.input_offset);
  out.i32(m.input_shift);
  out.i32(m.input_exp);
  out.i32(m.input_zero_point);
  out.u32(static_cast<std::uint32_t>(m.num_classes));
  out.pad_to(kModelHeaderBytes);

  // Tensor placement relative to the data section: each blob 64-byte aligned.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> weight_at, bias_at;
  std::size_t cursor = 0;
  auto place = [&](std::size_t bytes) {
    const auto at = static_cast<std::uint32_t>(cursor);
    cursor = (cursor + bytes + kModelDataAlignment - 1) / kModelDataAlignment * kModelDataAlignment;
    return std::make_pair(at, static_cast<std::uint32_t>(bytes));
  };
  for (const auto& l : m.layers) {
    weight_at.push_back(place(l.weights.size()));
    bias_at.push_back(place(l.bias.size() * kBiasBytes));
  }

  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    const std::size_t start = out.size();
    out.text(l.name, kModelNameBytes);
    out.u32(static_cast<std::uint32_t>(l.type));
    out.u32(l.flags);
    for (int v : {l.in_channels, l.in_height, l.in_width, l.out_channels, l.out_height, l.out_width, l.kernel,
                  l.padding, l.stride})
      out.u32(static_cast<std::uint32_t>(v));
    for (int v : {l.input_exp, l.weight_exp, l.output_exp, l.input_zero_point, l.output_zero_point, l.shift()})
      out.i32(v);
    out.u32(weight_at[i].first);
    out.u32(weight_at[i].second);
    out.u32(bias_at[i].first);
    out.u32(bias_at[i].second);
    out.pad_to(kModelDataAlignment);
    if (out.size() - start != kModelLayerBytes) fail("internal: layer record is {} bytes", out.size() - start);
  }
  out.pad_to(kModelDataAlignment);
  const std::size_t data_offset = out.size();
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    out.raw(l.weights.data(), l.weights.size());
    out.pad_to(kModelDataAlignment);
    for (std::int32_t b : l.bias) out.i32(b);
    out.pad_to(kModelDataAlignment);
  }
  out.patch_u32(file_size_at, static_cast<std::uint32_t>(out.size()));
  out.patch_u32(data_offset_at, static_cast<std::uint32_t>(data_offset));
  return out.bytes();
}

namespace {

struct HeaderFields {
  std::uint32_t file_size, layer_count, data_offset;
};

HeaderFields read_header(ByteReader& in, std::size_t file_size, QuantModel& m) {
  const std::string& what = in.what();
  if (in.size() < kModelHeaderBytes)
    fail("{}: {} bytes, too short for a model file header ({} bytes)", what, in.size(), kModelHeaderBytes);
  const auto* magic = in.take(kModelMagic.size());
  if (std::memcmp(magic, kModelMagic.data(), kModelMagic.size()) != 0) fail("{}: not a model file (magic is not 'QACM')", what);
  const auto major = in.u16();
  const auto minor = in.u16();
  if (major != kModelVersionMajor)
    fail("{}: model format version {}.{}, this build reads {}.x", what, major, minor, kModelVersionMajor);
  HeaderFields h{};
  h.file_size = in.u32();
  if (h.file_size != file_size)
    fail("{}: header says {} bytes, file has {} (truncated or padded)", what, h.file_size, file_size);
  h.layer_count = in.u32();
  if (h.layer_count == 0 || h.layer_count > kModelMaxLayers)
    fail("{}: layer count {}, expected 1..{}", what, h.layer_count, kModelMaxLayers);
  const auto header_bytes = in.u32();
  if (header_bytes != kModelHeaderBytes) fail("{}: header size {}, expected {}", what, header_bytes, kModelHeaderBytes);
  h.data_offset = in.u32();
  const std::size_t table_end = kModelHeaderBytes + h.layer_count * kModelLayerBytes;
  if (h.data_offset < table_end || h.data_offset > file_size)
    fail("{}: data offset {}, expected {}..{}", what, h.data_offset, table_end, file_size);
  m.input_channels = static_cast<int>(in.u32());
  m.input_height = static_cast<int>(in.u32());
  m.input_width = static_cast<int>(in.u32());
  m.input_offset = in.i32();
  m.input_shift = in.i32();
  m.input_exp = in.i32();
  m.input_zero_point = in.i32();
  m.num_classes = static_cast<int>(in.u32());
  return h;
}

}  // namespace

std::size_t model_table_bytes(const std::uint8_t* header, std::size_t size, const std::string& what) {
  ByteReader in(header, size, what);
  if (size < kModelHeaderBytes) fail("{}: {} bytes, too short for a model file header", what, size);
  in.seek(12);
  const auto layers = in.u32();
  if (layers == 0 || layers > kModelMaxLayers) fail("{}: layer count {}, expected 1..{}", what, layers, kModelMaxLayers);
  return kModelHeaderBytes + layers * kModelLayerBytes;
}

QuantModel decode_model_structure(const std::uint8_t* head, std::size_t head_size, std::size_t file_size,
                                  const std::string& what) {
  ByteReader in(head, head_size, what);
  QuantModel m;
  const HeaderFields h = read_header(in, file_size, m);
  for (std::uint32_t i = 0; i < h.layer_count; ++i) {
    in.seek(kModelHeaderBytes + i * kModelLayerBytes);
    QuantLayer l;
    l.name = in.text(kModelNameBytes);
    l.type = static_cast<LayerType>(in.u32());
    l.flags = in.u32();
    for (int* v : {&l.in_channels, &l.in_height, &l.in_width, &l.out_channels, &l.out_height, &l.out_width,
                   &l.kernel, &l.padding, &l.stride}) {
      const auto raw = in.u32();
      // Keeps later size arithmetic in range; validate_model checks the real limits.
      *v = raw > kModelMaxChannels ? -1 : static_cast<int>(raw);
    }
    for (int* v : {&l.input_exp, &l.weight_exp, &l.output_exp, &l.input_zero_point, &l.output_zero_point}) *v = in.i32();
    const int stored_shift = in.i32();
    const auto w_off = in.u32(), w_bytes = in.u32(), b_off = in.u32(), b_bytes = in.u32();
    const std::string at = fmt::format("layer {} ({})", i, l.name);
    // Before shift(): exponents near INT32_MIN would overflow its subtraction.
    for (int e : {l.input_exp, l.weight_exp, l.output_exp})
      if (e < -kModelMaxExponent || e > kModelMaxExponent)
        fail("{}: {} exponent {}, expected -{}..{}", what, at, e, kModelMaxExponent, kModelMaxExponent);
    if (stored_shift != l.shift())
      fail("{}: {} shift {} disagrees with its exponents (output - input - weight = {})", what, at, stored_shift,
           l.shift());
    if (l.in_channels < 0 || l.out_channels < 0 || l.in_height < 0 || l.in_width < 0 || l.out_height < 0 ||
        l.out_width < 0 || l.kernel < 0 || l.padding < 0 || l.stride < 0)
      fail("{}: {} has a dimension above {}", what, at, kModelMaxChannels);
    if (w_bytes != l.weight_count())
      fail("{}: {} weights are {} bytes, expected {} for its shape", what, at, w_bytes, l.weight_count());
    if (b_bytes != static_cast<std::uint32_t>(l.out_channels) * kBiasBytes)
      fail("{}: {} bias is {} bytes, expected {}", what, at, b_bytes, l.out_channels * kBiasBytes);
    for (auto [offset, bytes, name] : {std::tuple{w_off, w_bytes, "weights"}, std::tuple{b_off, b_bytes, "bias"}}) {
      const std::uint64_t begin = std::uint64_t{h.data_offset} + offset;
      if (begin + bytes > file_size)
        fail("{}: {} {} span bytes {}..{}, beyond the end of the file ({} bytes)", what, at, name, begin,
             begin + bytes, file_size);
    }
    l.weight_file_offset = h.data_offset + w_off;
    l.bias_file_offset = h.data_offset + b_off;
    m.layers.push_back(std::move(l));
  }
  validate_model(m, what, /*tensors=*/false);
  return m;
}

QuantModel decode_model(const std::uint8_t* data, std::size_t size, const std::string& what) {
  QuantModel m = decode_model_structure(data, size, size, what);
  for (auto& l : m.layers) {
    const auto* w = data + l.weight_file_offset;
    l.weights.assign(reinterpret_cast<const std::int8_t*>(w), reinterpret_cast<const std::int8_t*>(w) + l.weight_count());
    ByteReader bias(data + l.bias_file_offset, static_cast<std::size_t>(l.out_channels) * kBiasBytes, what);
    l.bias.resize(static_cast<std::size_t>(l.out_channels));
    for (auto& b : l.bias) b = bias.i32();
  }
  validate_model(m, what);
  return m;
}

QuantModel load_model(const std::filesystem::path& path) {
  const auto bytes = read_file(path, kModelMaxBytes);
  return decode_model(bytes.data(), bytes.size(), path.string());
}

void save_model(const QuantModel& model, const std::filesystem::path& path) {
  write_file_atomic(path, encode_model(model));
}

}  // namespace qacc
