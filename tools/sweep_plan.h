#pragma once
// A sweep's plan: the design points of a grid and what every point shares (model,
// image, references, base config), kept as DIR/sweep.json so points can run anywhere
// (this machine's pool, GNU parallel, a Slurm array) and be merged later.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/config/arch_config.h"
#include "tools/sweep_grid.h"

namespace qacc::sweep {

inline constexpr int kSweepVersion = 1;

struct Sweep {
  std::filesystem::path model, image, reference, config_file;
  std::vector<std::string> overrides;  // --set, applied before each point's settings
  std::vector<Axis> axes;
  std::vector<Settings> points;
  bool timing_only = false;  // points run without arithmetic and are not checked
};

struct PlanOptions {
  std::filesystem::path out;
  std::filesystem::path model, image, reference, config_file;
  std::vector<std::string> grid, overrides;
  bool timing_only = false;
};

std::filesystem::path spec_path(const std::filesystem::path& dir);
std::filesystem::path point_path(const std::filesystem::path& dir, std::size_t index);
std::filesystem::path log_path(const std::filesystem::path& dir, std::size_t index);

// The command that runs one point: this program's `point DIR INDEX`.
std::vector<std::string> point_argv(const std::filesystem::path& dir, std::size_t index);

// A point's status: "ok" (checked, every layer equals LibTorch int8), "timed" (a
// timing-only run: figures, no check), "mismatch", "error" or "missing".
inline bool has_figures(const std::string& status) { return status == "ok" || status == "timed"; }

// Expands the grid, checks every point's design against the model (so no point fails
// hours in on a buffer that cannot hold a layer), writes DIR/sweep.json and DIR/jobs.txt.
Sweep plan(const PlanOptions& options);
Sweep read_sweep(const std::filesystem::path& dir);

// A point's settings as [[key, value], ...], as sweep.json and the point files hold them.
nlohmann::json settings_json(const Settings& settings);

// The config overrides of one point: the sweep's --set, then the point's settings.
std::vector<std::string> point_overrides(const Sweep& s, std::size_t index);

// A point's design: the sweep's config file and point_overrides over the defaults,
// except that a sweep maps every layer with the host's search (`mapping: search`)
// unless the file, --set or the grid says otherwise, so each design is judged at its
// best mapping for `mapping_objective`, not at the firmware planner's.
qacc::ArchConfig point_design(const Sweep& s, std::size_t index);

}  // namespace qacc::sweep
