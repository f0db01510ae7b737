#include "model/io/image.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <stb_image.h>
#include <stb_image_resize.h>

#include "base/binary.h"
#include "base/error.h"
#include "base/log.h"
#include "model/io/cifar.h"

namespace qacc {
namespace {

constexpr std::size_t kMaxPictureBytes = 64u << 20;
constexpr int kMaxPictureSide = 16384;
// 16 megapixels: stb decodes into up to 8 bytes a pixel (16-bit RGBA) and grows its
// inflate buffer by doubling towards that size, so this also bounds its allocations.
constexpr std::uint64_t kMaxPicturePixels = 16'777'216;

// stb trusts a PNG chunk's length and reserves that much before reading it (found by
// fuzzing: an 8x8 picture whose IDAT claimed 2 GiB). Every chunk must fit the file.
void check_png_chunks(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  static constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || !std::equal(kSignature, kSignature + 8, bytes.begin())) return;
  std::size_t at = 8;
  while (bytes.size() - at >= 12) {
    const std::uint64_t length = (std::uint64_t{bytes[at]} << 24) | (std::uint64_t{bytes[at + 1]} << 16) |
                                 (std::uint64_t{bytes[at + 2]} << 8) | bytes[at + 3];
    std::string type;
    for (std::size_t i = at + 4; i < at + 8; ++i) type += std::isalpha(bytes[i]) ? static_cast<char>(bytes[i]) : '?';
    if (length > bytes.size() - at - 12)
      fail("{}: PNG chunk {} at byte {} claims {} bytes, only {} follow", what, type, at, length, bytes.size() - at - 12);
    if (type == "IEND") return;
    at += 12 + length;
  }
}

Image decode_picture(const std::vector<std::uint8_t>& bytes, const std::string& what, Resize resize) {
  check_png_chunks(bytes, what);
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels))
    fail("{}: {} bytes: expected a 3072-byte raw CHW image, a 3073-byte CIFAR-10 record, or a PNG/JPEG picture ({})",
         what, bytes.size(), stbi_failure_reason());
  // The header's size is checked before stb allocates the decoded picture.
  if (w <= 0 || h <= 0 || w > kMaxPictureSide || h > kMaxPictureSide ||
      static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h) > kMaxPicturePixels)
    fail("{}: picture is {}x{}, expected sides 1..{} and at most {} pixels", what, w, h, kMaxPictureSide,
         kMaxPicturePixels);
  if (resize == Resize::kRefuse && (w != kCifarSide || h != kCifarSide))
    fail("{}: picture is {}x{}, not {}x{}, and resizing was refused", what, w, h, kCifarSide, kCifarSide);
  unsigned char* rgb = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels, 3);
  if (rgb == nullptr) fail("{}: cannot decode picture ({})", what, stbi_failure_reason());
  // The network sees 32x32: say so when the picture is resized, and louder when its
  // aspect ratio is lost.
  if (w != kCifarSide || h != kCifarSide)
    log::write(log::Level::kWarning, "image", "{}: {}x{} picture resized to {}x{}{}", what, w, h, kCifarSide, kCifarSide,
               w != h ? " (not square: stretched, aspect ratio not kept)" : "");
  std::vector<unsigned char> small(static_cast<std::size_t>(kCifarSide) * kCifarSide * 3);
  const int ok = stbir_resize_uint8(rgb, w, h, 0, small.data(), kCifarSide, kCifarSide, 0, 3);
  stbi_image_free(rgb);
  if (!ok) fail("{}: cannot resize picture to 32x32", what);
  Image img;
  img.pixels.resize(kCifarImageBytes);
  const std::size_t plane = static_cast<std::size_t>(kCifarSide) * kCifarSide;
  for (std::size_t i = 0; i < plane; ++i)
    for (std::size_t c = 0; c < 3; ++c) img.pixels[c * plane + i] = small[i * 3 + c];
  return img;
}

}  // namespace

Image load_image(const std::filesystem::path& path, Resize resize) {
  return decode_image(read_file(path, kMaxPictureBytes), path.string(), resize);
}

Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& what, Resize resize) {
  if (bytes.size() > kMaxPictureBytes) fail("{}: {} bytes, at most {} expected", what, bytes.size(), kMaxPictureBytes);
  Image img;
  if (bytes.size() == kCifarImageBytes) {
    img.pixels = bytes;
  } else if (bytes.size() == kCifarRecordBytes) {
    if (bytes[0] >= kCifarClasses)
      fail("{}: CIFAR-10 record with label {}, expected 0..{}", what, bytes[0], kCifarClasses - 1);
    img.label = bytes[0];
    img.pixels.assign(bytes.begin() + 1, bytes.end());
  } else {
    img = decode_picture(bytes, what, resize);
  }
  return img;
}

void save_cifar_record(const std::filesystem::path& path, int label, const std::uint8_t* pixels) {
  std::vector<std::uint8_t> bytes(kCifarRecordBytes);
  bytes[0] = static_cast<std::uint8_t>(label);
  std::memcpy(bytes.data() + 1, pixels, kCifarImageBytes);
  write_file_atomic(path, bytes);
}

}  // namespace qacc
