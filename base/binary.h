#pragma once
// Little-endian encode/decode for the project's file formats. Fields are written one
// by one (never as C structs) so the layout does not depend on the compiler, and
// every read is bounds-checked against the bytes actually present.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace qacc {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void raw(const void* data, std::size_t n);
  // A fixed-width, NUL-padded text field.
  void text(std::string_view s, std::size_t width);
  void pad_to(std::size_t alignment);
  void patch_u32(std::size_t offset, std::uint32_t v);

  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

class ByteReader {
 public:
  // `what` names the source in error messages (a file path, usually).
  ByteReader(const std::uint8_t* data, std::size_t size, std::string what);

  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::string text(std::size_t width);
  const std::uint8_t* take(std::size_t n);
  void seek(std::size_t offset);
  std::size_t offset() const { return pos_; }
  std::size_t size() const { return size_; }
  const std::string& what() const { return what_; }

 private:
  void need(std::size_t n) const;

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::string what_;
};

// Whole-file I/O. read_file refuses files larger than max_bytes before allocating;
// write_file_atomic writes a temporary file beside `path` and renames it, so a
// failed or interrupted write never leaves a half-written output.
std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::size_t max_bytes);
void write_file_atomic(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
void write_file_atomic(const std::filesystem::path& path, const std::string& text);
// create_directories with an error naming the folder.
void create_folder(const std::filesystem::path& dir);

}  // namespace qacc
