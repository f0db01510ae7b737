#include "base/log.h"

#include <cstdio>

#include "base/error.h"

namespace qacc::log {
namespace {
constexpr const char* kNames[] = {"trace", "debug", "info", "warning", "error", "off"};
}  // namespace

const char* level_name(Level level) { return kNames[static_cast<int>(level)]; }

Level parse_level(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Level::kOff); ++i)
    if (name == kNames[i]) return static_cast<Level>(i);
  throw UsageError(fmt::format("log level '{}': expected one of {}", name, kLevelNames));
}

void detail::emit(Level level, std::string_view origin, std::string_view message) {
  // One fmt::print per message: lines from two processes sharing stderr stay whole.
  fmt::print(stderr, "[{}] {}: {}\n", level_name(level), origin, message);
}

}  // namespace qacc::log
