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
// `run` is plan + every line of jobs.txt, -j at a time + merge. jobs.txt holds one
// shell command per point, so GNU parallel (--sshlogin for many machines) or a Slurm
// array can run the same points elsewhere; docs/design-space.md shows how.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/io/binary.h"
#include "model/io/error.h"
#include "model/io/gnuplot.h"
#include "model/io/image.h"
#include "tools/cli.h"
#include "tools/report.h"
#include "tools/simulation.h"
#include "tools/sweep_grid.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kSweepVersion = 1;
constexpr std::size_t kSpecMaxBytes = 64u << 20;
constexpr std::size_t kPointMaxBytes = 16u << 20;

// What a plan fixes for every point: DIR/sweep.json.
struct Sweep {
  fs::path model, image, reference, config_file;
  std::vector<std::string> overrides;  // --set, applied before each point's settings
  std::vector<qacc::sweep::Axis> axes;
  std::vector<qacc::sweep::Settings> points;
};

struct PlanOptions {
  fs::path out;
  fs::path model = qacc::default_model_path();
  fs::path image = qacc::default_image_path();
  fs::path reference = qacc::default_reference_path();
  fs::path config_file;
  std::vector<std::string> grid, overrides;
};

fs::path spec_path(const fs::path& dir) { return dir / "sweep.json"; }
fs::path point_path(const fs::path& dir, std::size_t i) { return dir / "points" / fmt::format("{:05}.json", i); }
fs::path log_path(const fs::path& dir, std::size_t i) { return dir / "points" / fmt::format("{:05}.log", i); }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

fs::path self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) qacc::fail("cannot find this program's own path (/proc/self/exe): {}", ec.message());
  return self;
}

std::vector<std::string> point_argv(const fs::path& dir, std::size_t index) {
  return {self_path().string(), "point", dir.string(), std::to_string(index)};
}

json settings_json(const qacc::sweep::Settings& s) {
  json out = json::array();
  for (const auto& [key, value] : s) out.push_back({key, value});
  return out;
}

Sweep read_sweep(const fs::path& dir) {
  const auto bytes = qacc::read_file(spec_path(dir), kSpecMaxBytes);
  Sweep s;
  try {
    const json j = json::parse(bytes.begin(), bytes.end());
    if (j.at("version").get<int>() != kSweepVersion)
      qacc::fail("{}: sweep version {}, this tool reads {}", spec_path(dir).string(), j.at("version").get<int>(),
                 kSweepVersion);
    s.model = j.at("model").get<std::string>();
    s.image = j.at("image").get<std::string>();
    s.reference = j.at("reference").get<std::string>();
    s.config_file = j.at("config").get<std::string>();
    s.overrides = j.at("overrides").get<std::vector<std::string>>();
    for (const auto& a : j.at("axes"))
      s.axes.push_back({a.at("key").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
    for (const auto& p : j.at("points")) s.points.push_back(p.get<qacc::sweep::Settings>());
  } catch (const json::exception& e) {
    qacc::fail("{}: not a sweep plan ({})", spec_path(dir).string(), e.what());
  }
  return s;
}

std::vector<std::string> point_overrides(const Sweep& s, std::size_t index) {
  std::vector<std::string> out = s.overrides;
  for (const auto& [key, value] : s.points.at(index)) out.push_back(key + "=" + value);
  return out;
}

// --- plan -------------------------------------------------------------------------

Sweep plan(const PlanOptions& o) {
  Sweep s;
  s.model = fs::absolute(o.model);
  s.image = fs::absolute(o.image);
  s.reference = fs::absolute(o.reference);
  s.config_file = o.config_file.empty() ? fs::path() : fs::absolute(o.config_file);
  s.overrides = o.overrides;
  for (const auto& g : o.grid) s.axes.push_back(qacc::sweep::parse_axis(g));
  s.points = qacc::sweep::expand(s.axes);

  // Everything a point could trip over is checked now, not after hours of points.
  const auto model_bytes = qacc::read_file(s.model, qacc::kModelMaxBytes);
  const qacc::QuantModel model = qacc::decode_model(model_bytes.data(), model_bytes.size(), s.model.string());
  qacc::reference_for(qacc::load_references(s.reference), qacc::load_image(s.image).pixels);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    try {
      qacc::check_buffers_fit(qacc::load_design(s.config_file, point_overrides(s, i)), model);
    } catch (const qacc::UsageError& e) {
      throw qacc::UsageError(fmt::format("point {} ({}): {}", i, qacc::sweep::label(s.points[i]), e.what()));
    }
  }

  qacc::create_folder(o.out);
  fs::remove_all(o.out / "points");  // results of an earlier plan would be merged as this one's
  qacc::create_folder(o.out / "points");
  json axes = json::array();
  for (const auto& a : s.axes) axes.push_back({{"key", a.key}, {"values", a.values}});
  json points = json::array();
  for (const auto& p : s.points) points.push_back(settings_json(p));
  const json spec = {{"version", kSweepVersion},      {"model", s.model.string()},
                     {"image", s.image.string()},     {"reference", s.reference.string()},
                     {"config", s.config_file.string()}, {"overrides", s.overrides},
                     {"axes", axes},                  {"points", points}};
  qacc::write_file_atomic(spec_path(o.out), spec.dump(2) + "\n");
  std::string jobs;
  const fs::path dir = fs::absolute(o.out);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    std::string line;
    for (const auto& arg : point_argv(dir, i)) line += (line.empty() ? "" : " ") + shell_quote(arg);
    jobs += line + "\n";
  }
  qacc::write_file_atomic(o.out / "jobs.txt", jobs);
  return s;
}

