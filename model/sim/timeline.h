#pragma once
// A timeline of one simulation in the Trace Event JSON format that ui.perfetto.dev and
// chrome://tracing open: one track per block (a "thread" of one process), slices with
// a start and a duration, instants, and counters. Times are simulated time (the
// format's microseconds); every slice also carries its cycle numbers as arguments.
//
// Events are written to the file as they are recorded, in the order they come (the
// viewers sort them), so a long run's memory stays flat. Plain C++: the blocks that
// record pass cycles.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qacc {

class Timeline {
 public:
  // How much is recorded (each level includes the one before): layer spans, CPU
  // firmware phases, the interrupt and the controller's stalls; PE array and PPU
  // passes and the CPU's register accesses; every DMA burst, DRAM bank commands
  // and the counter tracks.
  enum class Detail { kLayer, kPass, kBurst };

  struct Arg {
    std::string key;
    std::variant<std::uint64_t, std::int64_t, double, std::string> value;
  };
  using Args = std::vector<Arg>;

  // Opens `file` for writing; throws qacc::Error when it cannot.
  Timeline(const std::filesystem::path& file, double cycle_ns, Detail detail);
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  bool shows(Detail d) const { return d <= detail_; }
  Detail detail() const { return detail_; }
  const std::filesystem::path& file() const { return file_; }

  // The track named `name`, created on first use; viewers show tracks by `order`,
  // by default the order of creation (a family of tracks created as needed, such as
  // one per burst in flight, passes its own to stay together).
  int track(std::string_view name, int order = -1);
  // A slice on `track` from cycle `start` to cycle `end` (a zero-length one is kept:
  // it still counts, e.g. a burst answered with an error at once).
  void slice(int track, std::string_view name, std::uint64_t start, std::uint64_t end, const Args& args = {});
  void instant(int track, std::string_view name, std::uint64_t cycle, const Args& args = {});
  // An instant at `micros` of simulated time, for a block in another clock domain.
  void instant_at(int track, std::string_view name, double micros, const Args& args = {});
  // Counter tracks "name arg" taking each argument's value from `cycle` on.
  void counter(std::string_view name, std::uint64_t cycle, const Args& values);

  // Ends the file with `other_data` (a JSON object's text: the run's manifest) as the
  // format's metadata; the destructor ends it without. Throws qacc::Error if the file
  // could not be written completely.
  void finish(std::string_view other_data_json = "{}");

  std::uint64_t events() const { return events_; }

 private:
  void event(std::string_view text);
  double micros(std::uint64_t cycle) const { return static_cast<double>(cycle) * cycle_ns_ / 1000.0; }

  std::filesystem::path file_;
  double cycle_ns_;
  Detail detail_;
  std::FILE* out_ = nullptr;
  std::map<std::string, int, std::less<>> tracks_;
  std::uint64_t events_ = 0;
};

// "layer", "pass" or "burst"; throws qacc::UsageError otherwise.
Timeline::Detail parse_timeline_detail(std::string_view text);

}  // namespace qacc
