#pragma once
// The cycle cost model, separate from the functional compute so each can be tested
// alone. Every formula here is written out in docs/timing.md.
#include <cstdint>

#include "model/config/arch_config.h"

namespace qacc::timing {

// One pass of the PE array over a tile: K reduction terms (input channels x kernel
// taps), P output positions, M output channels.
struct TileShape {
  std::uint64_t k = 0;
  std::uint64_t p = 0;
  std::uint64_t m = 0;
  std::uint64_t macs() const { return k * p * m; }
};

// Bytes the PE array moves to and from the on-chip buffers for one tile.
struct SramTraffic {
  std::uint64_t input_reads = 0;
  std::uint64_t weight_reads = 0;
  std::uint64_t psum_reads = 0;
  std::uint64_t psum_writes = 0;
};

inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// PE array cycles for one tile.
//   weight-stationary: rows hold reduction terms, columns output channels;
//     per R x C weight block: R cycles to load weights, P cycles to stream inputs,
//     R + C - 2 cycles of pipeline fill and drain.
//     cycles = ceil(K/R) * ceil(M/C) * (R + P + R + C - 2)
//   output-stationary: rows hold output positions, columns output channels;
//     per R x C output block: K cycles of accumulation plus R + C - 2 fill/drain,
//     plus R cycles to shift the results out down the columns.
//     cycles = ceil(P/R) * ceil(M/C) * (K + 2R + C - 2)
std::uint64_t compute_cycles(const ArchConfig& config, const TileShape& tile);
SramTraffic compute_traffic(const ArchConfig& config, const TileShape& tile);

// One DMA burst of `bytes` (at most dma_burst_bytes):
//   setup + DRAM latency + ceil(bytes / min(bus width, DRAM bytes per cycle)).
std::uint64_t dma_burst_cycles(const ArchConfig& config, std::uint64_t bytes);
// A 2D transfer of `rows` rows of `row_bytes` each: every row split into bursts.
std::uint64_t dma_transfer_cycles(const ArchConfig& config, std::uint64_t rows, std::uint64_t row_bytes);

// The DRAM's own share of a burst, which the DRAM target annotates:
//   latency + ceil(bytes / DRAM bytes per cycle).
std::uint64_t dram_access_cycles(const ArchConfig& config, std::uint64_t bytes);
// The DMA's share, added to the DRAM's: setup plus the beats a narrower bus needs
// beyond the DRAM's streaming time. dram_access + dma_overhead = dma_burst.
std::uint64_t dma_overhead_cycles(const ArchConfig& config, std::uint64_t bytes);

// Post-processing (bias is preloaded; requantise, ReLU, pool) of `elements`
// accumulators: ceil(elements / lanes) + kPpuPipelineDepth.
inline constexpr std::uint64_t kPpuPipelineDepth = 4;
std::uint64_t ppu_cycles(const ArchConfig& config, std::uint64_t elements);

}  // namespace qacc::timing