// --- point ------------------------------------------------------------------------

// Runs one point and writes its JSON; 0 when the point ran and matched LibTorch.
int run_point(const fs::path& dir, std::size_t index) {
  const Sweep s = read_sweep(dir);
  if (index >= s.points.size()) throw qacc::UsageError(fmt::format("point {}: the plan has {} points", index, s.points.size()));
  json out = {{"index", index}, {"settings", settings_json(s.points[index])}};
  int status = 1;
  try {
    qacc::SimulationInput in = qacc::prepare_input(qacc::load_design(s.config_file, point_overrides(s, index)), s.model);
    const qacc::Image image = qacc::load_image(s.image);
    in.images.push_back({image.pixels, image.label});
    const qacc::SimulationResult sim = qacc::simulate(in);
    out["wall_seconds"] = sim.wall_seconds;
    if (!sim.ok()) {
      out["status"] = "error";
      out["message"] = sim.error;
    } else {
      const auto& r = sim.images.front();
      const std::string diff = qacc::check_against(qacc::load_references(s.reference), in.images.front(), r);
      out["status"] = diff.empty() ? "ok" : "mismatch";
      out["message"] = diff;
      out["stats"] = qacc::stats_json(in, 0, r);
      // The two floors the cycles can approach: every MAC on every PE, and every
      // DRAM byte at the narrower of bus and DRAM.
      const auto t = qacc::totals(in, 0, r);
      const double pes = static_cast<double>(in.config.pe_rows) * in.config.pe_cols;
      out["compute_bound_cycles"] = static_cast<double>(t.macs) / pes;
      out["dram_bound_cycles"] = static_cast<double>(t.dram_read + t.dram_written) /
                                 std::min(in.config.dma_bus_bytes, in.config.dram_bytes_per_cycle);
      if (diff.empty()) status = 0;
    }
  } catch (const std::exception& e) {
    out["status"] = "error";
    out["message"] = e.what();
  }
  qacc::write_file_atomic(point_path(dir, index), out.dump(1) + "\n");
  fmt::print("point {} ({}): {}{}\n", index, qacc::sweep::label(s.points[index]), out["status"].get<std::string>(),
             out["message"].get<std::string>().empty() ? "" : ": " + out["message"].get<std::string>());
  return status;
}

