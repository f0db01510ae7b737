// sim_sweep: design-space exploration. A grid over config keys becomes a list of
// design points; each point runs the whole network on one image through the SystemC
// platform in its own process (SystemC elaborates once per process), checks every
// layer against LibTorch's golden references, and writes one JSON file. A merge turns
// the point files into a CSV and gnuplot PNGs.
//
//   sim_sweep run   --out DIR --grid pe=4x4,8x8 --grid dataflow=ws,os -j 2
//   sim_sweep plan  --out DIR --grid ...       writes DIR/sweep.json and DIR/jobs.txt
//   sim_sweep point DIR INDEX                  one point: DIR/points/INDEX.json
//   sim_sweep merge DIR                        DIR/results.csv and DIR/plots/*.png
//
// `run` is plan + every point, -j at a time, each in a process forked after the model,
// image and references are read once + merge. jobs.txt holds the same points as one
// shell command each, so GNU parallel (--sshlogin for many machines) or a Slurm array
// can run them elsewhere; docs/design-space.md shows how. With --timing-only the points
// compute no values (cycles as in full runs) and are not checked; `run --verify-front`
// then re-runs the Pareto-front points in full and checks them against LibTorch.
#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/binary.h"
#include "base/cli.h"
#include "base/error.h"
#include "model/io/image.h"
#include "tools/process_pool.h"
#include "tools/report.h"
#include "tools/simulation.h"
#include "tools/sweep_plan.h"
#include "tools/sweep_plots.h"
#include "tools/sweep_results.h"
#include "tools/systemc_main.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace qacc::sweep;

// --- point ------------------------------------------------------------------------

// What every point of a sweep shares, read once: the plan, the model (read, decoded,
// hashed), the image and the references. `run` reads it before it forks the points,
// so no point starts a program, reads a file or hashes the model again.
struct Shared {
  Sweep sweep;
  qacc::SimulationInput model;  // load_model_input
  qacc::Image image;
  std::optional<qacc::ReferenceSet> golden;  // when some point is checked
};

// `full`: some point runs in full even in a timing-only sweep, so the references too.
Shared load_shared(const fs::path& dir, bool full) {
  Shared sh;
  sh.sweep = read_sweep(dir);
  sh.model = qacc::load_model_input(sh.sweep.model);
  sh.image = qacc::load_image(sh.sweep.image);
  if (full || !sh.sweep.timing_only) sh.golden = qacc::load_references(sh.sweep.reference);
  return sh;
}

// Runs one point, from `model` (the shared model part, moved in), and writes its JSON:
// timing-only in a timing-only sweep unless `full`, else checked against LibTorch.
// 0 when the point ran (and matched).
int run_point(const fs::path& dir, std::size_t index, const Shared& sh, qacc::SimulationInput model, bool full) {
  const Sweep& s = sh.sweep;
  if (index >= s.points.size()) throw qacc::UsageError(fmt::format("point {}: the plan has {} points", index, s.points.size()));
  const bool timing_only = s.timing_only && !full;
  json out = {{"index", index}, {"settings", settings_json(s.points[index])}};
  int status = 1;
  try {
    qacc::SimulationInput in = qacc::prepare_input(point_design(s, index), std::move(model));
    in.images.push_back({sh.image.pixels, sh.image.label, s.image.string()});
    in.timing_only = timing_only;
    if (!timing_only && !sh.golden) throw qacc::Error("no golden references loaded");
    const qacc::CheckedRun run = qacc::run_and_check(in, timing_only ? nullptr : &*sh.golden);
    out["wall_seconds"] = run.sim.wall_seconds;
    if (!run.sim.ok()) {
      out["status"] = "error";
      out["message"] = run.sim.error;
    } else {
      const auto& r = run.sim.images.front();
      out["status"] = timing_only ? "timed" : run.mismatch.empty() ? "ok" : "mismatch";
      out["message"] = run.mismatch;
      out["stats"] = qacc::stats_json(in, 0, r);
      // The two floors the cycles can approach: every MAC on every PE, and every
      // DRAM byte at the narrower of bus and DRAM.
      const qacc::stats::Row t = qacc::stats::total_row(in.config, r.layers);
      const double pes = static_cast<double>(in.config.pe_rows) * in.config.pe_cols;
      out["compute_bound_cycles"] = static_cast<double>(t.stats.macs) / pes;
      out["dram_bound_cycles"] = static_cast<double>(t.stats.dram_read + t.stats.dram_written) /
                                 std::min(in.config.dma_bus_bytes, in.config.dram_bytes_per_cycle);
      if (run.mismatch.empty()) status = 0;
    }
  } catch (const std::exception& e) {
    out["status"] = "error";
    out["message"] = e.what();
  }
  qacc::write_file_atomic(point_path(dir, index), out.dump(1) + "\n");
  fmt::print("point {} ({}): {}{}\n", index, label(s.points[index]), out["status"].get<std::string>(),
             out["message"].get<std::string>().empty() ? "" : ": " + out["message"].get<std::string>());
  return status;
}

