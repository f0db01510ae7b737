#pragma once
// The grid of a design-space sweep, without SystemC: axes over config keys, their
// product as design points, and the Pareto front of two costs.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace qacc::sweep {

// One axis: a config key (or "pe" for ROWSxCOLS) and the values it takes.
struct Axis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "key=v1,v2,...". Every value is tried on the default design, so an unknown
// key or a malformed value is a qacc::UsageError naming the axis.
Axis parse_axis(const std::string& text);

// A point's settings: (key, value) for every axis, in axis order.
using Settings = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t kMaxPoints = 100000;

// The product of the axes, the last axis changing fastest. Throws qacc::UsageError on
// a repeated key or more than kMaxPoints points.
std::vector<Settings> expand(const std::vector<Axis>& axes);

// "key=value key=value", or "default" when there are no settings.
std::string label(const Settings& settings);

// Indices of the points no other point beats in both x and y (lower is better), in
// increasing x. Ties in both keep the first.
std::vector<std::size_t> pareto_front(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace qacc::sweep