// --- merge ------------------------------------------------------------------------

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return out + "\"";
}

struct Row {
  std::size_t index = 0;
  std::string status = "missing", message;
  json point;  // the point's file, when it has stats
  double pes = 0, cycles = 0, utilization = 0, dma_cycles = 0, compute_bound = 0, area = 0, energy_uj = 0,
         latency_us = 0;
};

Row read_point(const fs::path& dir, std::size_t index) {
  Row row;
  row.index = index;
  const fs::path path = point_path(dir, index);
  if (!fs::exists(path)) {
    row.message = fmt::format("no result (see {})", log_path(dir, index).string());
    return row;
  }
  const auto bytes = qacc::read_file(path, kPointMaxBytes);
  try {
    row.point = json::parse(bytes.begin(), bytes.end());
    row.status = row.point.at("status").get<std::string>();
    row.message = row.point.at("message").get<std::string>();
    if (row.point.contains("stats")) {
      const json& st = row.point.at("stats");
      const json& total = st.at("total");
      const json& config = st.at("config");
      row.pes = std::stod(config.at("pe_rows").get<std::string>()) * std::stod(config.at("pe_cols").get<std::string>());
      row.cycles = total.at("cycles").get<double>();
      row.utilization = total.at("pe_utilization").get<double>();
      row.area = total.at("area_mm2").get<double>();
      row.energy_uj = total.at("energy_pj").at("total").get<double>() * 1e-6;
      row.latency_us = total.at("latency_us").get<double>();
      row.dma_cycles = total.at("dma_cycles").get<double>();
      row.compute_bound = row.point.at("compute_bound_cycles").get<double>();
    }
  } catch (const std::exception& e) {
    qacc::fail("{}: not a sweep point result ({})", path.string(), e.what());
  }
  return row;
}

std::string csv_table(const Sweep& s, const std::vector<Row>& rows) {
  // Config columns from the first point with stats; every point has the same keys.
  std::vector<std::string> config_keys, layer_names;
  for (const auto& r : rows) {
    if (!r.point.contains("stats")) continue;
    for (const auto& [key, value] : r.point["stats"]["config"].items()) config_keys.push_back(key);
    for (const auto& l : r.point["stats"]["layers"]) layer_names.push_back(l["name"].get<std::string>());
    break;
  }
  std::string text = "index,point,status,message";
  for (const auto& k : config_keys) text += "," + k;
  text +=
      ",pe_count,cycles,accelerator_cycles,compute_cycles,stall_cycles,dma_cycles,compute_bound_cycles,dram_bound_cycles,"
      "latency_us,pe_utilization,macs,dram_bytes,sram_bytes,energy_uj,energy_mac_uj,energy_sram_uj,energy_dram_uj,"
      "energy_register_uj,area_mm2";
  for (const auto& name : layer_names) text += ",cycles_" + name;
  text += "\n";
  for (const auto& r : rows) {
    text += fmt::format("{},{},{},{}", r.index, csv_field(qacc::sweep::label(s.points[r.index])), r.status,
                        csv_field(r.message));
    if (!r.point.contains("stats")) {
      text += std::string(config_keys.size() + 19 + layer_names.size(), ',') + "\n";
      continue;
    }
    const json& st = r.point["stats"];
    const json& t = st["total"];
    const json& e = t["energy_pj"];
    for (const auto& k : config_keys) text += "," + csv_field(st["config"].value(k, ""));
    text += fmt::format(",{},{},{},{},{},{},{:.1f},{:.1f},{:.3f},{:.6f},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.6f},{:.5f}",
                        r.pes, t["cycles"].get<std::uint64_t>(), t["accelerator_cycles"].get<std::uint64_t>(),
                        t["compute_cycles"].get<std::uint64_t>(), t["stall_cycles"].get<std::uint64_t>(),
                        t["dma_cycles"].get<std::uint64_t>(), r.compute_bound, r.point["dram_bound_cycles"].get<double>(), r.latency_us, r.utilization, t["macs"].get<std::uint64_t>(),
                        t["dram_bytes_read"].get<std::uint64_t>() + t["dram_bytes_written"].get<std::uint64_t>(),
                        t["sram_bytes"].get<std::uint64_t>(), r.energy_uj, e["mac"].get<double>() * 1e-6,
                        e["sram"].get<double>() * 1e-6, e["dram"].get<double>() * 1e-6,
                        e["registers"].get<double>() * 1e-6, r.area);
    for (const auto& l : st["layers"]) text += fmt::format(",{}", l["cycles"].get<std::uint64_t>());
    text += "\n";
  }
  return text;
}