// --- merge ------------------------------------------------------------------------

// 0 when every point ran and matched LibTorch.
int merge(const fs::path& dir) {
  const Sweep s = read_sweep(dir);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < s.points.size(); ++i) rows.push_back(read_point(dir, i));
  qacc::write_file_atomic(dir / "results.csv", csv_table(s, rows));
  draw_plots(dir, s, rows);

  std::map<std::string, int> counts;
  for (const auto& r : rows) ++counts[r.status];
  fmt::print("{} points: {} ok (every layer equals LibTorch int8)", rows.size(), counts["ok"]);
  if (counts["timed"] > 0) fmt::print(", {} timed (timing only, not checked)", counts["timed"]);
  for (const auto& [status, n] : counts)
    if (!has_figures(status)) fmt::print(", {} {}", n, status);
  fmt::print("\nresults: {}\n", (dir / "results.csv").string());
  for (const auto& r : rows)
    if (!has_figures(r.status))
      fmt::print("  point {} ({}): {}: {}\n", r.index, label(s.points[r.index]), r.status, r.message);
  const auto best = std::min_element(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (has_figures(a.status) != has_figures(b.status)) return has_figures(a.status);
    return a.latency_us < b.latency_us;
  });
  if (best != rows.end() && has_figures(best->status))
    fmt::print("fastest: point {} ({}): {:.0f} cycles, {:.2f} us, {:.2f} uJ, {:.3f} mm2\n", best->index,
               label(s.points[best->index]), best->cycles, best->latency_us, best->energy_uj, best->area);
  return counts["ok"] + counts["timed"] == static_cast<int>(rows.size()) ? 0 : 1;
}

// --- run ------------------------------------------------------------------------

std::string duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// Runs the points `which`, `jobs` at a time, each in a process forked from this one
// (which has read what they share) with its output in its log.
void run_points(const fs::path& dir, Shared& sh, const std::vector<std::size_t>& which, int jobs, bool full) {
  const Sweep& s = sh.sweep;
  std::size_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  qacc::run_tasks(
      which.size(), jobs,
      [&](std::size_t k) {
        qacc::Task t;
        const std::size_t i = which[k];
        // The child's copy of the model is its own: moved, not copied.
        t.body = [&, i](int) { return run_point(dir, i, sh, std::move(sh.model), full); };
        t.log = log_path(dir, i);
        return t;
      },
      {nullptr, [&](const qacc::TaskExit& e) {
         ++done;
         const std::size_t i = which[e.task];
         std::string outcome;
         if (e.signal != 0) {
           outcome = fmt::format("crashed ({}), see {}", e.describe(), log_path(dir, i).string());
         } else {
           const Row r = read_point(dir, i);
           outcome = has_figures(r.status) ? fmt::format("{}, {:.0f} cycles", r.status, r.cycles) : r.status + ": " + r.message;
         }
         const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
         const double eta = elapsed / static_cast<double>(done) * static_cast<double>(which.size() - done);
         fmt::print(stderr, "[{}/{}] point {} ({}): {}  elapsed {}, ETA {}\n", done, which.size(), i,
                    label(s.points[i]), outcome, duration(elapsed), duration(eta));
       }});
}

// After a timing-only sweep: the points on the Pareto fronts re-run in full and checked
// against LibTorch. 0 when every one matches.
int verify_front(const fs::path& dir, Shared& sh, int jobs) {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < sh.sweep.points.size(); ++i) rows.push_back(read_point(dir, i));
  const std::vector<std::size_t> front = front_points(rows);
  fmt::print("verify: the {} Pareto-front points re-run in full, checked against LibTorch int8\n", front.size());
  std::fflush(stdout);
  run_points(dir, sh, front, jobs, true);
  int failed = 0;
  for (std::size_t i : front) {
    const Row r = read_point(dir, i);
    const double timed = rows[i].cycles;
    if (r.status != "ok" || r.cycles != timed) {
      ++failed;
      fmt::print("  point {} ({}): {}{}; {:.0f} cycles, timing-only {:.0f}\n", i, label(sh.sweep.points[i]), r.status,
                 r.message.empty() ? "" : ": " + r.message, r.cycles, timed);
    }
  }
  fmt::print("verify: {} of {} front points equal LibTorch int8 bit for bit, with the timing-only run's cycles\n",
             front.size() - static_cast<std::size_t>(failed), front.size());
  return failed == 0 ? 0 : 1;
}

