#include "tools/sweep_plan.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/binary.h"
#include "base/error.h"
#include "model/io/image.h"
#include "model/io/model_file.h"
#include "model/io/reference_file.h"
#include "tools/report.h"
#include "tools/simulation.h"

namespace qacc::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kSpecMaxBytes = 64u << 20;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

fs::path self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) fail("cannot find this program's own path (/proc/self/exe): {}", ec.message());
  return self;
}

}  // namespace

json settings_json(const Settings& s) {
  json out = json::array();
  for (const auto& [key, value] : s) out.push_back({key, value});
  return out;
}

fs::path spec_path(const fs::path& dir) { return dir / "sweep.json"; }
fs::path point_path(const fs::path& dir, std::size_t i) { return dir / "points" / fmt::format("{:05}.json", i); }
fs::path log_path(const fs::path& dir, std::size_t i) { return dir / "points" / fmt::format("{:05}.log", i); }

std::vector<std::string> point_argv(const fs::path& dir, std::size_t index) {
  return {self_path().string(), "point", dir.string(), std::to_string(index)};
}

Sweep read_sweep(const fs::path& dir) {
  const auto bytes = read_file(spec_path(dir), kSpecMaxBytes);
  Sweep s;
  try {
    const json j = json::parse(bytes.begin(), bytes.end());
    if (j.at("version").get<int>() != kSweepVersion)
      fail("{}: sweep version {}, this tool reads {}", spec_path(dir).string(), j.at("version").get<int>(),
                 kSweepVersion);
    s.model = j.at("model").get<std::string>();
    s.image = j.at("image").get<std::string>();
    s.reference = j.at("reference").get<std::string>();
    s.config_file = j.at("config").get<std::string>();
    s.overrides = j.at("overrides").get<std::vector<std::string>>();
    for (const auto& a : j.at("axes"))
      s.axes.push_back({a.at("key").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
    for (const auto& p : j.at("points")) s.points.push_back(p.get<Settings>());
    s.timing_only = j.value("timing_only", false);
  } catch (const json::exception& e) {
    fail("{}: not a sweep plan ({})", spec_path(dir).string(), e.what());
  }
  return s;
}

std::vector<std::string> point_overrides(const Sweep& s, std::size_t index) {
  std::vector<std::string> out = s.overrides;
  for (const auto& [key, value] : s.points.at(index)) out.push_back(key + "=" + value);
  return out;
}

ArchConfig point_design(const Sweep& s, std::size_t index) {
  ArchConfig base;
  base.mapping = MappingMode::kSearch;
  return load_design(s.config_file, point_overrides(s, index), base);
}

Sweep plan(const PlanOptions& o) {
  Sweep s;
  s.model = fs::absolute(o.model);
  s.image = fs::absolute(o.image);
  s.reference = fs::absolute(o.reference);
  s.config_file = o.config_file.empty() ? fs::path() : fs::absolute(o.config_file);
  s.overrides = o.overrides;
  s.timing_only = o.timing_only;
  for (const auto& g : o.grid) s.axes.push_back(parse_axis(g));
  s.points = expand(s.axes);

  // Everything a point could trip over is checked now, not after hours of points.
  const auto model_bytes = read_file(s.model, kModelMaxBytes);
  const QuantModel model = decode_model(model_bytes.data(), model_bytes.size(), s.model.string());
  const Image image = load_image(s.image);
  reference_for(load_references(s.reference), image.pixels);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    try {
      const ArchConfig config = point_design(s, i);
      check_buffers_fit(config, model);
      check_dram_fits(config, model_bytes.size(), image.pixels.size(), 1);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("point {} ({}): {}", i, label(s.points[i]), e.what()));
    }
  }

  create_folder(o.out);
  fs::remove_all(o.out / "points");  // results of an earlier plan would be merged as this one's
  create_folder(o.out / "points");
  json axes = json::array();
  for (const auto& a : s.axes) axes.push_back({{"key", a.key}, {"values", a.values}});
  json points = json::array();
  for (const auto& p : s.points) points.push_back(settings_json(p));
  const json spec = {{"version", kSweepVersion},      {"model", s.model.string()},
                     {"image", s.image.string()},     {"reference", s.reference.string()},
                     {"config", s.config_file.string()}, {"overrides", s.overrides},
                     {"axes", axes},                  {"points", points},
                     {"timing_only", s.timing_only}};
  write_file_atomic(spec_path(o.out), spec.dump(2) + "\n");
  std::string jobs;
  const fs::path dir = fs::absolute(o.out);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    std::string line;
    for (const auto& arg : point_argv(dir, i)) line += (line.empty() ? "" : " ") + shell_quote(arg);
    jobs += line + "\n";
  }
  write_file_atomic(o.out / "jobs.txt", jobs);
  return s;
}

}  // namespace qacc::sweep
