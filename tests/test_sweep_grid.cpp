// The sweep's grid (parsing, product) and its Pareto front, by hand.
#include <gtest/gtest.h>

#include "base/error.h"
#include "tools/sweep_grid.h"

namespace qacc::sweep {
namespace {

std::string usage_error(const std::string& text) {
  try {
    parse_axis(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return "";
}

TEST(SweepGrid, ParsesAnAxis) {
  const Axis a = parse_axis("pe=4x4,8x8,16x16");
  EXPECT_EQ(a.key, "pe");
  EXPECT_EQ(a.values, (std::vector<std::string>{"4x4", "8x8", "16x16"}));
  EXPECT_EQ(parse_axis("dataflow=ws").values.size(), 1u);
}

TEST(SweepGrid, BadAxesNameTheAxisAndTheReason) {
  EXPECT_NE(usage_error("pe_count=4,8").find("unknown key 'pe_count'"), std::string::npos);
  EXPECT_NE(usage_error("pe_rows=4,eight").find("'eight' is not a valid integer"), std::string::npos);
  EXPECT_NE(usage_error("pe=4x4,,8x8").find("empty value"), std::string::npos);
  EXPECT_NE(usage_error("pe=16").find("expected ROWSxCOLS"), std::string::npos);
  EXPECT_NE(usage_error("dataflow=ws,ws").find("given twice"), std::string::npos);
  EXPECT_NE(usage_error("dataflow").find("expected key=value1,value2"), std::string::npos);
  EXPECT_NE(usage_error("=ws").find("expected key=value1,value2"), std::string::npos);
}

TEST(SweepGrid, ProductWithTheLastAxisFastest) {
  const auto points = expand({parse_axis("pe=4x4,8x8"), parse_axis("dataflow=ws,os")});
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(label(points[0]), "pe=4x4 dataflow=ws");
  EXPECT_EQ(label(points[1]), "pe=4x4 dataflow=os");
  EXPECT_EQ(label(points[3]), "pe=8x8 dataflow=os");
  EXPECT_EQ(expand({}).size(), 1u);
  EXPECT_EQ(label(expand({})[0]), "default");
}

TEST(SweepGrid, RepeatedKeyIsAnError) {
  EXPECT_THROW(expand({parse_axis("pe=4x4"), parse_axis("pe=8x8")}), UsageError);
}

TEST(SweepGrid, TooManyPointsIsAnError) {
  Axis many{"clock_mhz", {}};
  for (int i = 1; i <= 400; ++i) many.values.push_back(std::to_string(i));
  Axis again = many;
  again.key = "dram_latency_cycles";
  EXPECT_THROW(expand({many, again}), UsageError);  // 160,000 points
  again.values.resize(200);
  EXPECT_EQ(expand({many, again}).size(), 80000u);
}

TEST(ParetoFront, ByHand) {
  // (area, latency): a=(1,10) b=(2,5) c=(3,6) d=(4,1) e=(2,7) f=(1,12)
  // c is beaten by b, e by b, f by a: the front is a, b, d.
  const std::vector<double> x{1, 2, 3, 4, 2, 1}, y{10, 5, 6, 1, 7, 12};
  EXPECT_EQ(pareto_front(x, y), (std::vector<std::size_t>{0, 1, 3}));
}

TEST(ParetoFront, TiesAndEmpty) {
  EXPECT_TRUE(pareto_front({}, {}).empty());
  // Two identical points: only the first; a point equal in y but larger in x is beaten.
  EXPECT_EQ(pareto_front({1, 1, 2}, {3, 3, 3}), (std::vector<std::size_t>{0}));
}

}  // namespace
}  // namespace qacc::sweep
