#include "tools/memtest.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <systemc>

#include "base/error.h"
#include "contract/memory_map.h"
#include "model/accelerator/layer_stats.h"
#include "model/dma/dma_engine.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"
#include "model/memory/sram.h"
#include "model/sim/clock.h"

namespace qacc {
namespace {

using Kind = MemtestPattern::Kind;

// Mixed traffic alternates reads and writes of this many bytes, as a layer's loads
// and stores do.
constexpr std::uint32_t kMixedChunk = 4096;

// The requests of one pattern and the DRAM bytes it spans; the scratch SRAM takes
// every local side packed from offset 0 (reads may overwrite each other there).
struct Plan {
  std::vector<DmaRequest> requests;
  std::uint64_t dram_extent = 0;
  std::size_t sram_bytes = 0;
};

Plan plan(const MemtestPattern& p, const ArchConfig& config, Sram* sram) {
  Plan plan;
  auto add = [&](DmaRequest::Direction dir, std::uint64_t offset, std::uint32_t rows, std::uint32_t row_bytes,
                 std::uint64_t stride, std::size_t local) {
    DmaRequest r;
    r.direction = dir;
    r.dram_addr = memory_map::kDramBase + offset;
    r.dram_stride = stride;
    r.sram = sram;
    r.sram_offset = local;
    r.rows = rows;
    r.row_bytes = row_bytes;
    plan.requests.push_back(r);
    plan.dram_extent = std::max(plan.dram_extent, offset + (rows - 1) * stride + row_bytes);
    plan.sram_bytes = std::max(plan.sram_bytes, local + r.local_extent());
  };
  const auto whole = [&](std::uint64_t bytes) {
    if (bytes == 0 || bytes > UINT32_MAX) throw UsageError(fmt::format("memtest: --bytes must be 1..{}", UINT32_MAX));
    return static_cast<std::uint32_t>(bytes);
  };
  switch (p.kind) {
    case Kind::kSequentialRead:
    case Kind::kSequentialWrite:
      add(p.kind == Kind::kSequentialRead ? DmaRequest::Direction::kDramToSram : DmaRequest::Direction::kSramToDram,
          0, 1, whole(p.bytes), 0, 0);
      break;
    case Kind::kStridedRead:
      if (p.rows == 0 || p.row_bytes == 0 || p.stride < p.row_bytes)
        throw UsageError("memtest: strided needs --rows and --row-bytes >= 1 and --stride >= --row-bytes");
      add(DmaRequest::Direction::kDramToSram, 0, p.rows, p.row_bytes, p.stride, 0);
      break;
    case Kind::kRandomRead: {
      if (p.rows == 0 || p.row_bytes == 0) throw UsageError("memtest: random needs --rows and --row-bytes >= 1");
      // Aligned to the read's size, anywhere in DRAM.
      std::mt19937_64 rng(p.seed);
      std::uniform_int_distribution<std::uint64_t> slot(0, config.dram_bytes / p.row_bytes - 1);
      for (std::uint32_t i = 0; i < p.rows; ++i)
        add(DmaRequest::Direction::kDramToSram, slot(rng) * p.row_bytes, 1, p.row_bytes, 0, 0);
      break;
    }
    case Kind::kMixed: {
      // Reads from the bottom of DRAM, writes above them, chunk by chunk.
      const std::uint64_t half = whole(p.bytes) / 2;
      for (std::uint64_t done = 0; done < half; done += kMixedChunk) {
        const auto len = static_cast<std::uint32_t>(std::min<std::uint64_t>(kMixedChunk, half - done));
        add(DmaRequest::Direction::kDramToSram, done, 1, len, 0, 0);
        add(DmaRequest::Direction::kSramToDram, half + done, 1, len, 0, kMixedChunk);
      }
      break;
    }
  }
  if (plan.dram_extent > config.dram_bytes)
    throw UsageError(fmt::format("memtest: the {} pattern spans {} bytes of DRAM; dram_bytes is {}",
                                 to_string(p.kind), plan.dram_extent, config.dram_bytes));
  return plan;
}

std::string describe(const MemtestPattern& p) {
  switch (p.kind) {
    case Kind::kSequentialRead:
    case Kind::kSequentialWrite:
    case Kind::kMixed:
      return fmt::format("{} {} B", to_string(p.kind), p.bytes);
    case Kind::kStridedRead:
      return fmt::format("strided {} B x {} every {} B", p.row_bytes, p.rows, p.stride);
    case Kind::kRandomRead:
      return fmt::format("random {} B x {} (seed {})", p.row_bytes, p.rows, p.seed);
  }
  return "";
}

class Bench : public sc_core::sc_module {
 public:
  Router bus;
  Dram dram;
  DmaEngine dma;

