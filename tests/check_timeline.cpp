// Checks a sim_top timeline (--trace perfetto) against the same run's statistics:
// valid Trace Event JSON; events on the CPU, DMA read, DMA write, PE array, PPU and
// IRQ tracks; one span per layer, named as in the statistics, lasting its cycles; as
// many burst slices as the statistics count bursts; slices on one track nested, never
// overlapping; the manifest naming the model file by its SHA-256. With "dram", also
// commands on DRAM bank tracks.
// Usage: check_timeline TIMELINE.json STATS.json MODEL_FILE [dram]
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/binary.h"
#include "base/hash.h"

namespace {

int failures = 0;

template <typename... Args>
void check(bool ok, fmt::format_string<Args...> format, Args&&... args) {
  if (ok) return;
  ++failures;
  std::cerr << "check_timeline: " << fmt::format(format, std::forward<Args>(args)...) << "\n";
}

nlohmann::json read_json(const char* file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);  // throws on invalid JSON
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

int main(int argc, char** argv) {
  const bool dram = argc == 5 && std::string(argv[4]) == "dram";
  if (argc != 4 && !dram) {
    std::cerr << "usage: check_timeline TIMELINE.json STATS.json MODEL_FILE [dram]\n";
    return 2;
  }
  const nlohmann::json timeline = read_json(argv[1]);
  const nlohmann::json stats = read_json(argv[2]);
  const std::vector<std::uint8_t> model = qacc::read_file(argv[3], std::size_t{1} << 30);

  std::map<int, std::string> tracks;
  for (const auto& e : timeline.at("traceEvents"))
    if (e.at("ph") == "M" && e.at("name") == "thread_name") tracks[e.at("tid").get<int>()] = e.at("args").at("name");
  struct Slice {
    std::uint64_t start, end;
  };
  std::map<std::string, std::vector<Slice>> slices;
  std::map<std::string, int> events;
  std::vector<nlohmann::json> layers;
  std::size_t bursts = 0;
  for (const auto& e : timeline.at("traceEvents")) {
    const std::string ph = e.at("ph");
    if (ph == "M" || ph == "C") continue;
    const std::string track = tracks.at(e.at("tid").get<int>());
    const char* families[] = {"DMA read", "DMA write", "DRAM bank"};
    const auto family = std::find_if(std::begin(families), std::end(families),
                                     [&](const char* f) { return starts_with(track, f); });
    ++events[family != std::end(families) ? std::string(*family) : track];
    if (ph != "X") continue;
    const std::uint64_t start = e.at("args").at("cycle"), cycles = e.at("args").at("cycles");
    slices[track].push_back({start, start + cycles});
    if (track == "Layers") layers.push_back(e);
    if (starts_with(track, "DMA ")) ++bursts;
  }
  for (const char* track : {"CPU", "DMA read", "DMA write", "PE array", "PPU", "IRQ"})
    check(events[track] > 0, "no events on the {} track", track);
  if (dram) check(events["DRAM bank"] > 0, "no events on a DRAM bank track");

  const auto& stat_layers = stats.at("layers");
  check(layers.size() == stat_layers.size(), "{} layer spans, the statistics have {} layers", layers.size(),
        stat_layers.size());
  const double cycle_us = 1.0 / stats.at("config").at("clock_mhz").get<double>();
  std::size_t stat_bursts = 0;
  for (std::size_t i = 0; i < std::min(layers.size(), stat_layers.size()); ++i) {
    const auto& span = layers[i];
    const auto& s = stat_layers[i];
    const std::uint64_t cycles = s.at("cycles");
    check(span.at("name") == s.at("name"), "layer span {} is named {}, the statistics say {}", i,
          span.at("name").dump(), s.at("name").dump());
    check(span.at("args").at("cycles") == cycles, "layer {}: span of {} cycles, the statistics say {}", i,
          span.at("args").at("cycles").dump(), cycles);
    check(std::abs(span.at("dur").get<double>() - static_cast<double>(cycles) * cycle_us) < 1e-6,
          "layer {}: span lasts {} us, {} cycles are {} us", i, span.at("dur").dump(), cycles,
          static_cast<double>(cycles) * cycle_us);
  }
  for (const auto& s : stat_layers) stat_bursts += s.at("dma").at("bursts").get<std::size_t>();
  check(bursts == stat_bursts, "{} burst slices, the statistics count {} bursts", bursts, stat_bursts);

  // A track's slices must nest: each starts after the one enclosing it ends, or ends
  // within it.
  for (auto& [track, list] : slices) {
    std::sort(list.begin(), list.end(),
              [](const Slice& a, const Slice& b) { return a.start != b.start ? a.start < b.start : a.end > b.end; });
    std::vector<std::uint64_t> open;
    for (const Slice& s : list) {
      while (!open.empty() && open.back() <= s.start) open.pop_back();
      check(open.empty() || s.end <= open.back(), "track {}: slice {}..{} overlaps one ending at {}", track, s.start,
            s.end, open.empty() ? 0 : open.back());
      open.push_back(s.end);
    }
  }

  const std::string sha = qacc::sha256_hex(model.data(), model.size());
  check(timeline.at("otherData").value("model_sha256", "") == sha, "manifest model_sha256 {} is not the model's {}",
        timeline.at("otherData").value("model_sha256", ""), sha);
  check(timeline.at("otherData") == stats.at("manifest"), "the timeline's manifest differs from the statistics'");
  if (failures > 0) return 1;
  std::size_t total = 0;
  for (const auto& [track, n] : events) total += static_cast<std::size_t>(n);
  fmt::print("timeline ok: {} events on {} tracks, {} layer spans, {} burst slices\n", total, tracks.size(),
             layers.size(), bursts);
  return 0;
}