// Points grouped by every setting except the PE shape: one curve per group.
std::map<std::string, std::vector<const Row*>> series(const Sweep& s, const std::vector<Row>& rows) {
  std::map<std::string, std::vector<const Row*>> out;
  for (const auto& r : rows) {
    if (r.status != "ok") continue;
    qacc::sweep::Settings rest;
    for (const auto& kv : s.points[r.index])
      if (kv.first != "pe" && kv.first != "pe_rows" && kv.first != "pe_cols") rest.push_back(kv);
    out[rest.empty() ? std::string("all points") : qacc::sweep::label(rest)].push_back(&r);
  }
  for (auto& [name, points] : out)
    std::stable_sort(points.begin(), points.end(), [](const Row* a, const Row* b) { return a->pes < b->pes; });
  return out;
}

void draw_plots(const fs::path& dir, const Sweep& s, const std::vector<Row>& rows) {
  const fs::path plots = dir / "plots";
  qacc::create_folder(plots);
  const auto groups = series(s, rows);
  if (groups.empty()) return;
  std::string cycles_plot, util_plot, area_plot, energy_plot;
  int k = 0;
  for (const auto& [name, points] : groups) {
    const fs::path data = plots / fmt::format("series-{}.dat", k);
    std::string text = "# pe_count cycles utilization dma_cycles compute_bound area_mm2 energy_uj latency_us\n";
    for (const Row* r : points)
      text += fmt::format("{} {} {} {} {} {} {} {}\n", r->pes, r->cycles, r->utilization, r->dma_cycles,
                          r->compute_bound, r->area, r->energy_uj, r->latency_us);
    qacc::write_file_atomic(data, text);
    const std::string title = name;  // gnuplot strings in double quotes: no quotes in labels
    const int color = k + 1;
    cycles_plot += fmt::format("{}\"{}\" using 1:2 with linespoints lc {} pt 7 title \"{}\", "
                               "\"{}\" using 1:4 with lines lc {} dt 2 title \"{}: DMA busy\"",
                               cycles_plot.empty() ? "" : ", ", data.string(), color, title, data.string(), color, title);
    util_plot += fmt::format("{}\"{}\" using 1:($3*100) with linespoints lc {} pt 7 title \"{}\"",
                             util_plot.empty() ? "" : ", ", data.string(), color, title);
    area_plot += fmt::format("{}\"{}\" using 6:8 with points lc {} pt 7 title \"{}\"", area_plot.empty() ? "" : ", ",
                             data.string(), color, title);
    energy_plot += fmt::format("{}\"{}\" using 7:8 with points lc {} pt 7 title \"{}\"",
                               energy_plot.empty() ? "" : ", ", data.string(), color, title);
    ++k;
  }
  // The compute floor depends on the PE count only: drawn once.
  cycles_plot += fmt::format(", \"{}\" using 1:5 with lines lc rgb \"black\" dt 3 title \"compute bound (MACs / PEs)\"",
                             (plots / "series-0.dat").string());

  std::vector<double> area, energy, latency;
  std::vector<const Row*> ok;
  for (const auto& r : rows)
    if (r.status == "ok") {
      ok.push_back(&r);
      area.push_back(r.area);
      energy.push_back(r.energy_uj);
      latency.push_back(r.latency_us);
    }
  const auto write_front = [&](const std::vector<double>& x, const std::string& name) {
    std::string text = "# x latency_us index\n";
    for (std::size_t i : qacc::sweep::pareto_front(x, latency))
      text += fmt::format("{} {} {}\n", x[i], latency[i], ok[i]->index);
    const fs::path path = plots / name;
    qacc::write_file_atomic(path, text);
    return path.string();
  };
  const std::string area_front = write_front(area, "front-area.dat");
  const std::string energy_front = write_front(energy, "front-energy.dat");

  const fs::path cycles_png = dir / "cycles_vs_pes.png", util_png = dir / "utilization_vs_pes.png",
                 pareto_png = dir / "pareto.png";
  const std::string script = fmt::format(
      R"gp(set terminal pngcairo size 1000,760 font ",10" noenhanced
set grid
set key outside below
set logscale x 2
set xlabel "PEs (rows x columns)"
set output "{cycles_png}.tmp"
set title "Cycles per image against PE count"
set logscale y
set ylabel "cycles"
plot {cycles_plot}
set output "{util_png}.tmp"
set title "PE utilization against PE count"
unset logscale y
set ylabel "utilization (%)"
set yrange [0:100]
plot {util_plot}
set terminal pngcairo size 1400,640 font ",10" noenhanced
set output "{pareto_png}.tmp"
set yrange [*:*]
unset logscale x
set multiplot layout 1,2
set title "Latency against area (Pareto front: line)"
set xlabel "area proxy (mm2)"
set ylabel "latency (us)"
set logscale y
plot {area_plot}, "{area_front}" using 1:2 with steps lc rgb "black" lw 2 title "Pareto front", "{area_front}" using 1:2 with points lc rgb "black" pt 6 ps 2 notitle
set title "Latency against energy (Pareto front: line)"
set xlabel "energy per image (uJ)"
plot {energy_plot}, "{energy_front}" using 1:2 with steps lc rgb "black" lw 2 title "Pareto front", "{energy_front}" using 1:2 with points lc rgb "black" pt 6 ps 2 notitle
unset multiplot
)gp",
      fmt::arg("cycles_png", cycles_png.string()), fmt::arg("util_png", util_png.string()),
      fmt::arg("pareto_png", pareto_png.string()), fmt::arg("cycles_plot", cycles_plot),
      fmt::arg("util_plot", util_plot), fmt::arg("area_plot", area_plot), fmt::arg("energy_plot", energy_plot),
      fmt::arg("area_front", area_front), fmt::arg("energy_front", energy_front));
  if (qacc::run_gnuplot(plots / "plots.gp", script, {cycles_png, util_png, pareto_png}))
    fmt::print("plots: {}, {}, {}\n", cycles_png.string(), util_png.string(), pareto_png.string());
}

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
  for (const auto& [status, n] : counts)
    if (status != "ok") fmt::print(", {} {}", n, status);
  fmt::print("\nresults: {}\n", (dir / "results.csv").string());
  for (const auto& r : rows)
    if (r.status != "ok") fmt::print("  point {} ({}): {}: {}\n", r.index, qacc::sweep::label(s.points[r.index]), r.status, r.message);
  const auto best = std::min_element(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if ((a.status == "ok") != (b.status == "ok")) return a.status == "ok";
    return a.latency_us < b.latency_us;
  });
  if (best != rows.end() && best->status == "ok")
    fmt::print("fastest: point {} ({}): {:.0f} cycles, {:.2f} us, {:.2f} uJ, {:.3f} mm2\n", best->index,
               qacc::sweep::label(s.points[best->index]), best->cycles, best->latency_us, best->energy_uj, best->area);
  return counts["ok"] == static_cast<int>(rows.size()) ? 0 : 1;
}

