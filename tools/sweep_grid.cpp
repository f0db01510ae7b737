#include "tools/sweep_grid.h"

#include <algorithm>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "base/error.h"
#include "model/config/arch_config.h"

namespace qacc::sweep {

Axis parse_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--grid '{}': expected key=value1,value2,...", text));
  Axis axis{text.substr(0, eq), {}};
  const std::string list = text.substr(eq + 1);
  for (std::size_t begin = 0;;) {
    const auto comma = list.find(',', begin);
    const std::string value = list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    if (value.empty()) throw UsageError(fmt::format("--grid '{}': empty value", text));
    ArchConfig trial;
    try {
      apply_override(trial, axis.key + "=" + value);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("--grid '{}': {}", text, e.what()));
    }
    if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end())
      throw UsageError(fmt::format("--grid '{}': value '{}' given twice", text, value));
    axis.values.push_back(value);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return axis;
}

std::vector<Settings> expand(const std::vector<Axis>& axes) {
  std::set<std::string> keys;
  std::size_t count = 1;
  for (const auto& a : axes) {
    if (!keys.insert(a.key).second) throw UsageError(fmt::format("--grid: key '{}' given twice", a.key));
    count *= a.values.size();
    if (count > kMaxPoints) throw UsageError(fmt::format("--grid: more than {} points", kMaxPoints));
  }
  std::vector<Settings> points(1);
  for (const auto& a : axes) {
    std::vector<Settings> next;
    for (const auto& p : points)
      for (const auto& v : a.values) {
        next.push_back(p);
        next.back().emplace_back(a.key, v);
      }
    points = std::move(next);
  }
  return points;
}

std::string label(const Settings& settings) {
  if (settings.empty()) return "default";
  std::string out;
  for (const auto& [key, value] : settings) out += (out.empty() ? "" : " ") + key + "=" + value;
  return out;
}

std::vector<std::size_t> pareto_front(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
  });
  // Walking in increasing x, a point is on the front when it improves on the best y so far.
  std::vector<std::size_t> front;
  for (std::size_t i : order)
    if (front.empty() || y[i] < y[front.back()]) front.push_back(i);
  return front;
}

}  // namespace qacc::sweep
