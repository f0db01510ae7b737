#pragma once
// A progress line with throughput and ETA: redrawn in place on a terminal, printed as
// plain lines (about every tenth of the work, at most once a second) when stderr is a
// file or pipe. update() is cheap between draws, so callers may call it per item.
#include <chrono>
#include <cstdint>
#include <string>

namespace qacc {

class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit);
  // `done` units finished; `detail` is appended (loss, accuracy...).
  void update(int64_t done, const std::string& detail = {});
  void finish(const std::string& detail = {});
  double seconds() const;

 private:
  void draw(int64_t done, const std::string& detail, bool final_line);

  std::string label_, unit_;
  int64_t total_;
  bool tty_;
  int64_t next_plain_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

std::string format_duration(double seconds);

}  // namespace qacc
