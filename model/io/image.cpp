#include "model/io/image.h"

#include <algorithm>
#include <cstring>

#include <stb_image.h>
#include <stb_image_resize.h>

#include "model/io/binary.h"
#include "model/io/cifar.h"
#include "model/io/error.h"

namespace qacc {
namespace {

constexpr std::size_t kMaxPictureBytes = 64u << 20;
constexpr int kMaxPictureSide = 16384;
constexpr std::uint64_t kMaxPicturePixels = 50'000'000;  // a 50-megapixel photo: 150 MB decoded

Image decode_picture(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels))
    fail("{}: {} bytes: expected a 3072-byte raw CHW image, a 3073-byte CIFAR-10 record, or a PNG/JPEG picture ({})",
         what, bytes.size(), stbi_failure_reason());
  // The header's size is checked before stb allocates the decoded picture.
  if (w <= 0 || h <= 0 || w > kMaxPictureSide || h > kMaxPictureSide ||
      static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h) > kMaxPicturePixels)
    fail("{}: picture is {}x{}, expected sides 1..{} and at most {} pixels", what, w, h, kMaxPictureSide,
         kMaxPicturePixels);
  unsigned char* rgb = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels, 3);
  if (rgb == nullptr) fail("{}: cannot decode picture ({})", what, stbi_failure_reason());
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

Image load_image(const std::filesystem::path& path) { return decode_image(read_file(path, kMaxPictureBytes), path.string()); }

Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& what) {
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
    img = decode_picture(bytes, what);
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
