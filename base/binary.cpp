#include "base/binary.h"

#include <cstring>
#include <fstream>

#include "base/error.h"

namespace qacc {

void ByteWriter::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v));
  u8(static_cast<std::uint8_t>(v >> 8));
}

void ByteWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::raw(const void* data, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  bytes_.insert(bytes_.end(), p, p + n);
}

void ByteWriter::text(std::string_view s, std::size_t width) {
  if (s.size() >= width) fail("text field '{}' longer than {} bytes", s, width - 1);
  raw(s.data(), s.size());
  bytes_.resize(bytes_.size() + width - s.size(), 0);
}

void ByteWriter::pad_to(std::size_t alignment) {
  while (bytes_.size() % alignment != 0) bytes_.push_back(0);
}

void ByteWriter::patch_u32(std::size_t offset, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) bytes_.at(offset + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

ByteReader::ByteReader(const std::uint8_t* data, std::size_t size, std::string what)
    : data_(data), size_(size), what_(std::move(what)) {}

void ByteReader::need(std::size_t n) const {
  if (n > size_ - pos_)
    fail("{}: truncated: needs {} bytes at offset {}, only {} left", what_, n, pos_, size_ - pos_);
}

std::uint8_t ByteReader::u8() {
  need(1);
  return data_[pos_++];
}

std::uint16_t ByteReader::u16() {
  need(2);
  const auto v = static_cast<std::uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return v;
}

std::uint32_t ByteReader::u32() {
  need(4);
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 4;
  return v;
}

std::string ByteReader::text(std::size_t width) {
  const auto* p = take(width);
  const auto* end = static_cast<const std::uint8_t*>(std::memchr(p, 0, width));
  if (end == nullptr) fail("{}: text field at offset {} is not NUL-terminated", what_, pos_ - width);
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p));
}

const std::uint8_t* ByteReader::take(std::size_t n) {
  need(n);
  const auto* p = data_ + pos_;
  pos_ += n;
  return p;
}

void ByteReader::seek(std::size_t offset) {
  if (offset > size_) fail("{}: offset {} beyond the end ({} bytes)", what_, offset, size_);
  pos_ = offset;
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("{}: is a directory, expected a file", path.string());
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail("{}: cannot read ({})", path.string(), ec.message());
  if (size > max_bytes) fail("{}: {} bytes, more than the {} this format allows", path.string(), size, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open for reading", path.string());
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) fail("{}: read failed", path.string());
  return bytes;
}

void write_file_atomic(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("{}: cannot write ({}; via {})", path.string(), std::strerror(errno), tmp.filename().string());
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp);
      fail("{}: write failed", path.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    fail("{}: cannot rename into place ({})", path.string(), ec.message());
  }
}

void create_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("{}: cannot create the folder ({})", dir.string(), ec.message());
}

void write_file_atomic(const std::filesystem::path& path, const std::string& text) {
  write_file_atomic(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace qacc
