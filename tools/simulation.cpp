#include "tools/simulation.h"

#include <chrono>

#include "model/io/error.h"
#include "model/platform/platform.h"

namespace qacc {

std::filesystem::path default_model_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "train/shipped/vgglite_int8.qacm"; }
std::filesystem::path default_image_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "traces/images/cat.bin"; }
std::filesystem::path default_reference_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "traces/golden/samples.qacr"; }

SimulationResult simulate(const SimulationInput& in) {
  // The banner and the "stopped by user" note would interleave with reports.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  SimulationResult r;
  Platform platform("platform", in.config, [&r](sw::Hal& hal) { r.inference = sw::run_inference(hal); });
  platform.load(in.model_file, in.pixels);
  if (!in.vcd.empty()) platform.trace(in.vcd);

  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.total_cycles = static_cast<std::uint64_t>(sc_core::sc_time_stamp() / sc_core::sc_time(in.config.cycle_ns(), sc_core::SC_NS) + 0.5);
  r.layers = platform.accelerator.layer_stats();

  if (!platform.cpu.finished()) {
    r.error = "simulation ended before the firmware finished";
    return r;
  }
  if (auto e = platform.cpu.error()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      r.error = ex.what();
    }
    return r;
  }
  r.input.resize(in.pixels.size());
  platform.read_memory(r.inference.input_addr, r.input.data(), r.input.size());
  for (const auto& run : r.inference.layers) {
    r.outputs.emplace_back(run.descriptor.result_bytes());
    platform.read_memory(run.descriptor.out_addr, r.outputs.back().data(), r.outputs.back().size());
  }
  r.ok = true;
  return r;
}

}  // namespace qacc
