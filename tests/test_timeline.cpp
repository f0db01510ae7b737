// The timeline recorder: what it writes is Trace Event JSON with the events asked for,
// at the times asked for, and it says when it cannot write.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "model/sim/timeline.h"
#include "tests/scratch.h"

namespace qacc {
namespace {

using testing_support::scratch_path;

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

TEST(Timeline, WritesTraceEventJson) {
  const auto file = scratch_path("timeline_unit.json");
  {
    Timeline t(file, 2.5, Timeline::Detail::kPass);  // 400 MHz
    const int a = t.track("A"), b = t.track("B");
    EXPECT_EQ(t.track("A"), a);  // the same name, the same track
    t.slice(a, "work", 100, 140, {{"bytes", std::uint64_t{64}}, {"what", std::string("x\"y")}});
    t.instant(b, "ping", 7);
    t.counter("in flight", 100, {{"bursts", std::uint64_t{3}}});
    t.finish(R"({"model_sha256":"abc"})");
  }
  const nlohmann::json j = read_json(file);
  EXPECT_EQ(j["displayTimeUnit"], "ns");
  EXPECT_EQ(j["otherData"]["model_sha256"], "abc");
  std::map<int, std::string> names;
  int slices = 0, instants = 0, counters = 0;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") names[e["tid"].get<int>()] = e["args"]["name"];
    if (e["ph"] == "X") {
      ++slices;
      EXPECT_EQ(names.at(e["tid"].get<int>()), "A");
      EXPECT_EQ(e["name"], "work");
      EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 0.25);  // cycle 100 at 2.5 ns, in microseconds
      EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 0.1);
      EXPECT_EQ(e["args"]["cycle"], 100);
      EXPECT_EQ(e["args"]["cycles"], 40);
      EXPECT_EQ(e["args"]["bytes"], 64);
      EXPECT_EQ(e["args"]["what"], "x\"y");
    }
    if (e["ph"] == "i") {
      ++instants;
      EXPECT_EQ(names.at(e["tid"].get<int>()), "B");
      EXPECT_EQ(e["args"]["cycle"], 7);
    }
    if (e["ph"] == "C") {
      ++counters;
      EXPECT_EQ(e["args"]["bursts"], 3);
    }
  }
  EXPECT_EQ(slices, 1);
  EXPECT_EQ(instants, 1);
  EXPECT_EQ(counters, 1);
  EXPECT_EQ(names.size(), 2u);
}

TEST(Timeline, EndsTheFileWhenNotFinished) {
  const auto file = scratch_path("timeline_unfinished.json");
  {
    Timeline t(file, 1.0, Timeline::Detail::kLayer);
    t.slice(t.track("Layers"), "conv1", 0, 10);
  }
  EXPECT_EQ(read_json(file)["traceEvents"].size(), 4u);  // process name, thread name and order, the slice
}

TEST(Timeline, DetailLevelsNest) {
  const Timeline t(scratch_path("timeline_detail.json"), 1.0, Timeline::Detail::kPass);
  EXPECT_TRUE(t.shows(Timeline::Detail::kLayer));
  EXPECT_TRUE(t.shows(Timeline::Detail::kPass));
  EXPECT_FALSE(t.shows(Timeline::Detail::kBurst));
  EXPECT_EQ(parse_timeline_detail("burst"), Timeline::Detail::kBurst);
  EXPECT_THROW(parse_timeline_detail("bursts"), UsageError);
}

TEST(Timeline, SaysWhenItCannotWrite) {
  try {
    Timeline t("/nonexistent-folder/t.json", 1.0, Timeline::Detail::kLayer);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/t.json: cannot write the timeline"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qacc
