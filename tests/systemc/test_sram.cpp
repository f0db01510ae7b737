// The SRAM buffer: bounds-checked spans, including the sums that wrap around
// size_t, and its access counters. Plain C++, but it links the SystemC memory
// library, so it gets an sc_main like its neighbours.
#include <gtest/gtest.h>

#include <limits>

#include <systemc>

#include "model/memory/sram.h"

namespace qacc {
namespace {

constexpr std::size_t kBytes = 256;
constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();

TEST(Sram, SpansInRange) {
  Sram s("buffer", kBytes);
  EXPECT_EQ(s.size(), kBytes);
  EXPECT_EQ(s.name(), "buffer");
  std::uint8_t* all = s.span(0, kBytes);
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(s.span(10, 20), all + 10);
  EXPECT_EQ(s.span(kBytes - 1, 1), all + kBytes - 1);
  EXPECT_EQ(s.span(kBytes, 0), all + kBytes);  // empty, at the end
  const Sram& c = s;
  EXPECT_EQ(c.span(5, 5), all + 5);
  // Storage starts zeroed and keeps what is written.
  EXPECT_EQ(all[100], 0);
  s.span(100, 1)[0] = 0x3C;
  EXPECT_EQ(c.span(100, 1)[0], 0x3C);
}

void expect_range_error(const Sram& s, std::size_t offset, std::size_t bytes) {
  EXPECT_THROW(s.span(offset, bytes), SramRangeError) << offset << " + " << bytes;
}

TEST(Sram, OutOfRangeThrows) {
  Sram s("buffer", kBytes);
  expect_range_error(s, kBytes, 1);
  expect_range_error(s, kBytes + 1, 0);
  expect_range_error(s, kBytes - 4, 5);  // offset in range, offset + bytes past the end
  expect_range_error(s, 0, kBytes + 1);
  // Sums that wrap around size_t must not pass for small ones.
  expect_range_error(s, 1, kMax);
  expect_range_error(s, kMax, 2);
  expect_range_error(s, kMax, 0);
  expect_range_error(s, kBytes / 2, kMax - kBytes / 2 + 2);  // offset + bytes wraps to 1
  // The non-const overload checks the same way.
  EXPECT_THROW(s.span(kBytes - 4, 5), SramRangeError);
}

TEST(Sram, RangeErrorTellsWhereTheAccessEnded) {
  Sram s("weights", kBytes);
  try {
    s.span(250, 10);
    FAIL() << "no exception";
  } catch (const SramRangeError& e) {
    EXPECT_EQ(e.offset, 260u);
    EXPECT_NE(std::string(e.what()).find("weights"), std::string::npos) << e.what();
  }
  // It is a std::out_of_range for callers that do not know the type.
  EXPECT_THROW(s.span(300, 1), std::out_of_range);
}

TEST(Sram, CountsReadsAndWrites) {
  Sram s("buffer", kBytes);
  EXPECT_EQ(s.reads(), 0u);
  EXPECT_EQ(s.writes(), 0u);
  s.note_reads(10);
  s.note_reads(5);
  s.note_writes(7);
  EXPECT_EQ(s.reads(), 15u);
  EXPECT_EQ(s.writes(), 7u);
  // Spans are views: they count nothing by themselves.
  s.span(0, kBytes);
  EXPECT_EQ(s.reads(), 15u);
  EXPECT_EQ(s.writes(), 7u);
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
