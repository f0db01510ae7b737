#pragma once
// What the simulator reports: prediction, per-layer table, totals, machine-readable
// statistics, and the comparison with golden references.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "model/io/reference_file.h"
#include "model/timing/energy_model.h"
#include "tools/simulation.h"

namespace qacc {

struct Totals {
  std::uint64_t cycles = 0, compute_cycles = 0, stall_cycles = 0, macs = 0, dram_read = 0, dram_written = 0;
  std::uint64_t sram_bytes = 0, register_accesses = 0, dma_cycles = 0;
  double utilization = 0;  // MACs / (PEs x accelerator cycles)
  double latency_us = 0;   // the image's simulated time at the clock
  timing::Energy energy;   // of the accelerator's layers
  double area_mm2 = 0;     // the design's area proxy
};

// The counters the energy proxy weighs.
timing::Activity activity(const LayerStats& layer);

Totals totals(const SimulationInput& in, std::size_t image, const ImageResult& r);

void print_report(const SimulationInput& in, std::size_t image, const ImageResult& r);
nlohmann::json stats_json(const SimulationInput& in, std::size_t image, const ImageResult& r);
void write_stats_json(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r);
void write_stats_csv(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r);

// The reference image with these pixels; throws qacc::Error when there is none.
const ReferenceImage& reference_for(const ReferenceSet& golden, const std::vector<std::uint8_t>& pixels);

// Compares the quantised input and every layer's result with the reference image
// whose pixels equal the input's. Returns "" when all agree, else where they first
// differ (layer, channel, position). Throws qacc::Error when no reference image has
// these pixels.
std::string check_against(const ReferenceSet& golden, const SimImage& image, const ImageResult& r);

}  // namespace qacc
