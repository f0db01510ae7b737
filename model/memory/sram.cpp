#include "model/memory/sram.h"

#include <fmt/format.h>

namespace qacc {

Sram::Sram(std::string name, std::size_t bytes) : name_(std::move(name)), data_(bytes) {}

void Sram::check(std::size_t offset, std::size_t bytes) const {
  if (!holds(offset, bytes))
    throw SramRangeError(fmt::format("{}: access [{}, {}) outside its {} bytes", name_, offset, offset + bytes,
                                     data_.size()),
                         offset + bytes);
}

std::uint8_t* Sram::span(std::size_t offset, std::size_t bytes) {
  check(offset, bytes);
  return data_.data() + offset;
}

const std::uint8_t* Sram::span(std::size_t offset, std::size_t bytes) const {
  check(offset, bytes);
  return data_.data() + offset;
}

}  // namespace qacc
