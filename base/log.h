#pragma once
// One logger for the whole project: fmt syntax, a level threshold set once by each
// tool's --log-level (default: warnings), messages to stderr. A message below the
// threshold costs one comparison: its arguments are never formatted. SystemC code
// logs through model/sim/log.h, which prefixes simulated time and the module's
// hierarchical name.
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace qacc::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarning, kError, kOff };

namespace detail {
inline Level threshold = Level::kWarning;
void emit(Level level, std::string_view origin, std::string_view message);
}  // namespace detail

inline bool enabled(Level level) { return level >= detail::threshold; }
inline void set_level(Level level) { detail::threshold = level; }
inline Level level() { return detail::threshold; }

// "trace", "debug", "info", "warning", "error" or "off"; throws qacc::UsageError
// naming the accepted values otherwise.
Level parse_level(std::string_view name);
const char* level_name(Level level);
// The names parse_level accepts, for --help texts.
inline constexpr const char* kLevelNames = "trace, debug, info, warning, error, off";

// `origin` says who speaks: a tool's name, or "<time> <module>" from model/sim/log.h.
template <typename... Args>
void write(Level level, std::string_view origin, fmt::format_string<Args...> format, Args&&... args) {
  if (!enabled(level)) return;
  detail::emit(level, origin, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace qacc::log
