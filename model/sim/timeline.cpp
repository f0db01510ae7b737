#include "model/sim/timeline.h"

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace qacc {

namespace {

constexpr int kPid = 1;

nlohmann::json to_json(const Timeline::Args& args) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& a : args) std::visit([&](const auto& v) { j[a.key] = v; }, a.value);
  return j;
}

}  // namespace

Timeline::Timeline(const std::filesystem::path& file, double cycle_ns, Detail detail)
    : file_(file), cycle_ns_(cycle_ns), detail_(detail) {
  out_ = std::fopen(file.c_str(), "w");
  if (out_ == nullptr) fail("{}: cannot write the timeline: {}", file.string(), std::strerror(errno));
  // Picoseconds would do; nanoseconds are what a cycle-level reader wants to see.
  std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out_);
  event(nlohmann::json{{"ph", "M"}, {"pid", kPid}, {"name", "process_name"}, {"args", {{"name", "accelerator platform"}}}}
            .dump());
}

Timeline::~Timeline() {
  if (out_ == nullptr) return;
  try {
    finish();
  } catch (const Error&) {
    // Nothing to report to from a destructor; finish() is how errors are seen.
  }
}

void Timeline::event(std::string_view text) {
  if (events_ > 0) std::fputs(",\n", out_);
  std::fwrite(text.data(), 1, text.size(), out_);
  ++events_;
}

int Timeline::track(std::string_view name, int order) {
  if (const auto it = tracks_.find(name); it != tracks_.end()) return it->second;
  const int tid = static_cast<int>(tracks_.size()) + 1;
  tracks_.emplace(std::string(name), tid);
  event(nlohmann::json{{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}}
            .dump());
  // Not sorted by name.
  event(nlohmann::json{{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_sort_index"},
                       {"args", {{"sort_index", order >= 0 ? order : tid}}}}
            .dump());
  return tid;
}

void Timeline::slice(int track, std::string_view name, std::uint64_t start, std::uint64_t end, const Args& args) {
  nlohmann::json a = to_json(args);
  a["cycle"] = start;
  a["cycles"] = end - start;
  event(nlohmann::json{{"ph", "X"},
                       {"pid", kPid},
                       {"tid", track},
                       {"name", name},
                       {"ts", micros(start)},
                       {"dur", micros(end - start)},
                       {"args", std::move(a)}}
            .dump());
}

void Timeline::instant(int track, std::string_view name, std::uint64_t cycle, const Args& args) {
  Args with_cycle = args;
  with_cycle.push_back({"cycle", cycle});
  instant_at(track, name, micros(cycle), with_cycle);
}

void Timeline::instant_at(int track, std::string_view name, double micros, const Args& args) {
  event(nlohmann::json{{"ph", "i"}, {"s", "t"}, {"pid", kPid}, {"tid", track}, {"name", name}, {"ts", micros},
                       {"args", to_json(args)}}
            .dump());
}

void Timeline::counter(std::string_view name, std::uint64_t cycle, const Args& values) {
  event(nlohmann::json{{"ph", "C"}, {"pid", kPid}, {"name", name}, {"ts", micros(cycle)}, {"args", to_json(values)}}
            .dump());
}

void Timeline::finish(std::string_view other_data_json) {
  if (out_ == nullptr) return;
  std::fputs("\n],\n\"otherData\":", out_);
  std::fwrite(other_data_json.data(), 1, other_data_json.size(), out_);
  std::fputs("}\n", out_);
  const bool failed = std::ferror(out_) != 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  if (failed || !closed) fail("{}: the timeline could not be written completely", file_.string());
}

Timeline::Detail parse_timeline_detail(std::string_view text) {
  if (text == "layer") return Timeline::Detail::kLayer;
  if (text == "pass") return Timeline::Detail::kPass;
  if (text == "burst") return Timeline::Detail::kBurst;
  throw UsageError(fmt::format("--trace-detail: {} (expected layer, pass or burst)", text));
}

}  // namespace qacc
