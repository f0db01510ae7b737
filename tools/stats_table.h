#pragma once
// The one table of reported statistics: every figure sim_top prints, writes as JSON or
// CSV, and sim_sweep collects into results.csv is a column here, with its unit, its
// meaning and where it appears. A new counter is one line in
// model/accelerator/layer_stats.h and one column here.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/accelerator/layer_stats.h"
#include "model/config/arch_config.h"
#include "model/timing/energy_model.h"

namespace qacc::stats {

// std::monostate: not computed (a value-dependent count in a timing-only run).
using Value = std::variant<std::uint64_t, double, std::string, std::monostate>;

// One row: a layer, or the sum of an image's layers.
struct Row {
  const ArchConfig* config = nullptr;
  LayerStats stats;       // a layer's, or every counter and `cycles` summed
  timing::Energy energy;  // a layer's, or the layers' energies summed part by part
};
Row layer_row(const ArchConfig& config, const LayerStats& layer);
Row total_row(const ArchConfig& config, const std::vector<LayerStats>& layers);

// Where a column appears.
enum Where : unsigned {
  kLayerJson = 1u << 0,  // each layer in --stats-json
  kLayerCsv = 1u << 1,   // each row of --stats-csv
  kTotal = 1u << 2,      // the image's totals in --stats-json and sim_sweep's results.csv
  kTerminal = 1u << 3,   // sim_top's table
  kFromValues = 1u << 4, // counts the values (saturation): none in a timing-only run
};

struct Column {
  std::string_view key;        // JSON key ('/' nests: "energy_pj/mac"); CSV header with '_' for '/'
  std::string_view unit;
  std::string_view description;
  unsigned where;
  int decimals;                // real values in CSV and the terminal
  Value (*get)(const Row& row);
  std::string_view total_key;  // the key among the totals, where it differs
  std::string_view heading;    // in sim_top's table
};

const std::vector<Column>& columns();

// The largest of a row's time components, which add up to its cycles: "compute" (PE
// array), "ppu", or "dma" (the controller waiting for loads and stores).
std::string bound_by(const Row& row);

// The CSV header of a key: "energy_pj/mac" -> "energy_pj_mac", "energy_pj/total" -> "energy_pj".
std::string csv_name(std::string_view key);
std::string format_value(const Value& v, int decimals);
nlohmann::json json_value(const Value& v);
// The column's value in `row`; not computed (std::monostate) for a value-dependent
// column of a timing-only run.
Value value_of(const Column& column, const Row& row, bool timing_only);
// Sets `key` ('/' nests) in `object`.
void set_json(nlohmann::json& object, std::string_view key, const Value& v);

}  // namespace qacc::stats
