#pragma once
// What the accelerator counts, in one record. Every counter is listed once, in
// QACC_LAYER_COUNTERS; the struct, the subtraction that turns two snapshots into one
// layer's figures, and the name table the reports are checked against all come from
// that list, so a new counter is one line here (and one column in tools/stats_table.cpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "contract/registers.h"

namespace qacc {

// X(member, description): cumulative since reset. Each has one writer: the block
// named (the SRAM stalls: the sum of two blocks'), through its own statistics;
// Accelerator::counters() gathers them.
#define QACC_LAYER_COUNTERS(X)                                                       \
  X(compute_cycles, "PE array busy (PeArray)")                                      \
  X(stall_load_cycles, "controller waiting for a step's loads (Accelerator)")        \
  X(stall_staging_cycles, "waiting for a result half's store (Accelerator)")          \
  X(stall_drain_cycles, "waiting for the layer's last stores (Accelerator)")          \
  X(ppu_cycles, "post-processing busy (PostProcessor)")                             \
  X(stall_sram_bandwidth_cycles, "PE array or PPU waiting for buffer ports: its own bytes (PeArray, PostProcessor)") \
  X(stall_sram_conflict_cycles, "PE array or PPU waiting for buffer ports: DMA bytes on them (PeArray, PostProcessor)") \
  X(saturated_high, "outputs clipped at 255 (PostProcessor)")                        \
  X(saturated_low, "outputs clipped at 0, without ReLU (PostProcessor)")             \
  X(relu_floored, "outputs raised to the zero point by ReLU (PostProcessor)")        \
  X(dma_cycles, "DMA busy: a burst in flight on either channel (DmaEngine)")       \
  X(dma_read_cycles, "DMA read channel busy (DmaEngine)")                           \
  X(dma_write_cycles, "DMA write channel busy (DmaEngine)")                         \
  X(dma_bursts, "DMA bursts completed (DmaEngine)")                                 \
  X(dma_latency_cycles, "sum over bursts of their time in flight (DmaEngine)")      \
  X(macs, "multiply-accumulates (PeArray)")                                          \
  X(dram_read, "bytes the DMA read from DRAM (DmaEngine)")                          \
  X(dram_written, "bytes the DMA wrote to DRAM (DmaEngine)")                        \
  X(dram_row_hits, "DRAM bursts that found their row open (Dram's backend)")         \
  X(dram_row_misses, "DRAM bursts that needed an activate (Dram's backend)")         \
  X(dram_refreshes, "DRAM all-bank refreshes (Dram's backend)")                      \
  X(dram_energy_pj, "DRAM energy of the commands issued, pJ; banked only (Dram's backend)") \
  X(input_buffer_reads, "input buffer bytes read (Sram)")                            \
  X(input_buffer_writes, "input buffer bytes written (Sram)")                        \
  X(weight_buffer_reads, "weight buffer bytes read (Sram)")                          \
  X(weight_buffer_writes, "weight buffer bytes written (Sram)")                      \
  X(output_buffer_reads, "output buffer bytes read (Sram)")                          \
  X(output_buffer_writes, "output buffer bytes written (Sram)")                      \
  X(register_accesses, "register reads and writes, START to START (Accelerator)")    \
  X(tiles, "output tiles stored (Accelerator)")                                      \
  X(passes, "PE array passes (PeArray)")

struct Counters {
#define QACC_DECLARE(member, description) std::uint64_t member = 0;
  QACC_LAYER_COUNTERS(QACC_DECLARE)
#undef QACC_DECLARE

  // The controller's waits on the DMA, whatever the cause.
  std::uint64_t stall_cycles() const { return stall_load_cycles + stall_staging_cycles + stall_drain_cycles; }
  std::uint64_t sram_bytes() const {
    return input_buffer_reads + input_buffer_writes + weight_buffer_reads + weight_buffer_writes +
           output_buffer_reads + output_buffer_writes;
  }
};

// Field by field: a - b for snapshots, a + b for totals.
Counters operator-(const Counters& a, const Counters& b);
Counters operator+(const Counters& a, const Counters& b);

#define QACC_COUNT_ONE(member, description) +1
inline constexpr std::size_t kCounterCount = 0 QACC_LAYER_COUNTERS(QACC_COUNT_ONE);
#undef QACC_COUNT_ONE

struct CounterInfo {
  std::string_view name;
  std::string_view description;
  std::uint64_t Counters::*member;
};
extern const std::array<CounterInfo, kCounterCount> kCounterInfo;

// One layer: its counters (the difference of the snapshots at its start and end,
// except register_accesses, counted from the START before it to its own START: the
// accesses that programmed it), its outcome and the tiling it ran with.
struct LayerStats : Counters {
  std::uint32_t index = 0;
  bool ok = true;
  regs::ErrorCode error = regs::ErrorCode::kNone;
  std::uint64_t cycles = 0;  // START to interrupt
  std::uint64_t dma_latency_p99 = 0;  // cycles, over the layer's bursts
  std::uint32_t tile_out_channels = 0, tile_rows = 0, tile_in_channels = 0;
  bool tile_rows_outer = false;  // the walk: regs::kFlagRowsOuter
  bool tile_bias_apart = false;  // the bias in the output buffer: regs::kFlagBiasApart
};

// The nearest-rank percentile (0 < q <= 1) of values[begin, end); 0 for none.
std::uint64_t percentile(const std::vector<std::uint32_t>& values, std::size_t begin, std::size_t end, double q);

}  // namespace qacc
