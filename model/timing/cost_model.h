#pragma once
// The cycle cost model, separate from the functional compute so each can be tested
// alone. Every formula here is written out in docs/timing.md.
#include <cstdint>
#include <vector>

#include "model/config/arch_config.h"

namespace qacc::timing {

// One pass of the PE array over a tile: K reduction terms (input channels x kernel
// taps), P output positions, M output channels; whether it is the first (starts from
// the bias) and the last (its sums are final) input-channel chunk of its tile.
struct TileShape {
  std::uint64_t k = 0;
  std::uint64_t p = 0;
  std::uint64_t m = 0;
  bool first = true, last = true;
  std::uint64_t macs() const { return k * p * m; }
};

// os_keep_sums: an OS pass of one fold keeps its sums in the PEs between the chunks of
// its tile (a pass that is not its tile's last neither drains nor waits out the skew;
// the next one neither reads start values).
bool keeps_sums(const ArchConfig& config, const TileShape& tile);

// Bytes the PE array moves to and from the on-chip buffers for one tile.
struct SramTraffic {
  std::uint64_t input_reads = 0;
  std::uint64_t weight_reads = 0;
  std::uint64_t psum_reads = 0;
  std::uint64_t psum_writes = 0;
};

inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// PE array cycles for one tile. A dataflow lays two of K, P, M along the rows and
// columns and streams the third (T); folds = ceil(rows/R) ceil(cols/C), and a fold
// costs its load L, T, its drain D and the skew S = R + C - 2:
//   ws: rows K, cols M, T = P, L = R, D = 0
//   is: rows K, cols P, T = M, L = R, D = 0
//   os: rows P, cols M, T = K, L = 0, D = R (os_drain: shift) or 0 (parallel)
//   cycles = folds (L + T + D + S)                  (the defaults: SCALE-Sim's per fold
//                                                    with D = 0)
// With fold_overlap the skew is paid once per pass: folds (L + T + D) + S. With
// ws_weight_double_buffer (WS) each load after the first hides behind the fold
// before it: L + folds B + (folds - 1) max(0, L - B), B = T + D (+ S without overlap).
// With os_drain: parallel every fold but the last lasts max(B, R) (the RTL's drain port).
// With keeps_sums, a chunk that is not its tile's last costs T: the last pays the
// skew and the drain for all of them.
std::uint64_t compute_cycles(const ArchConfig& config, const TileShape& tile);
SramTraffic compute_traffic(const ArchConfig& config, const TileShape& tile);

// The same traffic in time, for buffers with ports (sram_model: ported): a pass as
// phases, each `count` times, with the bytes each moves. Per weight block of kb x mb
// (WS): load R cycles, kb mb weight bytes; stream P cycles, kb P input bytes and
// 4 P mb psum bytes read and written; fill and drain R + C - 2 cycles, none. Per input
// block of kb x pb (IS): load R cycles, kb pb input bytes; stream M cycles, kb M weight
// bytes and 4 pb M psum bytes read and written; fill and drain. Per output
// block of pb x mb (OS): accumulate K + R + C - 2 cycles, K pb input and K mb weight
// bytes; drain D cycles, 4 pb mb psum bytes written and read (the next block's start
// values). The first chunk of a tile starts from the bias, read from the weight buffer
// by the caller, not from psums; with keeps_sums a chunk reads no start values but
// the first, and only the last drains. The phases add up to compute_cycles and
// compute_traffic.
struct PassPhase {
  std::uint64_t count = 0, cycles = 0;
  std::uint64_t input = 0, weight = 0, psum_read = 0, psum_write = 0;
};
std::vector<PassPhase> pass_phases(const ArchConfig& config, const TileShape& tile);

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
