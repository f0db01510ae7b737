#pragma once
// The ports of an on-chip buffer (sram_model: ported). The buffer is cut into `banks`
// contiguous slices of its addresses; each bank has one port for reads and writes
// (1RW) or a read port and a write port (1R1W), each moving `width` bytes a cycle.
// A block states the bytes a pass moves and in which address range; the DMA's bursts
// are noted as they land, with their cycle. A pass then lasts as long as its busiest
// port needs for the pass's bytes plus the DMA's that went through the same port
// meanwhile (docs/timing.md §7). Plain C++: the waiting is port_wait.h's.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qacc {

class SramPorts {
 public:
  struct Config {
    std::uint32_t banks = 1;
    std::uint32_t width = 1;  // bytes per cycle per port
    bool split = false;       // 1R1W: reads and writes on separate ports
  };
  // Bytes per port, port = bank * (1 + split) + (split && write).
  using Tally = std::vector<std::uint64_t>;

  SramPorts(std::size_t bytes, Config config);

  Tally tally() const { return Tally(ports_, 0); }
  // `bytes` moved evenly over [offset, offset + extent): how a pass spreads over the
  // banks its operands occupy.
  void add(Tally& t, std::size_t offset, std::size_t extent, std::uint64_t bytes, bool write) const;
  // A DMA burst's data, [offset, offset + bytes), through the ports by `cycle`.
  void note_dma(std::size_t offset, std::size_t bytes, bool write, std::uint64_t cycle);
  // Adds the DMA's bytes that went through in [from, to) to t, and forgets all before
  // `to` (windows are asked for in order: the controller runs one pass at a time).
  void add_dma(Tally& t, std::uint64_t from, std::uint64_t to);
  // t += n * more, port by port.
  static void accumulate(Tally& t, const Tally& more, std::uint64_t n) {
    for (std::size_t i = 0; i < t.size(); ++i) t[i] += n * more[i];
  }
  // Cycles the busiest port needs for t.
  std::uint64_t cycles(const Tally& t) const;

  std::uint32_t bank_of(std::size_t offset) const { return static_cast<std::uint32_t>(offset / bank_bytes_); }

 private:
  struct Landing {
    std::uint64_t cycle;
    std::uint32_t port;
    std::uint64_t bytes;
  };
  std::uint32_t port(std::uint32_t bank, bool write) const { return bank * (split_ ? 2 : 1) + (split_ && write); }

  std::size_t bytes_, bank_bytes_;
  std::uint32_t banks_, width_, ports_;
  bool split_;
  std::vector<Landing> dma_;
};

}  // namespace qacc
