#include "tools/simulation.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>

#include "base/binary.h"
#include "base/error.h"
#include "base/hash.h"
#include "contract/memory_map.h"
#include "model/platform/platform.h"
#include "sw/tiling.h"
#include "tools/report.h"

namespace qacc {

std::filesystem::path default_model_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "train/shipped/vgglite_int8.qacm"; }
std::filesystem::path default_image_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "traces/images/cat.bin"; }
std::filesystem::path default_reference_path() { return std::filesystem::path(QACC_SOURCE_DIR) / "traces/golden/samples.qacr"; }

ArchConfig load_design(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       const ArchConfig& base) {
  ArchConfig c = file.empty() ? base : load_arch_config(file, base);
  for (const auto& s : overrides) apply_override(c, s);
  validate(c);
  return c;
}

FaultInjection parse_fault(const std::string& spec) {
  FaultInjection f;
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  if (kind == "buffers" && colon == std::string::npos) {
    f.kind = FaultInjection::Kind::kMisreportedBuffers;
    return f;
  }
  if ((kind == "dram-error" || kind == "hang") && colon != std::string::npos) {
    f.kind = kind == "hang" ? FaultInjection::Kind::kHang : FaultInjection::Kind::kDramError;
    const std::string layer = spec.substr(colon + 1);
    const auto* end = layer.data() + layer.size();
    if (const auto [ptr, ec] = std::from_chars(layer.data(), end, f.layer); ec == std::errc() && ptr == end && !layer.empty())
      return f;
  }
  throw UsageError(fmt::format("--inject-fault '{}': expected dram-error:LAYER, hang:LAYER or buffers", spec));
}

SimulationInput load_model_input(const std::filesystem::path& model) {
  SimulationInput in;
  in.model_path = model;
  in.model_file = read_file(model, kModelMaxBytes);
  in.model = decode_model(in.model_file.data(), in.model_file.size(), model.string());
  in.model_sha256 = sha256_hex(in.model_file.data(), in.model_file.size());
  return in;
}

SimulationInput prepare_input(const ArchConfig& config, const std::filesystem::path& model) {
  return prepare_input(config, load_model_input(model));
}

SimulationInput prepare_input(const ArchConfig& config, SimulationInput in) {
  in.config = config;
  check_buffers_fit(in.config, in.model);
  in.mapping = map_layers(in.config, in.model);
  return in;
}

double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:   1234 kB"
  return 0;
}

void check_buffers_fit(const ArchConfig& c, const QuantModel& model) {
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const auto& layer = model.layers[i];
    const BufferNeeds n = buffer_needs(sw::smallest_tiles(sw::layer_shape(layer, static_cast<std::uint32_t>(i))));
    const auto overflow = first_overflow(n, {c.input_buffer_bytes, c.weight_buffer_bytes, c.output_buffer_bytes});
    if (!overflow) continue;
    struct Named {
      const char* key;
      const char* what;
    };
    static constexpr Named kNames[] = {{"input_buffer_bytes", "two input halves"},
                                       {"weight_buffer_bytes", "two weight halves"},
                                       {"output_buffer_bytes", "one partial-sum tile and two result tiles"}};
    const Named& name = kNames[static_cast<int>(overflow->buffer)];
    throw UsageError(fmt::format("config key {}: {} bytes cannot hold the smallest tile of layer {} ({}): {} needs {} bytes",
                                 name.key, overflow->size, i, layer.name, name.what, overflow->needed));
  }
}

void check_dram_fits(const ArchConfig& c, std::uint64_t model_bytes, std::uint64_t image_bytes, std::size_t images) {
  const memory_map::DramLayout layout = memory_map::dram_layout(model_bytes, image_bytes, images);
  if (layout.needed > c.dram_bytes)
    throw UsageError(fmt::format("config key dram_bytes: {} bytes cannot hold the model ({} bytes), {} image(s) and the "
                                 "{}-byte heap reserve: they need {} bytes",
                                 c.dram_bytes, model_bytes, images, memory_map::kHeapReserve, layout.needed));
}

