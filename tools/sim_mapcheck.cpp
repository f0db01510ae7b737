// sim_mapcheck: how good the mapper's choices are, measured. For one design, the
// mapper's choices are simulated, then the search's candidate plans of every layer
// (all, or an even sample; with --bound only those whose floor could beat the choice)
// with sim_top, every layer pinned at once so that one run measures one candidate of
// each layer; each layer's best measured plan is then set against the choice. Exit 1
// when a choice is more than --tolerance slower.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/binary.h"
#include "base/cli.h"
#include "base/error.h"
#include "sw/tiling.h"
#include "tools/mapper.h"
#include "tools/process_pool.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"

namespace {

struct Options {
  std::filesystem::path model = qacc::default_model_path();
  std::filesystem::path image = qacc::default_image_path();
  std::filesystem::path config_file;
  std::vector<std::string> overrides;
  std::size_t sample = 0;  // 0: every candidate
  bool bound = false;      // skip the candidates whose floor cannot beat the choice
  int jobs = 0;
  double tolerance = 0.02;
  std::filesystem::path work;
};

// Each layer's cycles from a sim_top --stats-csv file, in layer order.
std::vector<std::uint64_t> layer_cycles(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  std::string header, line;
  if (!std::getline(in, header)) qacc::fail("{}: no statistics", csv.string());
  std::vector<std::string> names;
  std::stringstream h(header);
  for (std::string cell; std::getline(h, cell, ',');) names.push_back(cell);
  const auto column = std::find(names.begin(), names.end(), "cycles") - names.begin();
  std::vector<std::uint64_t> cycles;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    for (std::ptrdiff_t i = 0; i <= column && std::getline(row, cell, ','); ++i) {
    }
    cycles.push_back(std::stoull(cell));
  }
  return cycles;
}


