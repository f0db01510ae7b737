#pragma once
// An on-chip SRAM buffer: storage, bounds checks and access counters. Plain C++:
// the accelerator's blocks call it directly, and the cost of their accesses is
// annotated by those blocks from the cost model.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/memory/sram_ports.h"

namespace qacc {

class SramRangeError : public std::out_of_range {
 public:
  SramRangeError(const std::string& what, std::size_t offset_) : std::out_of_range(what), offset(offset_) {}
  std::size_t offset;
};

class Sram {
 public:
  Sram(std::string name, std::size_t bytes);

  // Whether [offset, offset + bytes) lies inside the buffer.
  bool holds(std::size_t offset, std::size_t bytes) const {
    return offset <= data_.size() && bytes <= data_.size() - offset;
  }
  // Bounds-checked view of [offset, offset + bytes); throws SramRangeError with the
  // access's end as its offset.
  std::uint8_t* span(std::size_t offset, std::size_t bytes);
  const std::uint8_t* span(std::size_t offset, std::size_t bytes) const;

  // Gives the buffer ported timing (sram_model: ported); without, accesses are free.
  void use_ports(SramPorts::Config config) { ports_.emplace(data_.size(), config); }
  SramPorts* ports() { return ports_ ? &*ports_ : nullptr; }

  void note_reads(std::uint64_t bytes) { reads_ += bytes; }
  void note_writes(std::uint64_t bytes) { writes_ += bytes; }
  std::uint64_t reads() const { return reads_; }
  std::uint64_t writes() const { return writes_; }

  std::size_t size() const { return data_.size(); }
  const std::string& name() const { return name_; }

 private:
  void check(std::size_t offset, std::size_t bytes) const;

  std::string name_;
  std::vector<std::uint8_t> data_;
  std::uint64_t reads_ = 0, writes_ = 0;
  std::optional<SramPorts> ports_;
};

}  // namespace qacc
