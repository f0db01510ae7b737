// sim_memtest: the memory system alone. Drives the platform's DMA engine, bus and DRAM
// (dram_model simple or dramsys) with synthetic patterns and reports the bandwidth
// and latency each achieves: what the network's runs are up against.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/binary.h"
#include "base/cli.h"
#include "model/memory/dram.h"
#include "tools/memtest.h"
#include "tools/report.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"

namespace {

struct Options {
  std::filesystem::path config_file;
  std::vector<std::string> overrides;
  std::vector<std::string> patterns = {"seq-read", "seq-write", "strided", "random", "mixed"};
  qacc::MemtestPattern shape;
  std::filesystem::path json;
};

int run(const Options& o) {
  const qacc::ArchConfig config = qacc::load_design(o.config_file, o.overrides);
  std::vector<qacc::MemtestPattern> patterns;
  for (const auto& name : o.patterns) {
    qacc::MemtestPattern p = o.shape;
    p.kind = qacc::parse_pattern_kind(name);
    patterns.push_back(p);
  }
  fmt::print("sim_memtest: design {} (* differs from the default):\n{}", qacc::design_tag(config),
             qacc::config_printout(config));
  const qacc::MemtestReport report = qacc::run_memtest(config, patterns);
  fmt::print("DRAM: {}\n", report.dram);
  fmt::print("\n{:<36} {:>9} {:>9} {:>7} {:>6} {:>6} {:>8} {:>6} {:>8} {:>8} {:>5}\n", "pattern", "bytes", "cycles",
             "B/cyc", "peak", "eff", "lat mean", "p99", "row hit", "row miss", "refr");
  nlohmann::json out = {{"manifest", qacc::design_manifest(config)},
                        {"config", qacc::config_json(config)},
                        {"dram", report.dram},
                        {"patterns", nlohmann::json::array()}};
  for (const auto& m : report.patterns) {
    fmt::print("{:<36} {:>9} {:>9} {:>7.3f} {:>6.2f} {:>6.3f} {:>8.1f} {:>6} {:>8} {:>8} {:>5}\n", m.pattern, m.bytes,
               m.cycles, m.achieved_bytes_per_cycle, m.peak_bytes_per_cycle, m.efficiency, m.latency_mean,
               m.latency_p99, m.row_hits, m.row_misses, m.refreshes);
    out["patterns"].push_back(qacc::to_json(m));
  }
  if (!o.json.empty()) {
    qacc::write_file_atomic(o.json, out.dump(2) + "\n");
    fmt::print("results (JSON): {}\n", o.json.string());
  }
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_memtest: the DMA, bus and DRAM alone, under synthetic traffic");
  Options o;
  app.add_option("--config", o.config_file, "Architecture config (YAML)");
  app.add_option("--set", o.overrides, "Override a config key: key=value (repeatable)");
  app.add_option("--pattern", o.patterns, "seq-read, seq-write, strided, random, mixed (repeatable; default all)")
      ->capture_default_str();
  app.add_option("--bytes", o.shape.bytes, "seq-read, seq-write, mixed: bytes moved")->capture_default_str();
  app.add_option("--row-bytes", o.shape.row_bytes, "strided: bytes per row; random: bytes per read")
      ->capture_default_str();
  app.add_option("--stride", o.shape.stride, "strided: bytes from one row to the next")->capture_default_str();
  app.add_option("--rows", o.shape.rows, "strided: rows; random: reads")->capture_default_str();
  app.add_option("--seed", o.shape.seed, "random: seed of the addresses")->capture_default_str();
  app.add_option("--json", o.json, "Write the results as JSON");
  return qacc::run_tool("sim_memtest", app, argc, argv, [&] { return run(o); });
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