  Bench(sc_core::sc_module_name name, const ArchConfig& config, const std::vector<MemtestPattern>& patterns)
      : sc_module(name),
        bus("bus", {{"dram", memory_map::kDramBase, config.dram_bytes}}),
        dram("dram", config),
        dma("dma", config),
        config_(config),
        patterns_(patterns),
        clock_(config.cycle_ns()) {
    dma.out.bind(bus.in);
    bus.out.bind(dram.in);
    dma.set_burst_boundary(dram.burst_boundary());
    dma.set_run_ahead([this](const sc_core::sc_time& t) { return dram.run_ahead(t); });  // its one initiator
    // Planned up front, so a pattern that does not fit fails before the simulation.
    std::size_t scratch = 1;
    for (const auto& p : patterns_) {
      plans_.push_back(plan(p, config_, nullptr));
      scratch = std::max(scratch, plans_.back().sram_bytes);
    }
    scratch_ = std::make_unique<Sram>("scratch", scratch);
    for (auto& pl : plans_)
      for (auto& r : pl.requests) r.sram = scratch_.get();
    SC_HAS_PROCESS(Bench);
    SC_THREAD(drive);
  }

  std::vector<MemtestResult> results;

 private:
  void drive() {
    for (std::size_t i = 0; i < plans_.size(); ++i) {
      const auto t0 = sc_core::sc_time_stamp();
      const DmaStats before = dma.stats();
      const DramStats dram_before = dram.stats();
      const std::size_t first = dma.latencies().size();
      for (const auto& r : plans_[i].requests) dma.submit(r);
      dma.drain();
      if (dma.fault() != DmaFault::kNone)
        fail("memtest: {}: DMA fault at {:#x}", describe(patterns_[i]), dma.fault_address());
      const DmaStats s = dma.stats();
      const DramStats d = dram.stats();
      MemtestResult m;
      m.pattern = describe(patterns_[i]);
      m.bytes = (s.dram_bytes_read + s.dram_bytes_written) - (before.dram_bytes_read + before.dram_bytes_written);
      m.bursts = s.bursts - before.bursts;
      m.cycles = clock_.since(t0);
      m.peak_bytes_per_cycle = dram.peak_bytes_per_cycle();
      m.achieved_bytes_per_cycle = m.cycles == 0 ? 0.0 : static_cast<double>(m.bytes) / static_cast<double>(m.cycles);
      m.efficiency = m.achieved_bytes_per_cycle / m.peak_bytes_per_cycle;
      m.latency_mean = m.bursts == 0 ? 0.0
                                     : static_cast<double>(s.latency_cycles - before.latency_cycles) /
                                           static_cast<double>(m.bursts);
      m.latency_p99 = percentile(dma.latencies(), first, dma.latencies().size(), 0.99);
      m.row_hits = d.row_hits - dram_before.row_hits;
      m.row_misses = d.row_misses - dram_before.row_misses;
      m.refreshes = d.refreshes - dram_before.refreshes;
      results.push_back(m);
    }
    // A DRAM with refresh never runs out of events.
    sc_core::sc_stop();
  }

  const ArchConfig& config_;
  const std::vector<MemtestPattern>& patterns_;
  const Clock clock_;
  std::vector<Plan> plans_;
  std::unique_ptr<Sram> scratch_;
};

}  // namespace

const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::kSequentialRead:
      return "seq-read";
    case Kind::kSequentialWrite:
      return "seq-write";
    case Kind::kStridedRead:
      return "strided";
    case Kind::kRandomRead:
      return "random";
    case Kind::kMixed:
      return "mixed";
  }
  return "";
}

Kind parse_pattern_kind(const std::string& name) {
  for (Kind k : {Kind::kSequentialRead, Kind::kSequentialWrite, Kind::kStridedRead, Kind::kRandomRead, Kind::kMixed})
    if (name == to_string(k)) return k;
  throw UsageError(fmt::format("memtest: unknown pattern '{}' (seq-read, seq-write, strided, random, mixed)", name));
}

MemtestReport run_memtest(const ArchConfig& config, const std::vector<MemtestPattern>& patterns) {
  Bench bench("memtest", config, patterns);
  sc_core::sc_start();
  if (bench.results.size() != patterns.size()) fail("memtest: the simulation ended before the last pattern");
  return {bench.dram.describe(), bench.results};
}

nlohmann::json to_json(const MemtestResult& m) {
  return {{"pattern", m.pattern},
          {"bytes", m.bytes},
          {"bursts", m.bursts},
          {"cycles", m.cycles},
          {"achieved_bytes_per_cycle", m.achieved_bytes_per_cycle},
          {"peak_bytes_per_cycle", m.peak_bytes_per_cycle},
          {"efficiency", m.efficiency},
          {"latency_mean_cycles", m.latency_mean},
          {"latency_p99_cycles", m.latency_p99},
          {"row_hits", m.row_hits},
          {"row_misses", m.row_misses},
          {"refreshes", m.refreshes}};
}

}  // namespace qacc
