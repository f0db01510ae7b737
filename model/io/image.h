#pragma once
// Input images for the simulator and the reference tool: a 3072-byte raw CHW image,
// a 3073-byte CIFAR-10 record (label byte first), or a PNG/JPEG picture that is
// resized to 32x32.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qacc {

struct Image {
  std::vector<std::uint8_t> pixels;  // CHW, 3x32x32
  std::optional<int> label;          // from a CIFAR-10 record
};

// A picture of another size is resized to 32x32 with a warning, or refused.
enum class Resize { kAllow, kRefuse };

Image load_image(const std::filesystem::path& path, Resize resize = Resize::kAllow);
// The same from bytes in memory; `what` names them in errors.
Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& what, Resize resize = Resize::kAllow);

// Writes a CIFAR-10 record: label byte + 3072 CHW bytes.
void save_cifar_record(const std::filesystem::path& path, int label, const std::uint8_t* pixels);

}  // namespace qacc
