#include "model/timing/cost_model.h"

#include <algorithm>

namespace qacc::timing {

std::uint64_t compute_cycles(const ArchConfig& c, const TileShape& t) {
  if (t.macs() == 0) return 0;
  const std::uint64_t r = static_cast<std::uint64_t>(c.pe_rows), col = static_cast<std::uint64_t>(c.pe_cols);
  if (c.dataflow == Dataflow::kWeightStationary)
    return ceil_div(t.k, r) * ceil_div(t.m, col) * (r + t.p + r + col - 2);
  return ceil_div(t.p, r) * ceil_div(t.m, col) * (t.k + 2 * r + col - 2);
}

// Partial sums are int32.
constexpr std::uint64_t kPsumBytes = sizeof(std::int32_t);

SramTraffic compute_traffic(const ArchConfig& c, const TileShape& t) {
  const std::uint64_t r = static_cast<std::uint64_t>(c.pe_rows), col = static_cast<std::uint64_t>(c.pe_cols);
  SramTraffic s;
  if (c.dataflow == Dataflow::kWeightStationary) {
    // Weights read once; each input vector streamed once per column block; partial
    // sums read and written once per row block (the first pass starts from the bias).
    s.weight_reads = t.k * t.m;
    s.input_reads = t.k * t.p * ceil_div(t.m, col);
    s.psum_reads = kPsumBytes * t.p * t.m * ceil_div(t.k, r);
    s.psum_writes = kPsumBytes * t.p * t.m * ceil_div(t.k, r);
  } else {
    // Inputs re-read per column block, weights per row block; partial sums stay in
    // the PEs and are read (bias) and written once.
    s.input_reads = t.k * t.p * ceil_div(t.m, col);
    s.weight_reads = t.k * t.m * ceil_div(t.p, r);
    s.psum_reads = kPsumBytes * t.p * t.m;
    s.psum_writes = kPsumBytes * t.p * t.m;
  }
  return s;
}

std::uint64_t dram_access_cycles(const ArchConfig& c, std::uint64_t bytes) {
  return c.dram_latency_cycles + ceil_div(bytes, c.dram_bytes_per_cycle);
}

std::uint64_t dma_overhead_cycles(const ArchConfig& c, std::uint64_t bytes) {
  const std::uint64_t bus = ceil_div(bytes, c.dma_bus_bytes), dram = ceil_div(bytes, c.dram_bytes_per_cycle);
  return c.dma_setup_cycles + (bus > dram ? bus - dram : 0);
}

std::uint64_t dma_burst_cycles(const ArchConfig& c, std::uint64_t bytes) {
  return dram_access_cycles(c, bytes) + dma_overhead_cycles(c, bytes);
}

std::uint64_t dma_transfer_cycles(const ArchConfig& c, std::uint64_t rows, std::uint64_t row_bytes) {
  const std::uint64_t full = row_bytes / c.dma_burst_bytes, rest = row_bytes % c.dma_burst_bytes;
  std::uint64_t per_row = full * dma_burst_cycles(c, c.dma_burst_bytes);
  if (rest > 0) per_row += dma_burst_cycles(c, rest);
  return rows * per_row;
}

std::uint64_t ppu_cycles(const ArchConfig& c, std::uint64_t elements) {
  if (elements == 0) return 0;
  return ceil_div(elements, c.ppu_lanes) + kPpuPipelineDepth;
}

}  // namespace qacc::timing
