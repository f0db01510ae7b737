#pragma once
// Inference through the SystemC platform: elaborate, load, run, collect. SystemC
// elaborates once per process, so a process runs one simulation; the firmware runs
// any number of images in it, one after another.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/accelerator/accelerator.h"
#include "model/config/arch_config.h"
#include "model/interconnect/router.h"
#include "model/sim/timeline.h"
#include "model/io/model_file.h"
#include "sw/firmware.h"
#include "tools/mapper.h"

namespace qacc {

std::filesystem::path default_model_path();
std::filesystem::path default_image_path();
std::filesystem::path default_reference_path();

struct SimImage {
  std::vector<std::uint8_t> pixels;  // CHW
  std::optional<int> label;
  std::string source;  // where it came from (a path, "CIFAR-10 test #N"), for manifests
};

// Test hooks that break a block on purpose (sim_top --inject-fault): an uncorrectable
// DRAM error under a layer's weights, a layer that never raises its interrupt, or
// capability registers that claim 16x the real buffers.
struct FaultInjection {
  enum class Kind { kNone, kDramError, kHang, kMisreportedBuffers };
  Kind kind = Kind::kNone;
  std::uint32_t layer = 0;
};
// "dram-error:LAYER", "hang:LAYER" or "buffers"; throws qacc::UsageError otherwise.
FaultInjection parse_fault(const std::string& spec);

struct SimulationInput {
  ArchConfig config;
  std::filesystem::path model_path;
  std::vector<std::uint8_t> model_file;  // the .qacm bytes as placed in DRAM
  std::string model_sha256;              // of model_file (prepare_input); empty: not yet
  QuantModel model;                      // the same, decoded on the host for reporting
  std::vector<SimImage> images;
  std::filesystem::path vcd;             // without ".vcd"; empty: no trace
  bool vcd_clock = false;                // the clock in the VCD too (it is most of the file)
  std::filesystem::path timeline;        // Trace Event JSON (Perfetto); empty: none
  Timeline::Detail timeline_detail = Timeline::Detail::kBurst;
  bool keep_results = true;              // false: results only reach the callback
  FaultInjection fault;
  std::vector<LayerMapping> mapping;     // the host's tiles per layer (map_layers)
  // No arithmetic in the PE array and the PPU: every cycle as in a full run (no timing
  // depends on a value), the results meaningless and never checked.
  bool timing_only = false;
};

struct ImageResult {
  bool ok = false;
  std::string error;                  // firmware or bus error when !ok
  sw::InferenceResult inference;
  std::vector<LayerStats> layers;     // one per layer run
  std::vector<std::uint8_t> input;    // quantised input as the firmware wrote it
  std::vector<std::vector<std::uint8_t>> outputs;  // every layer's result read back from DRAM
  std::uint64_t cycles = 0;           // since the previous image finished (the first: since reset)
};

struct SimulationResult {
  std::vector<ImageResult> images;    // in order; stops after the first failure
  std::string error;                  // why the simulation stopped early, if it did
  std::uint64_t total_cycles = 0;     // simulated time at the end
  std::vector<std::pair<std::string, RouterTargetStats>> bus;  // per target, whole run
  double wall_seconds = 0;
  bool ok() const { return error.empty(); }
};

// The design of a tool's command line: the YAML file if given (else the defaults),
// then each key=value override in order; validated.
ArchConfig load_design(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       const ArchConfig& base = ArchConfig{});

// Throws qacc::UsageError naming the buffer's config key when even the smallest tile
// of some layer does not fit it (the firmware would stop at that layer).
void check_buffers_fit(const ArchConfig& config, const QuantModel& model);

// Throws qacc::UsageError naming dram_bytes when DRAM cannot hold the model file,
// `images` images of `image_bytes` and the heap reserve (the loader would refuse).
void check_dram_fits(const ArchConfig& config, std::uint64_t model_bytes, std::uint64_t image_bytes, std::size_t images);

// The input for one design and model file: the file read, decoded and checked
// against the design's buffers (check_buffers_fit). Images are the caller's.
SimulationInput prepare_input(const ArchConfig& config, const std::filesystem::path& model);
// The model's part alone (path, bytes, decoded, hash), for a tool that runs many
// designs on one model: read once, then handed to the overload below per design.
SimulationInput load_model_input(const std::filesystem::path& model);
SimulationInput prepare_input(const ArchConfig& config, SimulationInput model_input);

// This process's peak resident memory (VmHWM), in MiB; 0 where /proc cannot tell.
// Read from /proc because getrusage's figure carries over a parent's peak across exec.
double peak_rss_mib();

using ImageCallback = std::function<void(std::size_t index, const ImageResult& result)>;

// Runs every image; `on_image`, if given, sees each result as its image finishes.
SimulationResult simulate(const SimulationInput& input, const ImageCallback& on_image = {});

}  // namespace qacc
