#include "model/timing/cost_model.h"

#include <algorithm>

namespace qacc::timing {

namespace {

// How a dataflow lays a tile on the array (SCALE-Sim's mapping): the dimension along
// the rows, the one along the columns, the one streamed through, and per fold the
// cycles to load the stationary operand and to drain the results.
struct Layout {
  std::uint64_t rows, cols, stream, load, drain;
};

Layout layout(const ArchConfig& c, const TileShape& t) {
  const std::uint64_t r = static_cast<std::uint64_t>(c.pe_rows);
  switch (c.dataflow) {
    case Dataflow::kWeightStationary:
      return {t.k, t.m, t.p, r, 0};
    case Dataflow::kInputStationary:
      return {t.k, t.p, t.m, r, 0};
    case Dataflow::kOutputStationary:
      break;
  }
  return {t.p, t.m, t.k, 0, c.os_drain == OsDrain::kShift ? r : 0};
}

}  // namespace

bool keeps_sums(const ArchConfig& c, const TileShape& t) {
  return c.dataflow == Dataflow::kOutputStationary && c.os_keep_sums && t.p <= static_cast<std::uint64_t>(c.pe_rows) &&
         t.m <= static_cast<std::uint64_t>(c.pe_cols);
}

std::uint64_t compute_cycles(const ArchConfig& c, const TileShape& t) {
  if (t.macs() == 0) return 0;
  const std::uint64_t r = static_cast<std::uint64_t>(c.pe_rows), col = static_cast<std::uint64_t>(c.pe_cols);
  const Layout l = layout(c, t);
  // The next chunk's operands follow this one's into the array without a gap.
  if (keeps_sums(c, t) && !t.last) return l.stream;
  const std::uint64_t folds = ceil_div(l.rows, r) * ceil_div(l.cols, col);
  const std::uint64_t skew = r + col - 2;
  // A fold after its load: streaming, the drain, and (unless folds overlap) the skew.
  const std::uint64_t body = l.stream + l.drain + (c.fold_overlap ? 0 : skew);
  // Every fold's load but the first waits for the array, unless WS weights double-buffer:
  // then it hides behind the fold before, showing only where it is longer.
  const bool hidden = c.dataflow == Dataflow::kWeightStationary && c.ws_weight_double_buffer;
  const std::uint64_t exposed = hidden ? (l.load > body ? l.load - body : 0) : l.load;
  // A parallel OS drain copies the fold's R x C sums at once, but they leave through a
  // port C lanes wide in R beats before the next fold's copy may overwrite them
  // (rtl/pe_pass.sv): every fold but the last lasts at least R.
  const bool paced = c.dataflow == Dataflow::kOutputStationary && c.os_drain == OsDrain::kParallel;
  const std::uint64_t before_last = paced ? std::max(body, r) : body;
  return l.load + (folds - 1) * before_last + body + (folds - 1) * exposed + (c.fold_overlap ? skew : 0);
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
  } else if (c.dataflow == Dataflow::kInputStationary) {
    // Input windows read once; each weight vector streamed once per column block;
    // partial sums read and written once per row block.
    s.input_reads = t.k * t.p;
    s.weight_reads = t.k * t.m * ceil_div(t.p, col);
    s.psum_reads = kPsumBytes * t.p * t.m * ceil_div(t.k, r);
    s.psum_writes = kPsumBytes * t.p * t.m * ceil_div(t.k, r);
  } else {
    // Inputs re-read per column block, weights per row block; partial sums stay in
    // the PEs and are read (bias) and written once.
    s.input_reads = t.k * t.p * ceil_div(t.m, col);
    s.weight_reads = t.k * t.m * ceil_div(t.p, r);
    const bool keep = keeps_sums(c, t);
    s.psum_reads = keep && !t.first ? 0 : kPsumBytes * t.p * t.m;
    s.psum_writes = keep && !t.last ? 0 : kPsumBytes * t.p * t.m;
  }
  return s;
}

namespace {

// Blocks of `n` items cut into pieces of at most `size`: {piece, how many}, the first
// piece apart when `first_apart` (it differs from the rest in what it reads).
std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks(std::uint64_t n, std::uint64_t size, bool first_apart) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (first_apart && n > 0) {
    out.push_back({std::min(n, size), 1});
    n -= std::min(n, size);
  }
  if (n / size > 0) out.push_back({size, n / size});
  if (n % size > 0) out.push_back({n % size, 1});
  return out;
}

}  // namespace

std::vector<PassPhase> pass_phases(const ArchConfig& c, const TileShape& t) {
  const bool first_chunk = t.first;
  std::vector<PassPhase> phases;
  if (t.macs() == 0) return phases;
  const std::uint64_t r = static_cast<std::uint64_t>(c.pe_rows), col = static_cast<std::uint64_t>(c.pe_cols);
  if (c.dataflow != Dataflow::kOutputStationary) {
    // WS keeps weights and streams inputs, IS the other way round: the reduction on
    // the rows, M (WS) or P (IS) on the columns, the other streamed.
    const bool ws = c.dataflow == Dataflow::kWeightStationary;
    const std::uint64_t cols = ws ? t.m : t.p, stream = ws ? t.p : t.m;
    const auto k_blocks = blocks(t.k, r, first_chunk);
    for (std::size_t i = 0; i < k_blocks.size(); ++i) {
      const auto [kb, kn] = k_blocks[i];
      const bool from_bias = first_chunk && i == 0;
      for (const auto& [cb, cn] : blocks(cols, col, false)) {
        PassPhase load{kn * cn, r, 0, 0, 0, 0};
        (ws ? load.weight : load.input) = kb * cb;
        PassPhase flow{kn * cn, stream, 0, 0, from_bias ? 0 : kPsumBytes * stream * cb, kPsumBytes * stream * cb};
        (ws ? flow.input : flow.weight) = kb * stream;
        phases.push_back(load);
        phases.push_back(flow);
        phases.push_back({kn * cn, r + col - 2, 0, 0, 0, 0});
      }
    }
    return phases;
  }
  const bool keep = keeps_sums(c, t);
  for (const auto& [pb, pn] : blocks(t.p, r, false))
    for (const auto& [mb, mn] : blocks(t.m, col, false)) {
      const std::uint64_t n = pn * mn;
      if (keep && !t.last) {  // the sums stay: no skew, no drain
        phases.push_back({n, t.k, t.k * pb, t.k * mb, 0, 0});
        continue;
      }
      phases.push_back({n, t.k + r + col - 2, t.k * pb, t.k * mb, 0, 0});
      // A parallel drain takes no cycles of its own; its bytes still pass the ports.
      const bool start_values = !first_chunk && !keep;
      phases.push_back({n, layout(c, t).drain, 0, 0, start_values ? kPsumBytes * pb * mb : 0, kPsumBytes * pb * mb});
    }
  return phases;
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
