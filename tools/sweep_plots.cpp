#include "tools/sweep_plots.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "base/binary.h"
#include "base/gnuplot.h"

namespace qacc::sweep {
namespace {

namespace fs = std::filesystem;

// Text with its runs of digits compared as numbers: "x=2" before "x=16".
struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
      if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
        std::size_t ie = i, je = j;
        while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
        while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
        const std::string x = a.substr(i, ie - i), y = b.substr(j, je - j);
        if (x.size() != y.size()) return x.size() < y.size();
        if (x != y) return x < y;
        i = ie;
        j = je;
      } else {
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
      }
    }
    return a.size() - i < b.size() - j;
  }
};

// The point's PE shape, "RxC", from its statistics.
std::string shape(const Row& r) {
  const auto& config = r.point.at("stats").at("config");
  return fmt::format("{}x{}", config.at("pe_rows").get<int>(), config.at("pe_cols").get<int>());
}

// Points grouped by every setting except the PE shape: one curve per group, the
// groups in the numeric order of their settings.
std::map<std::string, std::vector<const Row*>, NaturalLess> series(const Sweep& s, const std::vector<Row>& rows) {
  std::map<std::string, std::vector<const Row*>, NaturalLess> out;
  for (const auto& r : rows) {
    if (!has_figures(r.status)) continue;
    Settings rest;
    for (const auto& kv : s.points[r.index])
      if (kv.first != "pe" && kv.first != "pe_rows" && kv.first != "pe_cols") rest.push_back(kv);
    out[rest.empty() ? std::string("all points") : label(rest)].push_back(&r);
  }
  for (auto& [name, points] : out)
    std::stable_sort(points.begin(), points.end(), [](const Row* a, const Row* b) { return a->pes < b->pes; });
  return out;
}

}  // namespace

void draw_plots(const fs::path& dir, const Sweep& s, const std::vector<Row>& rows) {
  const fs::path plots = dir / "plots";
  create_folder(plots);
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
    write_file_atomic(data, text);
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

  const Costs c = costs(rows);
  const auto write_front = [&](const std::vector<double>& x, const std::string& name) {
    std::string text = "# x latency_us index pe_shape\n";
    for (std::size_t i : pareto_front(x, c.latency))
      text += fmt::format("{} {} {} {}\n", x[i], c.latency[i], c.rows[i]->index, shape(*c.rows[i]));
    const fs::path path = plots / name;
    write_file_atomic(path, text);
    return path.string();
  };
  const std::string area_front = write_front(c.area, "front-area.dat");
  const std::string energy_front = write_front(c.energy, "front-energy.dat");

  const fs::path cycles_png = dir / "cycles_vs_pes.png", util_png = dir / "utilization_vs_pes.png",
                 pareto_png = dir / "pareto.png";
  const std::string script = fmt::format(
      R"gp(set terminal pngcairo size 1000,760 font ",10" noenhanced
set grid
set key outside below
set autoscale fix
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
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
set yrange [0:*]
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
plot {area_plot}, "{area_front}" using 1:2 with steps lc rgb "black" lw 2 title "Pareto front", "{area_front}" using 1:2 with points lc rgb "black" pt 6 ps 2 notitle, "{area_front}" using 1:2:4 with labels offset char 1,char 0.7 left font ",8" notitle
set title "Latency against energy (Pareto front: line)"
set xlabel "energy per image (uJ)"
plot {energy_plot}, "{energy_front}" using 1:2 with steps lc rgb "black" lw 2 title "Pareto front", "{energy_front}" using 1:2 with points lc rgb "black" pt 6 ps 2 notitle, "{energy_front}" using 1:2:4 with labels offset char 1,char 0.7 left font ",8" notitle
unset multiplot
)gp",
      fmt::arg("cycles_png", cycles_png.string()), fmt::arg("util_png", util_png.string()),
      fmt::arg("pareto_png", pareto_png.string()), fmt::arg("cycles_plot", cycles_plot),
      fmt::arg("util_plot", util_plot), fmt::arg("area_plot", area_plot), fmt::arg("energy_plot", energy_plot),
      fmt::arg("area_front", area_front), fmt::arg("energy_front", energy_front));
  if (run_gnuplot(plots / "plots.gp", script, {cycles_png, util_png, pareto_png}))
    fmt::print("plots: {}, {}, {}\n", cycles_png.string(), util_png.string(), pareto_png.string());
}

}  // namespace qacc::sweep