void add_plan_options(CLI::App* app, PlanOptions& o) {
  app->add_option("--out", o.out, "Sweep directory (plan, point results, CSV, plots)")->required();
  app->add_option("--grid", o.grid, "An axis: key=value1,value2,... (repeatable; pe=ROWSxCOLS for the PE shape)");
  app->add_option("--set", o.overrides, "Override a config key at every point: key=value (repeatable)");
  app->add_option("--config", o.config_file, "Base architecture config (YAML)");
  app->add_option("--model", o.model, "Quantised model file (.qacm)")->capture_default_str();
  app->add_option("--image", o.image, "Image every point runs (must be in --reference)")->capture_default_str();
  app->add_option("--reference", o.reference, "Golden references every point is checked against")->capture_default_str();
  app->add_flag("--timing-only", o.timing_only,
                "Points compute no values and are not checked (cycles as in full runs); see run --verify-front");
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_sweep: run a grid of accelerator designs, each checked against LibTorch int8");
  app.require_subcommand(1);
  PlanOptions plan_options;
  plan_options.model = qacc::default_model_path();
  plan_options.image = qacc::default_image_path();
  plan_options.reference = qacc::default_reference_path();
  int jobs = 0;
  auto* run_cmd = app.add_subcommand("run", "Plan, run every point (-j at a time) and merge");
  add_plan_options(run_cmd, plan_options);
  run_cmd->add_option("-j,--jobs", jobs, "Points at once (0: one per core)");
  bool verify = false;
  run_cmd->add_flag("--verify-front", verify,
                    "After a --timing-only sweep, re-run the Pareto-front points in full and check them");
  auto* plan_cmd = app.add_subcommand("plan", "Write the plan and jobs.txt (one command per point) only");
  add_plan_options(plan_cmd, plan_options);
  fs::path dir;
  std::size_t index = 0;
  auto* point_cmd = app.add_subcommand("point", "Run one point of a plan");
  point_cmd->add_option("dir", dir, "Sweep directory")->required();
  point_cmd->add_option("index", index, "Point index")->required();
  bool full = false;
  point_cmd->add_flag("--full", full, "Run the point in full and check it, even in a timing-only sweep");
  auto* merge_cmd = app.add_subcommand("merge", "Collect the points into results.csv and plots");
  merge_cmd->add_option("dir", dir, "Sweep directory")->required();

  return qacc::run_tool("sim_sweep", app, argc, argv, [&]() -> int {
    if (point_cmd->parsed()) {
      Shared sh = load_shared(dir, full);
      return run_point(dir, index, sh, std::move(sh.model), full);
    }
    if (merge_cmd->parsed()) return merge(dir);
    const Sweep s = plan(plan_options);
    fmt::print("sim_sweep: {} points over {}; plan in {}\n", s.points.size(),
               s.axes.empty() ? std::string("no axes") : [&] {
                 std::string keys;
                 for (const auto& a : s.axes) keys += (keys.empty() ? "" : " x ") + fmt::format("{} {}", a.values.size(), a.key);
                 return keys;
               }(),
               spec_path(plan_options.out).string());
    std::fflush(stdout);  // before the children's progress on stderr
    if (plan_cmd->parsed()) {
      fmt::print("jobs: {} (one command per point; e.g. parallel --will-cite -j 4 < {}), then: sim_sweep merge {}\n",
                 (plan_options.out / "jobs.txt").string(), (plan_options.out / "jobs.txt").string(),
                 plan_options.out.string());
      return 0;
    }
    if (verify && !s.timing_only) throw qacc::UsageError("--verify-front: only after a --timing-only sweep");
    const fs::path out = fs::absolute(plan_options.out);
    Shared sh = load_shared(out, verify);
    std::vector<std::size_t> all(s.points.size());
    std::iota(all.begin(), all.end(), 0);
    run_points(out, sh, all, qacc::resolve_jobs(jobs), false);
    if (!verify) return merge(out);
    const int verified = verify_front(out, sh, qacc::resolve_jobs(jobs));
    return std::max(merge(out), verified);
  });
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