// --- run ------------------------------------------------------------------------

std::string duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// Runs every point, `jobs` processes at a time, each with its output in its log.
void run_points(const fs::path& dir, const Sweep& s, int jobs) {
  const fs::path abs = fs::absolute(dir);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0;
  const auto start = std::chrono::steady_clock::now();
  while (done < s.points.size()) {
    while (next < s.points.size() && static_cast<int>(running.size()) < jobs) {
      const auto args = point_argv(abs, next);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      const std::string log = log_path(abs, next).string();
      posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
      pid_t pid = 0;
      const int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
      posix_spawn_file_actions_destroy(&actions);
      if (err != 0) qacc::fail("cannot start {}: {}", argv[0], std::strerror(err));
      running[pid] = next++;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      qacc::fail("waitpid failed: {}", std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const std::size_t index = it->second;
    running.erase(it);
    ++done;
    std::string outcome;
    if (WIFSIGNALED(status)) {
      outcome = fmt::format("crashed (signal {}), see {}", WTERMSIG(status), log_path(dir, index).string());
    } else {
      const Row r = read_point(dir, index);
      outcome = r.status == "ok" ? fmt::format("ok, {:.0f} cycles", r.cycles) : r.status + ": " + r.message;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = elapsed / static_cast<double>(done) * static_cast<double>(s.points.size() - done);
    fmt::print(stderr, "[{}/{}] point {} ({}): {}  elapsed {}, ETA {}\n", done, s.points.size(), index,
               qacc::sweep::label(s.points[index]), outcome, duration(elapsed), duration(eta));
  }
}

void add_plan_options(CLI::App* app, PlanOptions& o) {
  app->add_option("--out", o.out, "Sweep directory (plan, point results, CSV, plots)")->required();
  app->add_option("--grid", o.grid, "An axis: key=value1,value2,... (repeatable; pe=ROWSxCOLS for the PE shape)");
  app->add_option("--set", o.overrides, "Override a config key at every point: key=value (repeatable)");
  app->add_option("--config", o.config_file, "Base architecture config (YAML)");
  app->add_option("--model", o.model, "Quantised model file (.qacm)")->capture_default_str();
  app->add_option("--image", o.image, "Image every point runs (must be in --reference)")->capture_default_str();
  app->add_option("--reference", o.reference, "Golden references every point is checked against")->capture_default_str();
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_sweep: run a grid of accelerator designs, each checked against LibTorch int8");
  app.require_subcommand(1);
  PlanOptions plan_options;
  int jobs = 0;
  auto* run_cmd = app.add_subcommand("run", "Plan, run every point (-j at a time) and merge");
  add_plan_options(run_cmd, plan_options);
  run_cmd->add_option("-j,--jobs", jobs, "Points at once (0: one per core)");
  auto* plan_cmd = app.add_subcommand("plan", "Write the plan and jobs.txt (one command per point) only");
  add_plan_options(plan_cmd, plan_options);
  fs::path dir;
  std::size_t index = 0;
  auto* point_cmd = app.add_subcommand("point", "Run one point of a plan");
  point_cmd->add_option("dir", dir, "Sweep directory")->required();
  point_cmd->add_option("index", index, "Point index")->required();
  auto* merge_cmd = app.add_subcommand("merge", "Collect the points into results.csv and plots");
  merge_cmd->add_option("dir", dir, "Sweep directory")->required();

  return qacc::run_tool("sim_sweep", app, argc, argv, [&]() -> int {
    if (point_cmd->parsed()) return run_point(dir, index);
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
    if (jobs < 0) throw qacc::UsageError("-j must not be negative");
    const int n = jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    run_points(plan_options.out, s, n);
    return merge(plan_options.out);
  });
}

// The SystemC kernel prints its banner before sc_main unless told otherwise.
int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", /*overwrite=*/0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