SimulationResult simulate(const SimulationInput& in, const ImageCallback& on_image) {
  // The kernel's informational notes ("stopped by user", trace time units) would
  // interleave with the reports; warnings and errors still show.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  SimulationResult r;
  const Clock clock(in.config.cycle_ns());
  Platform* platform = nullptr;
  auto program = [&](Hal& hal) {
    sw::Firmware firmware(hal);
    std::uint64_t previous_end = 0;
    for (std::size_t i = 0; i < firmware.image_count(); ++i) {
      ImageResult image;
      const std::size_t layers_before = platform->accelerator.layer_stats().size();
      try {
        image.inference = firmware.infer(i);
        image.ok = true;
      } catch (const std::exception& e) {
        image.error = e.what();
      }
      const auto& stats = platform->accelerator.layer_stats();
      image.layers.assign(stats.begin() + static_cast<std::ptrdiff_t>(layers_before), stats.end());
      const std::uint64_t now = clock.now();
      image.cycles = now - previous_end;
      previous_end = now;
      if (image.ok) {
        // Backdoor reads: the results are inspected, not transferred by the platform.
        image.input.resize(in.images[i].pixels.size());
        platform->read_memory(image.inference.input_addr, image.input.data(), image.input.size());
        for (const auto& run : image.inference.layers) {
          image.outputs.emplace_back(run.descriptor.result_bytes());
          platform->read_memory(run.descriptor.out_addr, image.outputs.back().data(), image.outputs.back().size());
        }
      }
      if (on_image) on_image(i, image);
      const bool ok = image.ok;
      if (!ok) r.error = fmt::format("image {}: {}", i, image.error);
      if (in.keep_results) r.images.push_back(std::move(image));
      if (!ok) return;  // the accelerator's state is suspect after a failure
    }
  };

  Platform top("platform", in.config, program);
  platform = &top;
  std::vector<std::vector<std::uint8_t>> pixels;
  for (const auto& image : in.images) pixels.push_back(image.pixels);
  // The host's tiles go to the firmware in the boot page; none when the firmware plans
  // every layer.
  std::vector<Platform::TilePlanEntry> plan;
  if (std::any_of(in.mapping.begin(), in.mapping.end(), [](const LayerMapping& m) { return m.source != MappingSource::kFirmware; }))
    for (const LayerMapping& m : in.mapping)
      plan.push_back({m.tiles.out_channels, m.tiles.rows, m.tiles.in_channels, layout_flags(m)});
  top.load(in.model_file, std::move(pixels), std::move(plan));
  if (in.fault.kind != FaultInjection::Kind::kNone && in.fault.kind != FaultInjection::Kind::kMisreportedBuffers &&
      in.fault.layer >= in.model.layers.size())
    throw UsageError(fmt::format("--inject-fault: layer {} of {}", in.fault.layer, in.model.layers.size()));
  switch (in.fault.kind) {
    case FaultInjection::Kind::kNone:
      break;
    case FaultInjection::Kind::kDramError: {
      const QuantLayer& l = in.model.layers[in.fault.layer];
      top.dram.inject_error(memory_map::kModel + l.weight_file_offset, l.weight_count());
      break;
    }
    case FaultInjection::Kind::kHang:
      top.accelerator.inject_hang(in.fault.layer);
      break;
    case FaultInjection::Kind::kMisreportedBuffers:
      top.accelerator.inject_misreported_buffers(16);
      break;
  }
  if (in.timing_only) top.accelerator.skip_arithmetic();
  std::vector<std::string> names;
  for (const auto& l : in.model.layers) names.push_back(l.name);
  top.name_layers(std::move(names));
  const std::string manifest = in.vcd.empty() && in.timeline.empty() ? "" : run_manifest(in).dump();
  if (!in.vcd.empty()) top.trace(in.vcd, in.vcd_clock, manifest);
  std::optional<Timeline> timeline;
  if (!in.timeline.empty()) {
    timeline.emplace(in.timeline, in.config.cycle_ns(), in.timeline_detail);
    top.record(*timeline);
  }

  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.total_cycles = clock.now();
  if (timeline) timeline->finish(manifest);
  for (std::size_t t = 0; t < top.bus.map().size(); ++t) r.bus.emplace_back(top.bus.map()[t].name, top.bus.stats(t));
  if (!top.cpu.finished()) {
    r.error = "simulation ended before the firmware finished";
  } else if (auto e = top.cpu.error(); e && r.error.empty()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      r.error = ex.what();
    }
  }
  return r;
}

}  // namespace qacc
