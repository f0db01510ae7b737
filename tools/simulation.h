#pragma once
// One inference through the SystemC platform: elaborate, load, run, collect. SystemC
// elaborates once per process, so a process runs one simulation.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/accelerator/accelerator.h"
#include "model/config/arch_config.h"
#include "model/io/model_file.h"
#include "sw/firmware.h"

namespace qacc {

std::filesystem::path default_model_path();
std::filesystem::path default_image_path();
std::filesystem::path default_reference_path();

struct SimulationInput {
  ArchConfig config;
  std::filesystem::path model_path;
  std::vector<std::uint8_t> model_file;  // the .qacm bytes as placed in DRAM
  QuantModel model;                      // the same, decoded on the host for reporting
  std::vector<std::uint8_t> pixels;      // CHW
  std::optional<int> label;
  std::filesystem::path vcd;             // empty: no trace
};

struct SimulationResult {
  bool ok = false;
  std::string error;                       // firmware or bus error when !ok
  sw::InferenceResult inference;
  std::vector<LayerStats> layers;          // one per layer run
  std::vector<std::uint8_t> input;         // quantised input as the firmware wrote it
  std::vector<std::vector<std::uint8_t>> outputs;  // every layer's result read back from DRAM
  std::uint64_t total_cycles = 0;          // simulated time at the end
  double wall_seconds = 0;
};

SimulationResult simulate(const SimulationInput& input);

}  // namespace qacc
