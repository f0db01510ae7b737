#pragma once
// Logging from SystemC modules: base/log.h's levels, each message prefixed with the
// simulated time and the module's hierarchical name ("1.2 us platform.accelerator.dma").
// Per-transaction messages belong at debug or trace level; when the level is off they
// cost one comparison and their arguments are not formatted.
#include <string>
#include <utility>

#include <systemc>

#include "base/log.h"

namespace qacc::log {

std::string origin(const sc_core::sc_object& who);

template <typename... Args>
void at(Level level, const sc_core::sc_object& who, fmt::format_string<Args...> format, Args&&... args) {
  if (!enabled(level)) return;
  detail::emit(level, origin(who), fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void trace(const sc_core::sc_object& who, fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kTrace, who, format, std::forward<Args>(args)...);
}
template <typename... Args>
void debug(const sc_core::sc_object& who, fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kDebug, who, format, std::forward<Args>(args)...);
}
template <typename... Args>
void info(const sc_core::sc_object& who, fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kInfo, who, format, std::forward<Args>(args)...);
}
template <typename... Args>
void warning(const sc_core::sc_object& who, fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kWarning, who, format, std::forward<Args>(args)...);
}

}  // namespace qacc::log
