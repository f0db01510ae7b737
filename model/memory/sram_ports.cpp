#include "model/memory/sram_ports.h"

#include <algorithm>

#include "base/error.h"

namespace qacc {

SramPorts::SramPorts(std::size_t bytes, Config c)
    : bytes_(bytes),
      bank_bytes_((bytes + c.banks - 1) / c.banks),
      banks_(c.banks),
      width_(c.width),
      ports_(c.banks * (c.split ? 2 : 1)),
      split_(c.split) {
  if (c.banks == 0 || c.width == 0 || bytes == 0) fail("SramPorts: banks, width and size must be positive");
}

void SramPorts::add(Tally& t, std::size_t offset, std::size_t extent, std::uint64_t bytes, bool write) const {
  if (bytes == 0) return;
  extent = std::max<std::size_t>(extent, 1);
  const std::size_t end = std::min(offset + extent, bytes_);
  std::uint64_t given = 0;
  for (std::uint32_t b = bank_of(offset); b < banks_ && std::size_t{b} * bank_bytes_ < end; ++b) {
    const std::size_t lo = std::max(offset, std::size_t{b} * bank_bytes_);
    const std::size_t hi = std::min(end, std::size_t{b + 1} * bank_bytes_);
    // The last bank takes the rounding remainder, so the bytes add up.
    const std::uint64_t share = hi >= end ? bytes - given : bytes * (hi - lo) / extent;
    t[port(b, write)] += share;
    given += share;
  }
}

void SramPorts::note_dma(std::size_t offset, std::size_t bytes, bool write, std::uint64_t cycle) {
  const std::size_t end = std::min(offset + bytes, bytes_);
  for (std::size_t at = offset; at < end;) {
    const std::uint32_t b = bank_of(at);
    const std::size_t hi = std::min(end, std::size_t{b + 1} * bank_bytes_);
    dma_.push_back({cycle, port(b, write), hi - at});
    at = hi;
  }
}

void SramPorts::add_dma(Tally& t, std::uint64_t from, std::uint64_t to) {
  std::size_t kept = 0;
  for (const Landing& l : dma_) {
    if (l.cycle < from) continue;
    if (l.cycle < to)
      t[l.port] += l.bytes;
    else
      dma_[kept++] = l;
  }
  dma_.resize(kept);
}

std::uint64_t SramPorts::cycles(const Tally& t) const {
  std::uint64_t most = 0;
  for (const std::uint64_t bytes : t) most = std::max(most, (bytes + width_ - 1) / width_);
  return most;
}

}  // namespace qacc
