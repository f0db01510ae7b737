#pragma once
// The sweep's plots, drawn with gnuplot: cycles and utilization against PE count
// (one curve per combination of the other settings), and latency against area and
// against energy with their Pareto fronts.
#include <filesystem>
#include <vector>

#include "tools/sweep_results.h"

namespace qacc::sweep {

void draw_plots(const std::filesystem::path& dir, const Sweep& s, const std::vector<Row>& rows);

}  // namespace qacc::sweep
