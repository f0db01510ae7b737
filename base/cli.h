#pragma once
// How every command-line tool of the project starts and ends: every tool takes
// --log-level; parse errors and qacc::UsageError exit 2, any other error exits 1, each
// as one line on stderr naming the tool.
#include <exception>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"

namespace qacc {

inline int run_tool(const char* tool, CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  std::string level = log::level_name(log::level());
  app.add_option("--log-level", level, fmt::format("Messages shown: {}", log::kLevelNames))->capture_default_str();
  try {
    app.parse(argc, argv);
    log::set_level(log::parse_level(level));
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const UsageError& e) {
    fmt::print(stderr, "{}: {}\n", tool, e.what());
    return 2;
  }
  // Some libraries (LibTorch) append a backtrace to what(): the first line says it.
  const auto first_line = [](const char* what) {
    const std::string text(what);
    return text.substr(0, text.find('\n'));
  };
  try {
    return body();
  } catch (const UsageError& e) {
    fmt::print(stderr, "{}: {}\n", tool, first_line(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", tool, first_line(e.what()));
    return 1;
  }
}

}  // namespace qacc
