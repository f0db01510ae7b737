#pragma once
// A sweep's results: each point's JSON read back into a row, the rows as
// results.csv (its statistics columns from tools/stats_table.h), and a summary.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/sweep_plan.h"

namespace qacc::sweep {

struct Row {
  std::size_t index = 0;
  std::string status = "missing", message;
  nlohmann::json point;  // the point's file, when it has stats
  // What the plots and the summary use.
  double pes = 0, cycles = 0, utilization = 0, dma_cycles = 0, compute_bound = 0, area = 0, energy_uj = 0,
         latency_us = 0;
};

Row read_point(const std::filesystem::path& dir, std::size_t index);
// The points with figures (status ok or timed), and their costs side by side.
struct Costs {
  std::vector<const Row*> rows;
  std::vector<double> area, energy, latency;
};
Costs costs(const std::vector<Row>& rows);
// The points on either Pareto front the plots draw (latency against area, latency
// against energy), as point indices in increasing order.
std::vector<std::size_t> front_points(const std::vector<Row>& rows);
std::string csv_table(const Sweep& s, const std::vector<Row>& rows);

}  // namespace qacc::sweep