int run(const Options& o) {
  qacc::ArchConfig config = qacc::load_design(o.config_file, o.overrides);
  config.mapping = qacc::MappingMode::kSearch;
  config.mapping_objective = qacc::MappingObjective::kLatency;
  config.mapping_pins.clear();
  const qacc::SimulationInput in = qacc::prepare_input(config, o.model);
  const auto& layers = in.model.layers;
  const std::filesystem::path work =
      o.work.empty() ? std::filesystem::temp_directory_path() / fmt::format("sim_mapcheck-{}", ::getpid()) : o.work;
  qacc::create_folder(work);
  const auto sim_top = std::filesystem::canonical("/proc/self/exe").parent_path() / "sim_top";

  // Runs plans[l][r] for every layer at once (a layer with fewer plans repeats its
  // last), run r named `tag`r; returns each run's layer cycles.
  const auto simulate = [&](const std::vector<std::vector<qacc::TileChoice>>& plans, const std::string& tag) {
    std::size_t runs = 0;
    for (const auto& p : plans) runs = std::max(runs, p.size());
    std::vector<std::vector<std::uint64_t>> measured(runs);
    std::size_t failed = 0;
    qacc::run_tasks(
        runs, qacc::resolve_jobs(o.jobs),
        [&](std::size_t r) {
          qacc::Task t;
          t.argv = {sim_top.string(), "--image", o.image.string(), "--model", o.model.string()};
          if (!o.config_file.empty()) t.argv.insert(t.argv.end(), {"--config", o.config_file.string()});
          for (const auto& s : o.overrides) t.argv.insert(t.argv.end(), {"--set", s});
          for (std::size_t l = 0; l < layers.size(); ++l) {
            const qacc::TileChoice& p = plans[l][std::min(r, plans[l].size() - 1)];
            t.argv.insert(t.argv.end(), {"--set", fmt::format("mapping.{}={}", layers[l].name, qacc::to_string(p))});
          }
          t.argv.insert(t.argv.end(), {"--stats-csv", (work / fmt::format("{}{}.csv", tag, r)).string()});
          t.log = work / fmt::format("{}{}.log", tag, r);
          return t;
        },
        {{}, [&](const qacc::TaskExit& e) {
           if (!e.ok()) {
             ++failed;
             fmt::print(stderr, "sim_mapcheck: run {}{} failed ({}), see {}\n", tag, e.task, e.describe(),
                        (work / fmt::format("{}{}.log", tag, e.task)).string());
             return;
           }
           measured[e.task] = layer_cycles(work / fmt::format("{}{}.csv", tag, e.task));
         }});
    if (failed > 0) qacc::fail("{} of {} runs failed", failed, runs);
    return measured;
  };

  // The mapper's choices, measured first.
  std::vector<std::vector<qacc::TileChoice>> chosen(layers.size());
  for (std::size_t l = 0; l < layers.size(); ++l) chosen[l] = {in.mapping[l].tiles};
  const std::vector<std::uint64_t> choice = simulate(chosen, "choice").at(0);

  // Per layer the candidates (every k-th with --sample); with --bound only those whose
  // floor lies below the choice's cycles / (1 + tolerance): no other can beat it by more.
  std::vector<std::vector<qacc::TileChoice>> plans(layers.size());
  std::vector<std::size_t> space(layers.size());
  std::vector<std::vector<std::uint64_t>> floors(layers.size());  // the choice's, then each plan's
  std::vector<std::size_t> tried(layers.size());                  // candidates run
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const qacc::LayerDescriptor shape = qacc::sw::layer_shape(layers[l], static_cast<std::uint32_t>(l));
    const auto all = qacc::candidate_tiles(config, shape);
    space[l] = all.size();
    const std::size_t step = o.sample == 0 ? 1 : std::max<std::size_t>(1, (all.size() + o.sample - 1) / o.sample);
    for (std::size_t i = 0; i < all.size(); i += step)
      if (!o.bound ||
          static_cast<double>(qacc::estimate_plan(config, shape, all[i]).floor) * (1 + o.tolerance) <
              static_cast<double>(choice[l]))
        plans[l].push_back(all[i]);
    floors[l].push_back(in.mapping[l].estimate.floor);
    for (const qacc::TileChoice& t : plans[l]) floors[l].push_back(qacc::estimate_plan(config, shape, t).floor);
    tried[l] = plans[l].size();
    if (plans[l].empty()) plans[l].push_back(in.mapping[l].tiles);  // nothing left to try: the choice again
  }
  std::size_t runs = 0;
  for (const auto& p : plans) runs = std::max(runs, p.size());
  fmt::print("sim_mapcheck: {} runs of {} (the mapper's plans, then candidates{}{}), {} jobs\n", runs + 1,
             sim_top.string(), o.sample == 0 ? "" : fmt::format(", at most {} a layer", o.sample),
             o.bound ? ", those whose floor could beat the choice" : "", qacc::resolve_jobs(o.jobs));
  const auto measured = simulate(plans, "run");
  // The pruning stands on the floor: no run may beat it.
  for (std::size_t l = 0; l < layers.size(); ++l)
    for (std::size_t r = 0; r <= tried[l]; ++r) {
      const std::uint64_t cycles = r == 0 ? choice[l] : measured[r - 1].at(l);
      if (cycles < floors[l][r])
        qacc::fail("{}: {} took {} cycles, below its floor {}", layers[l].name,
                   qacc::to_string(r == 0 ? in.mapping[l].tiles : plans[l][r - 1]), cycles, floors[l][r]);
    }

  int worse = 0;
  fmt::print("{:<6} {:>6} {:>6} {:>18} {:>10} {:>18} {:>10} {:>7}\n", "layer", "space", "run", "mapper", "cycles",
             "best", "cycles", "ratio");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    qacc::TileChoice best_plan = in.mapping[l].tiles;
    std::uint64_t best = choice[l];
    for (std::size_t r = 0; r < plans[l].size(); ++r)
      if (measured[r].at(l) < best) best = measured[r].at(l), best_plan = plans[l][r];
    const double ratio = static_cast<double>(choice[l]) / static_cast<double>(best);
    if (ratio > 1 + o.tolerance) ++worse;
    fmt::print("{:<6} {:>6} {:>6} {:>18} {:>10} {:>18} {:>10} {:>7.4f}{}\n", layers[l].name, space[l], tried[l],
               qacc::to_string(in.mapping[l].tiles), choice[l], qacc::to_string(best_plan), best, ratio,
               ratio > 1 + o.tolerance ? "  (beyond the tolerance)" : "");
  }
  if (o.work.empty()) std::filesystem::remove_all(work);
  fmt::print("{}: every layer's choice within {:.0f}% of the best measured plan\n", worse == 0 ? "ok" : "NOT ok",
             100 * o.tolerance);
  return worse == 0 ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_mapcheck: the mapper's choices against every candidate plan, simulated");
  Options o;
  app.add_option("--model", o.model, "Quantised model file (.qacm)")->capture_default_str();
  app.add_option("--image", o.image, "The image every run simulates")->capture_default_str();
  app.add_option("--config", o.config_file, "Architecture config (YAML)");
  app.add_option("--set", o.overrides, "Override a config key: key=value (repeatable)");
  app.add_option("--sample", o.sample, "At most this many candidates per layer, evenly spread (0: all)")
      ->capture_default_str();
  app.add_flag("--bound", o.bound,
               "Run only the candidates whose floor (LayerEstimate::floor) lies below the choice's cycles / (1 + "
               "tolerance): with --sample 0, as good as running every one");
  app.add_option("-j,--jobs", o.jobs, "Simulations at once (0: one per core)");
  app.add_option("--tolerance", o.tolerance, "Allowed excess of a choice over the best measured plan")
      ->capture_default_str();
  app.add_option("--work", o.work, "Keep each run's statistics and log here");
  return qacc::run_tool("sim_mapcheck", app, argc, argv, [&] { return run(o); });
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
