#pragma once
// The memory probe behind sim_memtest: the platform's own DMA engine, bus and DRAM
// (whichever dram_model the design names), driven with synthetic patterns instead of
// a network, the STREAM benchmark of this model. Patterns run one after another in
// one simulation (SystemC elaborates once per process), each measured from its first
// request to its last completion.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/config/arch_config.h"

namespace qacc {

struct MemtestPattern {
  enum class Kind { kSequentialRead, kSequentialWrite, kStridedRead, kRandomRead, kMixed };
  Kind kind = Kind::kSequentialRead;
  std::uint64_t bytes = 1u << 20;  // sequential and mixed: the bytes moved
  std::uint32_t row_bytes = 64;    // strided: bytes per row; random: bytes per read
  std::uint64_t stride = 4096;     // strided: bytes from one row's start to the next
  std::uint32_t rows = 4096;       // strided and random: rows (reads)
  std::uint64_t seed = 1;          // random: the addresses' seed
};

const char* to_string(MemtestPattern::Kind kind);
// "seq-read", "seq-write", "strided", "random", "mixed"; throws qacc::UsageError.
MemtestPattern::Kind parse_pattern_kind(const std::string& name);

struct MemtestResult {
  std::string pattern;  // the kind and its parameters, e.g. "strided 64 B x 4096 every 4096 B"
  std::uint64_t bytes = 0, bursts = 0, cycles = 0;
  double achieved_bytes_per_cycle = 0, peak_bytes_per_cycle = 0, efficiency = 0;
  double latency_mean = 0;  // cycles, over the pattern's bursts: issue to completion
  std::uint64_t latency_p99 = 0;
  // The DRAM's own counters over the pattern (DRAMSys only; zero with simple).
  std::uint64_t row_hits = 0, row_misses = 0, refreshes = 0;
};

struct MemtestReport {
  std::string dram;  // the DRAM model in words
  std::vector<MemtestResult> patterns;
};

// Runs every pattern in order on one platform built from `config`. Throws
// qacc::UsageError for a pattern that does not fit the DRAM, a DRAM model this build
// lacks or a bad memspec.
MemtestReport run_memtest(const ArchConfig& config, const std::vector<MemtestPattern>& patterns);

nlohmann::json to_json(const MemtestResult& result);

}  // namespace qacc
