#include "tools/sweep_results.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "base/binary.h"
#include "base/error.h"
#include "tools/report.h"
#include "tools/stats_table.h"

namespace qacc::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kPointMaxBytes = 16u << 20;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return out + "\"";
}

json::json_pointer pointer(std::string_view key) { return json::json_pointer("/" + std::string(key)); }

// The figures of a point besides the statistics table: the image's, and the two
// floors the cycles can approach (sim_sweep point writes them).
struct Figure {
  const char* key;
  int decimals;  // for real values
};
constexpr Figure kImageKeys[] = {{"cycles", 0}, {"latency_us", 3}, {"area_mm2", 5}};
constexpr Figure kBoundKeys[] = {{"compute_bound_cycles", 1}, {"dram_bound_cycles", 1}};

// A JSON number as the CSV shows it: integers as they are, reals to `decimals` places.
std::string csv_number(const json& v, int decimals) {
  if (v.is_null()) return "";  // not computed (timing-only)
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_number_float()) return stats::format_value(v.get<double>(), decimals);
  return stats::format_value(v.get<std::uint64_t>(), decimals);
}

}  // namespace

Costs costs(const std::vector<Row>& rows) {
  Costs c;
  for (const auto& r : rows)
    if (has_figures(r.status)) {
      c.rows.push_back(&r);
      c.area.push_back(r.area);
      c.energy.push_back(r.energy_uj);
      c.latency.push_back(r.latency_us);
    }
  return c;
}

std::vector<std::size_t> front_points(const std::vector<Row>& rows) {
  const Costs c = costs(rows);
  std::vector<std::size_t> out;
  for (const auto* x : {&c.area, &c.energy})
    for (std::size_t i : pareto_front(*x, c.latency)) out.push_back(c.rows[i]->index);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Row read_point(const fs::path& dir, std::size_t index) {
  Row row;
  row.index = index;
  const fs::path path = point_path(dir, index);
  if (!fs::exists(path)) {
    row.message = fmt::format("no result (see {})", log_path(dir, index).string());
    return row;
  }
  const auto bytes = read_file(path, kPointMaxBytes);
  try {
    row.point = json::parse(bytes.begin(), bytes.end());
    row.status = row.point.at("status").get<std::string>();
    row.message = row.point.at("message").get<std::string>();
    if (row.point.contains("stats")) {
      const json& st = row.point.at("stats");
      const json& total = st.at("total");
      const json& config = st.at("config");
      row.pes = config.at("pe_rows").get<double>() * config.at("pe_cols").get<double>();
      row.cycles = total.at("cycles").get<double>();
      row.utilization = total.at("pe_utilization").get<double>();
      row.area = total.at("area_mm2").get<double>();
      row.energy_uj = total.at("energy_pj").at("total").get<double>() * 1e-6;
      row.latency_us = total.at("latency_us").get<double>();
      row.dma_cycles = total.at("dma_cycles").get<double>();
      row.compute_bound = row.point.at("compute_bound_cycles").get<double>();
    }
  } catch (const std::exception& e) {
    fail("{}: not a sweep point result ({})", path.string(), e.what());
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
  // Config keys keep their names; a figure whose name is also a config key
  // (dram_bytes, say) would be ambiguous, so every figure is prefixed.
  std::string text = "index,point,status,message,design";
  for (const char* k : kManifestCsvKeys) text += fmt::format(",{}", k);
  for (const auto& k : config_keys) text += ",config_" + k;
  text += ",pe_count";
  for (const auto& f : kImageKeys) text += fmt::format(",{}", f.key);
  for (const auto& c : stats::columns())
    if (c.where & stats::kTotal) text += "," + stats::csv_name(c.total_key.empty() ? c.key : c.total_key);
  for (const auto& f : kBoundKeys) text += fmt::format(",{}", f.key);
  for (const auto& name : layer_names) text += ",cycles_" + name;
  for (const auto& name : layer_names) text += ",tiles_" + name;  // out/rows/in, as mapping.<layer> takes them
  text += "\n";
  const std::size_t figure_count =
      1 + std::size(kImageKeys) + std::size(kBoundKeys) + 2 * layer_names.size() +
      static_cast<std::size_t>(std::count_if(stats::columns().begin(), stats::columns().end(),
                                             [](const stats::Column& c) { return (c.where & stats::kTotal) != 0; }));
  for (const auto& r : rows) {
    text += fmt::format("{},{},{},{},", r.index, csv_field(label(s.points[r.index])), r.status, csv_field(r.message));
    if (!r.point.contains("stats")) {
      text += std::string(std::size(kManifestCsvKeys) + config_keys.size() + figure_count, ',') + "\n";
      continue;
    }
    const json& st = r.point["stats"];
    const json& total = st["total"];
    text += st["manifest"]["design"].get<std::string>();
    for (const char* k : kManifestCsvKeys) text += "," + csv_field(st["manifest"][k].get<std::string>());
    for (const auto& k : config_keys) {
      const json& v = st["config"][k];
      text += "," + csv_field(v.is_string() ? v.get<std::string>() : v.dump());
    }
    text += fmt::format(",{}", r.pes);
    for (const auto& f : kImageKeys) text += "," + csv_number(total.at(f.key), f.decimals);
    for (const auto& c : stats::columns())
      if (c.where & stats::kTotal)
        text += "," + csv_number(total.at(pointer(c.total_key.empty() ? c.key : c.total_key)), c.decimals);
    for (const auto& f : kBoundKeys) text += "," + csv_number(r.point.at(f.key), f.decimals);
    for (const auto& l : st["layers"]) text += "," + csv_number(l.at("cycles"), 0);
    for (const auto& l : st["layers"]) {
      const json& t = l.at("tile");
      const json m = l.value("mapping", json::object());
      text += "," + to_string(TileChoice{t.at(0).get<std::uint32_t>(), t.at(1).get<std::uint32_t>(),
                                         t.at(2).get<std::uint32_t>(), m.value("walk", "oc") == "rows",
                                         m.value("bias", "weights") == "output"});
    }
    text += "\n";
  }
  return text;
}

}  // namespace qacc::sweep
