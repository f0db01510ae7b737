// sim_top: one image through the SystemC platform. Prints the prediction, top-5, a
// per-layer table and totals; optionally writes a VCD trace, JSON/CSV statistics, and
// checks every layer against LibTorch's golden references.
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/binary.h"
#include "base/cli.h"
#include "base/error.h"
#include "model/io/image.h"
#include "tools/report.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"

namespace {

struct Options {
  std::filesystem::path image = qacc::default_image_path();
  std::filesystem::path model = qacc::default_model_path();
  std::filesystem::path config_file;
  std::string pe;  // RxC
  std::string dataflow;
  std::vector<std::string> overrides;
  std::vector<std::string> traces;
  std::filesystem::path trace_file = "sim_top";
  std::string trace_detail = "burst";
  std::filesystem::path stats_json, stats_csv;
  bool check = false;
  bool timing_only = false;
  bool no_resize = false;
  std::filesystem::path reference = qacc::default_reference_path();
  std::string fault;
  bool vcd_clock = false;
};

qacc::ArchConfig make_config(const Options& o) {
  std::vector<std::string> overrides;
  if (!o.pe.empty()) overrides.push_back("pe=" + o.pe);
  if (!o.dataflow.empty()) overrides.push_back("dataflow=" + o.dataflow);
  overrides.insert(overrides.end(), o.overrides.begin(), o.overrides.end());
  return qacc::load_design(o.config_file, overrides);
}

int run(const Options& o) {
  qacc::SimulationInput in = qacc::prepare_input(make_config(o), o.model);
  const qacc::Image image = qacc::load_image(o.image, o.no_resize ? qacc::Resize::kRefuse : qacc::Resize::kAllow);
  in.images.push_back({image.pixels, image.label, o.image.string()});
  if (!o.fault.empty()) in.fault = qacc::parse_fault(o.fault);
  in.timing_only = o.timing_only;
  // One path names every trace: its extension, if it is one of theirs, is replaced.
  auto stem = o.trace_file;
  if (stem.extension() == ".vcd" || stem.extension() == ".json") stem.replace_extension();
  for (const auto& kind : o.traces) {
    if (kind == "vcd") {
      in.vcd = stem;
      in.vcd_clock = o.vcd_clock;
    } else if (kind == "perfetto") {
      in.timeline = stem.string() + ".json";
      in.timeline_detail = qacc::parse_timeline_detail(o.trace_detail);
    }
  }

  fmt::print("sim_top: {} on {}\n", o.image.string(), o.model.string());
  fmt::print("design {} (* differs from the default):\n{}", qacc::design_tag(in.config), qacc::config_printout(in.config));
  if (const std::string mapping = qacc::mapping_printout(in); !mapping.empty()) fmt::print("{}", mapping);

  std::optional<qacc::ReferenceSet> golden;
  if (o.check) golden = qacc::load_references(o.reference);
  const qacc::CheckedRun run = qacc::run_and_check(in, golden ? &*golden : nullptr);
  const qacc::SimulationResult& sim = run.sim;
  if (!sim.ok()) {
    fmt::print(stderr, "sim_top: {}\n", sim.error);
    return 1;
  }
  const qacc::ImageResult& r = sim.images.front();
  qacc::print_report(in, 0, r);
  for (const auto& [target, s] : sim.bus)
    fmt::print("bus -> {}: {} transactions, {} bytes read, {} bytes written\n", target, s.transactions, s.bytes_read,
               s.bytes_written);
  fmt::print("simulated in {:.3f} s wall time; peak resident memory {:.1f} MiB\n", sim.wall_seconds,
             qacc::peak_rss_mib());
  if (!in.vcd.empty())
    fmt::print("VCD trace: {}.vcd (open with: gtkwave {}.gtkw)\n", in.vcd.string(), in.vcd.string());
  if (!in.timeline.empty())
    fmt::print("timeline: {} ({} detail, {:.1f} MB; open it in ui.perfetto.dev or chrome://tracing)\n",
               in.timeline.string(), o.trace_detail, static_cast<double>(std::filesystem::file_size(in.timeline)) / 1e6);
  if (!o.stats_json.empty()) {
    qacc::write_stats_json(o.stats_json, in, 0, r);
    fmt::print("statistics (JSON): {}\n", o.stats_json.string());
  }
  if (!o.stats_csv.empty()) {
    qacc::write_stats_csv(o.stats_csv, in, 0, r);
    fmt::print("statistics (CSV): {}\n", o.stats_csv.string());
  }
  if (o.check) {
    if (!run.mismatch.empty()) {
      fmt::print("check against {}: MISMATCH: {}\n", o.reference.string(), run.mismatch);
      return 1;
    }
    fmt::print("check against {}: input and all {} layers equal LibTorch int8, bit for bit\n", o.reference.string(),
               r.outputs.size());
  }
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_top: run one image through the SystemC/TLM-2.0 accelerator platform");
  Options o;
  app.add_option("--image", o.image, "3072-byte raw CHW image, 3073-byte CIFAR-10 record, PNG or JPEG")
      ->capture_default_str();
  app.add_option("--model", o.model, "Quantised model file (.qacm)")->capture_default_str();
  app.add_option("--config", o.config_file, "Architecture config (YAML)");
  app.add_option("--pe", o.pe, "PE array shape ROWSxCOLS (e.g. 16x16)");
  app.add_option("--dataflow", o.dataflow, "ws (weight-stationary), os (output-stationary) or is (input-stationary)");
  app.add_option("--set", o.overrides, "Override a config key: key=value (repeatable)");
  app.add_option("--trace", o.traces,
                 "Trace kind, repeatable: vcd (signals for GTKWave), perfetto (a timeline for ui.perfetto.dev) or none")
      ->check(CLI::IsMember({"vcd", "perfetto", "none"}))
      ->take_all();
  app.add_option("--trace-file", o.trace_file,
                 "Trace path; .vcd for the VCD (with a GTKWave save file .gtkw beside it), .json for the timeline")
      ->capture_default_str();
  app.add_option("--trace-detail", o.trace_detail,
                 "Timeline detail: layer (layers, firmware, stalls, interrupt), pass (+ PE array and PPU passes, "
                 "register accesses) or burst (+ every DMA burst and the in-flight counters)")
      ->check(CLI::IsMember({"layer", "pass", "burst"}))
      ->capture_default_str();
  app.add_flag("--vcd-clock", o.vcd_clock, "Record the clock in the VCD too (about 60 MB per image)");
  app.add_option("--stats-json", o.stats_json, "Write statistics as JSON");
  app.add_option("--stats-csv", o.stats_csv, "Write per-layer statistics as CSV");
  auto* check = app.add_flag("--check", o.check, "Compare every layer with the golden references");
  app.add_flag("--timing-only", o.timing_only,
               "Cycles only: the PE array and the PPU compute no values (every cycle count as in a full run)")
      ->excludes(check);
  app.add_flag("--no-resize", o.no_resize, "Refuse a picture that is not 32x32 instead of resizing it");
  app.add_option("--reference", o.reference, "Golden reference file for --check")->capture_default_str();
  app.add_option("--inject-fault", o.fault,
                 "Test hook: dram-error:LAYER (memory error under its weights), hang:LAYER (no interrupt), "
                 "buffers (capability registers claim 16x the buffers)");
  return qacc::run_tool("sim_top", app, argc, argv, [&] { return run(o); });
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
