#include "train/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace qacc {

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(std::max<int64_t>(total, 1)),
      tty_(isatty(fileno(stderr)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(int64_t done, const std::string& detail) {
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    draw(done, detail, false);
  } else if (done >= next_plain_ && done < total_ && now - last_draw_ >= std::chrono::seconds(1)) {
    // A log gets a line per tenth of a long job, and none for one that ends within a
    // second; finish() prints the last line.
    next_plain_ = done + std::max<int64_t>(total_ / 10, 1);
    last_draw_ = now;
    draw(done, detail, false);
  }
}

void Progress::finish(const std::string& detail) { draw(total_, detail, true); }

void Progress::draw(int64_t done, const std::string& detail, bool final_line) {
  constexpr int kWidth = 24;
  const double t = seconds();
  const double rate = t > 0 ? static_cast<double>(done) / t : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  const auto filled = static_cast<int>(kWidth * done / total_);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kWidth - filled), '.');
  const std::string timing =
      final_line ? fmt::format("{}", format_duration(t)) : fmt::format("ETA {}", format_duration(eta));
  const std::string line = fmt::format("{} [{}] {}/{} {:.0f} {}/s {}{}{}", label_, bar, done, total_, rate, unit_,
                                       timing, detail.empty() ? "" : " ", detail);
  if (tty_)
    fmt::print(stderr, "\r\033[K{}{}", line, final_line ? "\n" : "");
  else
    fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
}

}  // namespace qacc
