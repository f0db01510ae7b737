#pragma once
// What the simulator reports: prediction, per-layer table, totals, machine-readable
// statistics, and the comparison with golden references.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/io/reference_file.h"
#include "tools/simulation.h"
#include "tools/stats_table.h"

namespace qacc {

// The image-level figures besides the layers' sums: the image's cycles (host firmware
// included), its latency at the clock, and the design's area proxy.
struct ImageFigures {
  std::uint64_t cycles = 0;
  double latency_us = 0;
  double area_mm2 = 0;
};
ImageFigures image_figures(const SimulationInput& in, const ImageResult& r);

// A design's short name: the first hex digits of the SHA-256 of its full
// configuration (describe(), one key=value per line, but pe_model). Two results with
// the same tag ran the same design; the manifest also carries the whole hash.
inline constexpr std::size_t kDesignTagDigits = 12;
std::string design_config_text(const ArchConfig& config);
// The configuration as sim_top prints it: keys grouped (array, buffers, memory, CPU,
// energy and area), a value that differs from the built-in default marked with '*'.
std::string config_printout(const ArchConfig& config);
std::string design_tag(const ArchConfig& config);
// Every config key with its value (a number where it holds one).
nlohmann::json config_json(const ArchConfig& config);
// What every result file names about the run: the design tag, the whole
// configuration's hash, the tool's version and build type.
nlohmann::json design_manifest(const ArchConfig& config);
// A run's: the design's, the model file and its SHA-256, and image `image` (its
// source and the SHA-256 of its pixels); without one, the run's only image, or for
// several their count and the hash of all their pixels.
nlohmann::json run_manifest(const SimulationInput& in, std::optional<std::size_t> image = std::nullopt);
// The manifest's fields a CSV row carries after the design tag.
inline constexpr const char* kManifestCsvKeys[] = {"model_sha256", "image_sha256", "tool_version", "build_type"};

void print_report(const SimulationInput& in, std::size_t image, const ImageResult& r);
// The host's tiles, one line per layer with where they came from and the cost model's
// estimate; "" when the firmware plans every layer.
std::string mapping_printout(const SimulationInput& in);
nlohmann::json stats_json(const SimulationInput& in, std::size_t image, const ImageResult& r);
void write_stats_json(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r);
void write_stats_csv(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r);

// The reference image with these pixels; throws qacc::Error when there is none.
const ReferenceImage& reference_for(const ReferenceSet& golden, const std::vector<std::uint8_t>& pixels);

// A simulation of one image, checked against golden references when given.
struct CheckedRun {
  SimulationResult sim;
  std::string mismatch;  // check_against's answer: "" when every layer agrees (or unchecked)
};
// What sim_top and a sweep point both do. Looks the image up in `golden` first, so a
// run that cannot be checked fails (qacc::Error) before it simulates.
CheckedRun run_and_check(const SimulationInput& in, const ReferenceSet* golden);

// Compares the quantised input and every layer's result with the reference image
// whose pixels equal the input's. Returns "" when all agree, else where they first
// differ (layer, channel, position). Throws qacc::Error when no reference image has
// these pixels.
std::string check_against(const ReferenceSet& golden, const SimImage& image, const ImageResult& r);

}  // namespace qacc
