#include "model/io/reference_file.h"

#include <cstring>

#include "base/binary.h"
#include "base/error.h"
#include "model/io/model_file.h"

namespace qacc {
namespace {

std::size_t record_bytes(const ReferenceSet& s) {
  std::size_t n = 8 + 2 * s.input_elements();
  for (const auto& l : s.layers) n += l.elements();
  return n;
}

}  // namespace

std::vector<std::uint8_t> encode_references(const ReferenceSet& s) {
  ByteWriter out;
  out.raw(kReferenceMagic.data(), kReferenceMagic.size());
  out.u16(kReferenceVersionMajor);
  out.u16(kReferenceVersionMinor);
  out.u32(static_cast<std::uint32_t>(s.images.size()));
  out.u32(static_cast<std::uint32_t>(s.layers.size()));
  out.u32(static_cast<std::uint32_t>(s.input_channels));
  out.u32(static_cast<std::uint32_t>(s.input_height));
  out.u32(static_cast<std::uint32_t>(s.input_width));
  out.u32(static_cast<std::uint32_t>(record_bytes(s)));
  for (const auto& l : s.layers) {
    out.text(l.name, kModelNameBytes);
    for (int v : {l.channels, l.height, l.width}) out.u32(static_cast<std::uint32_t>(v));
    out.i32(l.exp);
    out.i32(l.zero_point);
    out.pad_to(16);
  }
  for (const auto& img : s.images) {
    if (img.pixels.size() != s.input_elements() || img.input.size() != s.input_elements() ||
        img.outputs.size() != s.layers.size())
      fail("reference image {} does not match the set's shapes", img.source_index);
    out.u32(img.label);
    out.u32(img.source_index);
    out.raw(img.pixels.data(), img.pixels.size());
    out.raw(img.input.data(), img.input.size());
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
      if (img.outputs[i].size() != s.layers[i].elements())
        fail("reference image {} layer {} has {} values, expected {}", img.source_index, s.layers[i].name,
             img.outputs[i].size(), s.layers[i].elements());
      out.raw(img.outputs[i].data(), img.outputs[i].size());
    }
  }
  return out.bytes();
}

ReferenceSet decode_references(const std::uint8_t* data, std::size_t size, const std::string& what) {
  ByteReader in(data, size, what);
  if (size < kReferenceHeaderBytes) fail("{}: {} bytes, too short for a reference file header", what, size);
  if (std::memcmp(in.take(4), kReferenceMagic.data(), 4) != 0) fail("{}: not a reference file (magic is not 'QACR')", what);
  const auto major = in.u16();
  const auto minor = in.u16();
  if (major != kReferenceVersionMajor)
    fail("{}: reference format version {}.{}, this build reads {}.x", what, major, minor, kReferenceVersionMajor);
  const auto images = in.u32();
  const auto layers = in.u32();
  ReferenceSet s;
  const auto c = in.u32(), h = in.u32(), w = in.u32();
  const auto rec = in.u32();
  if (images > kReferenceMaxImages) fail("{}: {} images, at most {} allowed", what, images, kReferenceMaxImages);
  if (layers == 0 || layers > kModelMaxLayers) fail("{}: layer count {}, expected 1..{}", what, layers, kModelMaxLayers);
  if (c == 0 || c > 64 || h == 0 || h > kModelMaxSide || w == 0 || w > kModelMaxSide)
    fail("{}: input shape {}x{}x{} out of range", what, c, h, w);
  s.input_channels = static_cast<int>(c);
  s.input_height = static_cast<int>(h);
  s.input_width = static_cast<int>(w);
  for (std::uint32_t i = 0; i < layers; ++i) {
    ReferenceLayer l;
    l.name = in.text(kModelNameBytes);
    const auto lc = in.u32(), lh = in.u32(), lw = in.u32();
    if (lc == 0 || lc > kModelMaxChannels || lh == 0 || lh > kModelMaxSide || lw == 0 || lw > kModelMaxSide)
      fail("{}: layer {} shape {}x{}x{} out of range", what, i, lc, lh, lw);
    l.channels = static_cast<int>(lc);
    l.height = static_cast<int>(lh);
    l.width = static_cast<int>(lw);
    l.exp = in.i32();
    l.zero_point = in.i32();
    in.take(kReferenceLayerBytes - kModelNameBytes - 20);
    s.layers.push_back(std::move(l));
  }
  if (rec != record_bytes(s)) fail("{}: record size {} disagrees with the layer shapes ({})", what, rec, record_bytes(s));
  const std::size_t expected = in.offset() + static_cast<std::size_t>(images) * rec;
  if (expected != size) fail("{}: {} bytes, expected {} for {} images (truncated or padded)", what, size, expected, images);
  s.images.resize(images);
  for (auto& img : s.images) {
    img.label = in.u32();
    img.source_index = in.u32();
    const auto* p = in.take(s.input_elements());
    img.pixels.assign(p, p + s.input_elements());
    p = in.take(s.input_elements());
    img.input.assign(p, p + s.input_elements());
    for (const auto& l : s.layers) {
      p = in.take(l.elements());
      img.outputs.emplace_back(p, p + l.elements());
    }
  }
  return s;
}

ReferenceSet load_references(const std::filesystem::path& path) {
  const auto bytes = read_file(path, kReferenceMaxBytes);
  return decode_references(bytes.data(), bytes.size(), path.string());
}

void save_references(const ReferenceSet& set, const std::filesystem::path& path) {
  write_file_atomic(path, encode_references(set));
}

}  // namespace qacc
