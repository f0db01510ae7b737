#include "base/gnuplot.h"

#include <cstdlib>

#include <fmt/format.h>

#include "base/binary.h"
#include "base/error.h"

namespace qacc {
namespace {

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

}  // namespace

bool run_gnuplot(const std::filesystem::path& script, const std::string& text,
                 const std::vector<std::filesystem::path>& pngs) {
  if (!have_gnuplot()) {
    for (const auto& png : pngs) fmt::print(stderr, "gnuplot not found: skipping {}\n", png.string());
    return false;
  }
  write_file_atomic(script, text);
  const auto cleanup = [&] {
    for (const auto& png : pngs) std::filesystem::remove(png.string() + ".tmp");
  };
  // Single quotes in the path would end the shell's quoting early.
  if (script.string().find('\'') != std::string::npos) fail("{}: a quote in the path", script.string());
  if (std::system(fmt::format("gnuplot '{}'", script.string()).c_str()) != 0) {
    cleanup();
    fail("{}: gnuplot failed", script.string());
  }
  for (const auto& png : pngs) std::filesystem::rename(png.string() + ".tmp", png);
  std::filesystem::remove(script);
  return true;
}

}  // namespace qacc
