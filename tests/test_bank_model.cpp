// The banked DRAM model (model/memory/bank_model.h), counted by hand on DRAMSys's
// ddr4-example: DDR4-1866, tCK 1072 ps, tRCD 13, tRP 13, tRAS 32, tRC 45, RL 13,
// WL 12, BL 8 (4 clocks of data), tRRD_S 4, tRRD_L 5, tFAW 22, tCCD_S 4, tCCD_L 5,
// tWTR_S 3, tWTR_L 7, tRTP 8, tWR 14, tRFC 243, tREFI 7280; address bits 0-2 byte,
// 3-12 column, 13-27 row, 28-29 bank group, 30-31 bank. A request pushed at cycle c
// is schedulable at c + 1 (the controller's ThinkDelayFw), one request per clock.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "model/memory/bank_model.h"
#include "tests/scratch.h"

namespace qacc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing_support::ScratchDir;

#ifdef QACC_DRAMSYS_CONFIG_DIR
const fs::path kConfigs = QACC_DRAMSYS_CONFIG_DIR;
#else
const fs::path kConfigs;
#endif
constexpr std::uint64_t kTck = 1072;  // ps, ddr4-example

#define REQUIRE_CONFIGS() \
  if (kConfigs.empty()) GTEST_SKIP() << "built without DRAMSys's configurations (QACC_DRAMSYS_CONFIG_DIR)"

DramDevice ddr4() { return load_dramsys_device(kConfigs / "ddr4-example.json", kConfigs); }

// No shipped DDR3/DDR4/LPDDR4 configuration has channels: ddr4-example with address bit
// 12 (a column bit) choosing one of two channels, the column taking bit 32 instead.
DramDevice ddr4_two_channels() {
  DramDevice d = ddr4();
  d.channels = 2;
  d.mapping.channel = {{12, 0}};
  d.mapping.column[9] = {32, 0};
  return d;
}

std::uint64_t at(std::uint64_t cycle) { return cycle * kTck; }

// ddr4-example's mapping; `burst` counts 64-byte bursts within the row.
std::uint64_t address(unsigned group, unsigned bank, std::uint64_t row, std::uint64_t burst = 0) {
  return (std::uint64_t{bank} << 30) | (std::uint64_t{group} << 28) | (row << 13) | (burst << 6);
}

// Runs the model until it is idle: {id, done cycle} in completion order.
std::vector<std::pair<std::uint64_t, std::uint64_t>> drain(BankModel& m, std::uint64_t tck = kTck) {
  std::vector<BankModel::Completion> done;
  while (const auto t = m.next_event_ps()) m.run_until(*t, done);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> cycles;
  for (const auto& [id, ps] : done) {
    EXPECT_EQ(ps % tck, 0u);
    cycles.emplace_back(id, ps / tck);
  }
  return cycles;
}

using Done = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// "ACT b0@1 RD b0@14 ..." (b: flat bank, r: rank).
std::string commands(const std::vector<DramCommand>& log) {
  static const char* names[] = {"ACT", "PRE", "RD", "WR", "PREAB", "REF"};
  std::string out;
  for (const DramCommand& c : log) {
    const bool rank = c.op == DramOp::kPreAll || c.op == DramOp::kRefresh;
    out += fmt::format("{}{}{} {}{}@{}", out.empty() ? "" : " ", names[int(c.op)], c.auto_precharge ? "A" : "",
                       rank ? "r" : "b", c.target, c.cycle);
  }
  return out;
}

// --- Latency of one request ------------------------------------------------------

TEST(BankModel, RowMissOnAClosedBank) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(1, false, address(0, 0, 5), at(0));
  // schedulable at 1: ACT at 1, RD at 1 + tRCD 13 = 14, data 14 + RL 13 = 27 to 27 + 4 = 31
  EXPECT_EQ(drain(m), (Done{{1, 31}}));
  EXPECT_EQ(commands(log), "ACT b0@1 RD b0@14");
  EXPECT_EQ(m.counters().row_misses, 1u);
  EXPECT_EQ(m.counters().activates, 1u);
  EXPECT_FALSE(m.next_event_ps().has_value());
}

TEST(BankModel, RowHit) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  m.push(1, false, address(0, 0, 5), at(0));
  drain(m);
  m.push(2, false, address(0, 0, 5, 1), at(100));
  // schedulable at 101, row 5 open: RD at 101, data 114 to 118; 18 cycles = 1 + RL 13 + 4
  EXPECT_EQ(drain(m), (Done{{2, 118}}));
  EXPECT_EQ(m.counters().row_hits, 1u);
  EXPECT_EQ(m.counters().activates, 1u);
}

TEST(BankModel, RowConflict) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.push(1, false, address(0, 0, 5), at(0));
  drain(m);
  m.trace(&log);
  m.push(2, false, address(0, 0, 6), at(100));
  // PRE at 101 (tRAS since ACT@1 and tRTP since RD@14 long past), ACT at 101 + tRP 13
  // = 114, RD at 114 + tRCD 13 = 127, done 127 + 13 + 4 = 144: 44 cycles
  EXPECT_EQ(drain(m), (Done{{2, 144}}));
  EXPECT_EQ(commands(log), "PRE b0@101 ACT b0@114 RD b0@127");
  EXPECT_EQ(m.counters().row_conflicts, 1u);
  EXPECT_EQ(m.counters().precharges, 1u);
}

TEST(BankModel, WriteLatency) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  m.push(1, true, address(0, 0, 5), at(0));
  // ACT at 1, WR at 14, data 14 + WL 12 = 26 to 30
  EXPECT_EQ(drain(m), (Done{{1, 30}}));
  EXPECT_EQ(m.counters().writes, 1u);
}

// --- Activate spacing -------------------------------------------------------------

TEST(BankModel, FawHoldsTheFifthActivate) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  // Bank groups 0, 1, 2, 3, then 0 again (another bank), so tRRD_L never binds:
  // schedulable at 1..5; ACTs at 1, 5, 9, 13 (tRRD_S 4); the fifth at
  // max(13 + 4, 1 + tFAW 22) = 23. RDs 13 later: 14, 18, 22, 26, 36.
  const unsigned groups[] = {0, 1, 2, 3, 0};
  const unsigned banks[] = {0, 0, 0, 0, 1};
  for (unsigned i = 0; i < 5; ++i) m.push(i, false, address(groups[i], banks[i], 7), at(0));
  EXPECT_EQ(drain(m), (Done{{0, 31}, {1, 35}, {2, 39}, {3, 43}, {4, 53}}));
  EXPECT_EQ(commands(log),
            "ACT b0@1 ACT b4@5 ACT b8@9 ACT b12@13 RD b0@14 RD b4@18 RD b8@22 ACT b1@23 RD b12@26 RD b1@36");
}

TEST(BankModel, RrdLongWithinABankGroupShortAcross) {
  REQUIRE_CONFIGS();
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    m.push(0, false, address(0, 0, 7), at(0));
    m.push(1, false, address(0, 1, 7), at(0));
    drain(m);
    // same bank group: ACT at 1, then 1 + tRRD_L 5 = 6; RDs 14 and 19 (also tCCD_L)
    EXPECT_EQ(commands(log), "ACT b0@1 ACT b1@6 RD b0@14 RD b1@19");
  }
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    m.push(0, false, address(0, 0, 7), at(0));
    m.push(1, false, address(1, 0, 7), at(0));
    drain(m);
    // another bank group: ACT at 1, then 1 + tRRD_S 4 = 5
    EXPECT_EQ(commands(log), "ACT b0@1 ACT b4@5 RD b0@14 RD b4@18");
  }
}

TEST(BankModel, CcdLongWithinABankGroupShortAcross) {
  REQUIRE_CONFIGS();
  for (const unsigned group : {0u, 1u}) {
    BankModel m(ddr4());
    m.push(0, false, address(0, 0, 7), at(0));
    m.push(1, false, address(group, 1, 7), at(0));
    drain(m);  // both rows open
    std::vector<DramCommand> log;
    m.trace(&log);
    m.push(2, false, address(0, 0, 7, 1), at(200));
    m.push(3, false, address(group, 1, 7, 1), at(200));
    // schedulable at 201 and 202 (one per clock); the second RD waits for tCCD
    const Done done = drain(m);
    if (group == 0) {
      EXPECT_EQ(commands(log), "RD b0@201 RD b1@206");  // tCCD_L 5
      EXPECT_EQ(done, (Done{{2, 218}, {3, 223}}));
    } else {
      EXPECT_EQ(commands(log), "RD b0@201 RD b5@205");  // tCCD_S 4
      EXPECT_EQ(done, (Done{{2, 218}, {3, 222}}));
    }
  }
}

// --- Read/write turnaround ---------------------------------------------------------

TEST(BankModel, WriteToReadWaitsForTwtr) {
  REQUIRE_CONFIGS();
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    m.push(0, true, address(0, 0, 7), at(0));
    m.push(1, false, address(0, 0, 7, 1), at(0));
    // WR at 14; same bank group: RD at 14 + WL 12 + 4 + tWTR_L 7 = 37, done 37 + 17 = 54
    EXPECT_EQ(drain(m), (Done{{0, 30}, {1, 54}}));
    EXPECT_EQ(commands(log), "ACT b0@1 WR b0@14 RD b0@37");
  }
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    m.push(0, true, address(0, 0, 7), at(0));
    m.push(1, false, address(1, 0, 7), at(0));
    // another bank group: RD at max(ACT 5 + 13, 14 + 12 + 4 + tWTR_S 3) = 33, done 50
    EXPECT_EQ(drain(m), (Done{{0, 30}, {1, 50}}));
    EXPECT_EQ(commands(log), "ACT b0@1 ACT b4@5 WR b0@14 RD b4@33");
  }
}

TEST(BankModel, ReadToWriteTurnaround) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(0, false, address(0, 0, 7), at(0));
  m.push(1, true, address(0, 0, 7, 1), at(0));
  // RD at 14; WR at 14 + (RL 13 + 4 + 1 - WL 12 + tWPRE 1 = 7) = 21, data 33 to 37
  EXPECT_EQ(drain(m), (Done{{0, 31}, {1, 37}}));
  EXPECT_EQ(commands(log), "ACT b0@1 RD b0@14 WR b0@21");
  EXPECT_EQ(m.constraints().rd_to_wr, 7u);
}

// --- Scheduling and page policy ----------------------------------------------------

TEST(BankModel, FrFcfsLetsAYoungerRowHitOvertake) {
  REQUIRE_CONFIGS();
  std::vector<DramCommand> log;
  {
    BankModel m(ddr4());
    m.trace(&log);
    m.push(1, false, address(0, 0, 5), at(0));     // row 5
    m.push(2, false, address(0, 0, 6), at(0));     // row 6: conflicts, older
    m.push(3, false, address(0, 0, 5, 1), at(0));  // row 5: hits, younger
    // ACT row 5 at 1; RD #1 at 14; #3 hits: RD at 14 + tCCD_L 5 = 19; PRE at ACT 1 + tRAS
    // 32 = 33; ACT at 46; RD #2 at 59, done 76
    EXPECT_EQ(drain(m), (Done{{1, 31}, {3, 36}, {2, 76}}));
    EXPECT_EQ(commands(log), "ACT b0@1 RD b0@14 RD b0@19 PRE b0@33 ACT b0@46 RD b0@59");
    EXPECT_EQ(m.counters().row_hits, 1u);
    EXPECT_EQ(m.counters().row_conflicts, 1u);
  }
  {
    DramDevice fifo = ddr4();
    fifo.scheduler = DramScheduler::kFifo;
    BankModel m(fifo);
    m.push(1, false, address(0, 0, 5), at(0));
    m.push(2, false, address(0, 0, 6), at(0));
    m.push(3, false, address(0, 0, 5, 1), at(0));
    // in order: #2 as above (done 76); #3 reopens row 5: PRE at max(RD 59 + tRTP 8,
    // ACT 46 + tRAS 32) = 78, ACT 91, RD 104, done 121
    EXPECT_EQ(drain(m), (Done{{1, 31}, {2, 76}, {3, 121}}));
  }
}

TEST(BankModel, ClosedPagePrechargesAfterEveryAccess) {
  REQUIRE_CONFIGS();
  DramDevice closed = ddr4();
  closed.page_policy = PagePolicy::kClosed;
  BankModel m(closed);
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(1, false, address(0, 0, 5), at(0));
  m.push(2, false, address(0, 0, 5, 1), at(0));
  // RDA at 14 precharges at max(14 + tRTP 8, ACT 1 + tRAS 32) = 33; ACT at 33 + tRP 13
  // = 46 (= 1 + tRC 45); RDA at 59, done 76. Open page would serve #2 at 19, done 36.
  EXPECT_EQ(drain(m), (Done{{1, 31}, {2, 76}}));
  EXPECT_EQ(commands(log), "ACT b0@1 RDA b0@14 ACT b0@46 RDA b0@59");
  EXPECT_EQ(m.counters().activates, 2u);
  EXPECT_EQ(m.counters().precharges, 2u);
  EXPECT_EQ(m.counters().row_misses, 2u);
  EXPECT_EQ(m.counters().row_hits, 0u);
}

TEST(BankModel, BankwiseBufferBackPressure) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  for (unsigned i = 0; i < 8; ++i) {
    EXPECT_FALSE(m.full());
    m.push(i, false, address(0, 0, 5, i), at(0));
  }
  // RequestBufferSize 8 per bank ("Bankwise"); DRAMSys checks the bank of the last request
  EXPECT_TRUE(m.full());
  EXPECT_THROW(m.push(8, false, address(0, 0, 5, 8), at(0)), Error);
  m.push(9, false, address(1, 0, 5), at(0));  // another bank has room
  EXPECT_FALSE(m.full());
  EXPECT_EQ(drain(m).size(), 9u);
}

TEST(BankModel, ArrivalsMustNotGoBack) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  m.push(0, false, address(0, 0, 5), at(10));
  EXPECT_THROW(m.push(1, false, address(0, 0, 5), at(9)), Error);
  EXPECT_THROW(m.push(2, false, std::uint64_t{1} << 32, at(10)), Error);  // beyond 4 GiB
}

// --- Refresh -----------------------------------------------------------------------

TEST(BankModel, RefreshBlocksARequestForTrfc) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(1, false, address(0, 0, 5), at(7279));
  // schedulable at 7280 = tREFI, when the first refresh is due: REF at 7280, ACT after
  // tRFC at 7523, RD at 7536, done 7553 (7310 without the refresh)
  EXPECT_EQ(drain(m), (Done{{1, 7553}}));
  EXPECT_EQ(commands(log), "REF r0@7280 ACT b0@7523 RD b0@7536");
  EXPECT_EQ(m.counters().refreshes, 1u);
}

TEST(BankModel, RefreshClosesOpenBanksFirst) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.push(1, false, address(0, 0, 5), at(0));
  drain(m);
  m.trace(&log);
  m.push(2, false, address(0, 0, 5, 1), at(7279));
  // row 5 is open: PREAB at 7280, REF at 7280 + tRP 13 = 7293, ACT at 7293 + tRFC 243
  // = 7536, RD at 7549, done 7566; the same row, but a miss now
  EXPECT_EQ(drain(m), (Done{{2, 7566}}));
  EXPECT_EQ(commands(log), "PREAB r0@7280 REF r0@7293 ACT b0@7536 RD b0@7549");
  EXPECT_EQ(m.counters().row_misses, 2u);
  EXPECT_EQ(m.counters().precharges, 1u);
}

TEST(BankModel, RefreshInterruptsAnActivatedRequest) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(1, false, address(0, 0, 5), at(7278));
  // ACT at 7279, just before the refresh is due; its RD (7292) falls after 7280, so the
  // rank stops: PREAB once tRAS allows, 7279 + 32 = 7311; REF at 7324; ACT again at
  // 7324 + 243 = 7567, RD at 7580, done 7597
  EXPECT_EQ(drain(m), (Done{{1, 7597}}));
  EXPECT_EQ(commands(log), "ACT b0@7279 PREAB r0@7311 REF r0@7324 ACT b0@7567 RD b0@7580");
  EXPECT_EQ(m.counters().activates, 2u);
}

TEST(BankModel, IdleRefreshIsAccountedLazily) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<BankModel::Completion> done;
  EXPECT_FALSE(m.next_event_ps().has_value());
  m.run_until(at(10 * 7280), done);  // due at 7280, 14560, ..., 72800
  EXPECT_EQ(m.counters().refreshes, 10u);
  EXPECT_FALSE(m.next_event_ps().has_value());
  m.run_until(at(std::uint64_t{1000000} * 7280), done);  // 7.8 s idle, in closed form
  EXPECT_EQ(m.counters().refreshes, 1000000u);
  EXPECT_NEAR(m.counters().energy_pj, 1e6 * m.device().energy.ref_pj, 1e-6 * 1e6 * m.device().energy.ref_pj);
  EXPECT_TRUE(done.empty());
  // the next request waits for nothing: the last refresh ended long ago... unless it is
  // due right now: pushed at 1000000 tREFI - 1, schedulable at 1000000 tREFI: REF first
  m.push(1, false, address(0, 0, 5), at(std::uint64_t{1000001} * 7280 - 1));
  const Done d = drain(m);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].second, std::uint64_t{1000001} * 7280 + 243 + 13 + 17);
  EXPECT_EQ(m.counters().refreshes, 1000001u);
}

// --- Energy ------------------------------------------------------------------------

TEST(BankModel, EnergyPerCommandFromIdd) {
  REQUIRE_CONFIGS();
  const DramDevice d = ddr4();
  // per device, tCK 1.072 ns: tRC 48.24, tRAS 34.304, burst 4.288, tRFC 260.496 ns
  // act: (56.25 x 48.24 - (39.5 x 34.304 + 33.75 x 13.936)) x 1.2 V = 1065.7824
  //      + VPP: 4.05 x 48.24 x 2.5 V = 488.43;  x 8 devices = 12433.6992 pJ
  EXPECT_NEAR(d.energy.act_pj, 12433.6992, 1e-3);
  EXPECT_NEAR(d.energy.rd_pj, (157.5 - 39.5) * 4.288 * 1.2 * 8, 1e-3);     // 4857.4464
  EXPECT_NEAR(d.energy.wr_pj, (135.0 - 39.5) * 4.288 * 1.2 * 8, 1e-3);     // 3931.2384
  EXPECT_NEAR(d.energy.ref_pj, (118.0 - 39.5) * 260.496 * 1.2 * 8, 1e-3);  // 196309.7856
  BankModel m(d);
  m.push(1, false, address(0, 0, 5), at(0));
  drain(m);
  EXPECT_NEAR(m.counters().energy_pj, d.energy.act_pj + d.energy.rd_pj, 1e-6);
}

// --- Loading DRAMSys's files ---------------------------------------------------------

TEST(BankModelLoad, Ddr4Example) {
  REQUIRE_CONFIGS();
  const DramDevice d = ddr4();
  EXPECT_EQ(d.name, "MICRON_4Gb_DDR4-1866_8bit_A");
  EXPECT_EQ(d.standard, DramStandard::kDdr4);
  EXPECT_DOUBLE_EQ(d.tck_ps, 1072);
  EXPECT_EQ(d.bank_groups, 4u);
  EXPECT_EQ(d.banks_per_group, 4u);
  EXPECT_EQ(d.rows, 32768u);
  EXPECT_EQ(d.columns, 1024u);
  EXPECT_EQ(d.bytes_per_burst(), 64u);                      // 8 devices x 8 bits x BL 8 / 8
  EXPECT_EQ(d.row_bytes(), 8192u);                          // 1024 columns x 8 bytes
  EXPECT_EQ(d.capacity_bytes(), 4ull << 30);                // 4 Gb x 8 devices
  EXPECT_NEAR(d.peak_bytes_per_ps() * 1000, 14.925, 1e-3);  // 8 B x 2 / 1.072 ns
  EXPECT_EQ(d.t.rcd, 13u);
  EXPECT_EQ(d.t.ras, 32u);
  EXPECT_EQ(d.t.rc, 45u);
  EXPECT_EQ(d.t.rl, 13u);
  EXPECT_EQ(d.t.wl, 12u);
  EXPECT_EQ(d.t.faw, 22u);
  EXPECT_EQ(d.t.rfc, 243u);  // REFM 1: RFC, not RFC2/RFC4
  EXPECT_EQ(d.t.refi, 7280u);
  EXPECT_EQ(d.page_policy, PagePolicy::kOpen);
  EXPECT_EQ(d.scheduler, DramScheduler::kFrFcfs);
  EXPECT_EQ(d.buffer, RequestBuffer::kBankwise);
  EXPECT_EQ(d.queue_size, 8u);
  EXPECT_TRUE(d.refresh);
  const DramAddress a = d.decode(address(2, 3, 12345, 7) + 5);
  EXPECT_EQ(a.bank_group, 2u);
  EXPECT_EQ(a.bank, 2u * 4 + 3);
  EXPECT_EQ(a.row, 12345u);
  EXPECT_EQ(a.column, 7u * 8);
}

TEST(BankModelLoad, Lpddr4Example) {
  REQUIRE_CONFIGS();
  const DramDevice d = load_dramsys_device(kConfigs / "lpddr4-example.json", kConfigs);
  EXPECT_EQ(d.standard, DramStandard::kLpddr4);
  EXPECT_DOUBLE_EQ(d.tck_ps, 625);
  EXPECT_EQ(d.bank_groups, 1u);
  EXPECT_EQ(d.banks_per_group, 8u);
  EXPECT_EQ(d.bytes_per_burst(), 32u);  // x16, BL 16
  EXPECT_EQ(d.row_bytes(), 2048u);
  EXPECT_EQ(d.capacity_bytes(), 1ull << 30);
  EXPECT_EQ(d.t.rp, 29u);     // RPPB
  EXPECT_EQ(d.t.rp_ab, 34u);  // RPAB
  EXPECT_EQ(d.t.rc, 97u);     // RCPB
  EXPECT_EQ(d.t.rfc, 448u);   // RFCAB
  EXPECT_EQ(d.t.refi, 6246u);
  const DramConstraints c = dram_constraints(d);
  EXPECT_EQ(c.act_cycles, 4u);
  EXPECT_EQ(c.read_data_begin, 28u + 6 + 3);  // RL + tDQSCK + 3
  EXPECT_EQ(c.pre_to_act, 29u - 2);
  // Per device (one), two rails, tCK 0.625 ns: tRC 60.625, tRAS 42.5, burst 5, tRFC 280 ns
  // act: VDD1 (3.5 x 60.625 - (2.25 x 42.5 + 2.0 x 18.125)) x 1.8 = 144.5625
  //      VDD2 (45 x 60.625 - (30 x 42.5 + 27 x 18.125)) x 1.1 = 1060.125
  EXPECT_NEAR(d.energy.act_pj, 1204.6875, 1e-6);
  EXPECT_NEAR(d.energy.rd_pj, (275.0 - 30) * 5 * 1.1, 1e-6);  // VDD1 term 0
  EXPECT_NEAR(d.energy.ref_pj, (10 - 2.25) * 280 * 1.8 + (90.0 - 30) * 280 * 1.1, 1e-6);

  BankModel m(d);
  std::vector<DramCommand> log;
  m.trace(&log);
  m.push(1, false, 0, 0);
  // ACT at 1, RD at 1 + tRCD 29 = 30, data from 30 + 37 = 67 for 8 clocks: done 75
  EXPECT_EQ(drain(m, 625), (Done{{1, 75}}));
  m.push(2, false, std::uint64_t{1} << 11, 200 * 625);  // row 1, same bank
  // PRE at 201 (ACT + tRAS + 2 = 71 and RD + 18 = 48 past), ACT at 201 + tRPpb - 2 = 228,
  // RD at 257, done 257 + 45 = 302
  EXPECT_EQ(drain(m, 625), (Done{{2, 302}}));
  EXPECT_EQ(commands(log), "ACT b0@1 RD b0@30 PRE b0@201 ACT b0@228 RD b0@257");
}

TEST(BankModelLoad, XorMappingEntries) {
  REQUIRE_CONFIGS();
  DramDevice d = ddr4();
  d.mapping.bank[0].xor_with = std::uint64_t{1} << 13;  // bank bit 0 = a30 ^ a13, as [30, 13]
  validate(d, "test");
  EXPECT_EQ(d.decode(address(0, 0, 1)).bank, 1u);
  EXPECT_EQ(d.decode(address(0, 1, 1)).bank, 0u);
  EXPECT_EQ(d.decode(address(0, 1, 2)).bank, 1u);
}

// --- Bad input ----------------------------------------------------------------------

// A copy of a shipped configuration, its parts editable, written to a scratch directory.
struct EditableConfig {
  json memspec, mapping, mcconfig;

  explicit EditableConfig(const std::string& example) {
    const json sim = read(kConfigs / (example + ".json"))["simulation"];
    memspec = read(kConfigs / "memspec" / sim["memspec"].get<std::string>())["memspec"];
    mapping = read(kConfigs / "addressmapping" / sim["addressmapping"].get<std::string>())["addressmapping"];
    mcconfig = read(kConfigs / "mcconfig" / sim["mcconfig"].get<std::string>())["mcconfig"];
  }
  static json read(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in, nullptr, true, true);
  }
  fs::path write(const fs::path& dir) const {
    for (const char* sub : {"memspec", "addressmapping", "mcconfig"}) fs::create_directories(dir / sub);
    std::ofstream(dir / "memspec" / "m.json") << json{{"memspec", memspec}}.dump(1);
    std::ofstream(dir / "addressmapping" / "a.json") << json{{"addressmapping", mapping}}.dump(1);
    std::ofstream(dir / "mcconfig" / "c.json") << json{{"mcconfig", mcconfig}}.dump(1);
    const json top = {{"simulation", {{"memspec", "m.json"}, {"addressmapping", "a.json"}, {"mcconfig", "c.json"}}}};
    std::ofstream(dir / "config.json") << top.dump(1);
    return dir / "config.json";
  }
};

std::string load_error(const EditableConfig& config) {
  const ScratchDir dir("bank-model-config");
  try {
    load_dramsys_device(config.write(dir.path()), dir.path());
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no error";
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST(BankModelLoad, RasShorterThanRcd) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.memspec["memtimingspec"]["RAS"] = 10;
  const std::string e = load_error(c);
  EXPECT_HAS(e, "m.json: memtimingspec.RAS: tRAS (10) is shorter than tRCD (13)");
}

TEST(BankModelLoad, RcShorterThanRasPlusRp) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.memspec["memtimingspec"]["RC"] = 40;
  EXPECT_HAS(load_error(c), "m.json: memtimingspec.RC: tRC (40) is shorter than tRAS + tRP (32 + 13)");
}

TEST(BankModelLoad, ZeroBanks) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.memspec["memarchitecturespec"]["nbrOfBanks"] = 0;
  EXPECT_HAS(load_error(c), "m.json: memarchitecturespec.nbrOfBanks: must be a whole number >= 1 (got 0)");
}

TEST(BankModelLoad, MissingTimingKey) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.memspec["memtimingspec"].erase("RCD");
  EXPECT_HAS(load_error(c), "m.json: memtimingspec.RCD: missing");
}

TEST(BankModelLoad, MappingBitInTwoFields) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.mapping["ROW_BIT"][0] = 12;  // a column bit; fields are checked rows before columns
  EXPECT_HAS(load_error(c), "a.json: COLUMN_BIT: address bit 12 is also in ROW_BIT");
}

TEST(BankModelLoad, MappingMissesABit) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.mapping["ROW_BIT"][14] = 40;  // row bit 14 from address bit 40: bit 27 is in no field
  EXPECT_HAS(load_error(c), "a.json: addressmapping: address bit 27 is in no field (the fields have 32 bits");
}

TEST(BankModelLoad, MappingDoesNotMatchTheMemspec) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.mapping["BANK_BIT"].erase(1);
  EXPECT_HAS(load_error(c), "a.json: BANK_BIT: 1 bits address 2 but the memspec has 4 banks per bank group");
}

TEST(BankModelLoad, UnsupportedControllerFeature) {
  REQUIRE_CONFIGS();
  EditableConfig c("ddr4-example");
  c.mcconfig["RefreshPolicy"] = "PerBank";
  EXPECT_HAS(load_error(c), "c.json: RefreshPolicy: PerBank is not modelled by the banked DRAM model");
  c.mcconfig["RefreshPolicy"] = "Often";
  EXPECT_HAS(load_error(c), "c.json: RefreshPolicy: unknown value 'Often' (expected AllBank, Rankwise, NoRefresh)");
}

TEST(BankModelLoad, MissingFileAndMalformedJson) {
  REQUIRE_CONFIGS();
  const ScratchDir dir("bank-model-files");
  fs::create_directories(dir.path() / "memspec");
  std::ofstream(dir.path() / "config.json") << R"({"simulation": {"memspec": "nowhere.json"}})";
  try {
    load_dramsys_device(dir.path() / "config.json", dir.path());
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_HAS(std::string(e.what()), "config.json: simulation.memspec: cannot open");
    EXPECT_HAS(std::string(e.what()), "nowhere.json");
  }
  std::ofstream(dir.path() / "memspec" / "broken.json") << R"({"memspec": {"memoryType": )";
  std::ofstream(dir.path() / "config.json") << R"({"simulation": {"memspec": "broken.json"}})";
  try {
    load_dramsys_device(dir.path() / "config.json", dir.path());
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_HAS(std::string(e.what()), "broken.json: malformed JSON");
  }
}

TEST(BankModelLoad, UnsupportedStandard) {
  REQUIRE_CONFIGS();
  try {
    load_dramsys_device(kConfigs / "hbm2-example.json", kConfigs);
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_HAS(std::string(e.what()), "HBM2.json: memoryType: 'HBM2' is not modelled by the banked DRAM model");
  }
}

// --- Every rule, under random traffic --------------------------------------------------

// Checks a command trace pair by pair against the model's constraint table, the bank
// states, tFAW, the command bus and the data bus; independent of the scheduler.
void check_trace(const BankModel& m, const std::vector<DramCommand>& log) {
  const DramDevice& d = m.device();
  const DramConstraints& c = m.constraints();
  const unsigned per_rank = d.bank_groups * d.banks_per_group;
  auto is_rank_op = [](const DramCommand& x) { return x.op == DramOp::kPreAll || x.op == DramOp::kRefresh; };
  auto rank_of = [&](const DramCommand& x) { return is_rank_op(x) ? x.target : x.target / per_rank; };
  auto is_cas = [](const DramCommand& x) { return x.op == DramOp::kRead || x.op == DramOp::kWrite; };
  auto length = [&](const DramCommand& x) {
    return x.op == DramOp::kAct       ? c.act_cycles
           : is_cas(x)                ? c.cas_cycles
           : x.op == DramOp::kRefresh ? c.ref_cycles
                                      : c.pre_cycles;
  };
  auto data = [&](const DramCommand& x) {
    const std::uint64_t begin = x.cycle + (x.op == DramOp::kWrite ? c.write_data_begin : c.read_data_begin);
    return std::make_pair(begin, begin + c.burst);
  };
  std::vector<bool> open(d.banks(), false);
  // the earliest next ACT and REF after an auto-precharge (RDA/WRA)
  std::vector<std::uint64_t> last_act(d.banks(), 0), act_after(d.banks(), 0), ref_after(d.banks(), 0);
  std::vector<std::vector<std::uint64_t>> acts(d.channels * d.ranks);
  for (std::size_t i = 0; i < log.size(); ++i) {
    const DramCommand& b = log[i];
    const unsigned rank = rank_of(b);
    const std::string where = fmt::format("command {} ({})", i, commands({b}));
    switch (b.op) {
      case DramOp::kAct:
        EXPECT_FALSE(open[b.target]) << where;
        EXPECT_GE(b.cycle, act_after[b.target]) << where << ": after an auto-precharge";
        open[b.target] = true;
        last_act[b.target] = b.cycle;
        if (acts[rank].size() >= 4) {
          EXPECT_GE(b.cycle, acts[rank][acts[rank].size() - 4] + c.faw) << where << ": tFAW";
        }
        acts[rank].push_back(b.cycle);
        break;
      case DramOp::kPre:
        EXPECT_TRUE(open[b.target]) << where;
        open[b.target] = false;
        break;
      case DramOp::kRead:
      case DramOp::kWrite:
        EXPECT_TRUE(open[b.target]) << where;
        if (b.auto_precharge) {
          open[b.target] = false;
          const std::uint64_t pre = std::max<std::uint64_t>(
              b.cycle + (b.op == DramOp::kWrite ? c.wr_to_pre : c.rd_to_pre), last_act[b.target] + c.act_to_pre);
          act_after[b.target] = pre + c.pre_to_act;
          ref_after[b.target] = pre + c.pre_to_refab;
        }
        break;
      case DramOp::kPreAll:
        for (unsigned k = rank * per_rank; k < (rank + 1) * per_rank; ++k) open[k] = false;
        break;
      case DramOp::kRefresh:
        for (unsigned k = rank * per_rank; k < (rank + 1) * per_rank; ++k) {
          EXPECT_FALSE(open[k]) << where;
          EXPECT_GE(b.cycle, ref_after[k]) << where << ": after an auto-precharge";
        }
        break;
    }
    for (std::size_t j = i; j-- > 0 && log[j].cycle + 2000 > b.cycle;) {
      const DramCommand& a = log[j];
      const std::uint64_t gap = b.cycle - a.cycle;
      ASSERT_GE(b.cycle, a.cycle) << where;
      const unsigned arank = rank_of(a);
      if (arank / d.ranks != rank / d.ranks) continue;  // another channel
      EXPECT_GE(gap, length(a)) << where << " after " << commands({a}) << ": command bus";
      if (is_cas(a) && is_cas(b)) {
        const auto x = data(a), y = data(b);
        EXPECT_TRUE(x.second <= y.first || y.second <= x.first) << where << " after " << commands({a}) << ": data bus";
      }
      unsigned need = 0;
      auto rule = [&](bool applies, unsigned v) {
        if (applies) need = std::max(need, v);
      };
      const bool rd_a = a.op == DramOp::kRead, wr_a = a.op == DramOp::kWrite;
      const bool rd_b = b.op == DramOp::kRead, wr_b = b.op == DramOp::kWrite;
      if (arank != rank) {
        rule(rd_a && rd_b, c.rd_to_rd_rank_switch);
        rule(rd_a && wr_b, c.rd_to_wr_rank_switch);
        rule(wr_a && wr_b, c.wr_to_wr_rank_switch);
        rule(wr_a && rd_b, c.wr_to_rd_rank_switch);
        EXPECT_GE(gap, need) << where << " after " << commands({a}) << " on another rank";
        continue;
      }
      const bool bank = !is_rank_op(a) && !is_rank_op(b) && a.target == b.target;
      const bool group =
          !is_rank_op(a) && !is_rank_op(b) && a.target / d.banks_per_group == b.target / d.banks_per_group;
      const bool act_a = a.op == DramOp::kAct, act_b = b.op == DramOp::kAct;
      const bool pre_a = a.op == DramOp::kPre, pre_b = b.op == DramOp::kPre;
      const bool preab_a = a.op == DramOp::kPreAll, preab_b = b.op == DramOp::kPreAll;
      const bool ref_a = a.op == DramOp::kRefresh, ref_b = b.op == DramOp::kRefresh;
      rule(act_a && act_b, c.act_to_act_rank);
      rule(act_a && act_b && group, c.act_to_act_bg);
      rule(act_a && act_b && bank, c.act_to_act);
      rule(act_a && (rd_b || wr_b) && bank, c.act_to_rdwr);
      rule(act_a && pre_b && bank, c.act_to_pre);
      rule(act_a && preab_b, c.act_to_preab);
      rule(act_a && ref_b, c.act_to_refab);
      rule(rd_a && rd_b, c.rd_to_rd);
      rule(rd_a && rd_b && group, c.rd_to_rd_bg);
      rule(rd_a && wr_b, c.rd_to_wr);
      rule(wr_a && wr_b, c.wr_to_wr);
      rule(wr_a && wr_b && group, c.wr_to_wr_bg);
      rule(wr_a && rd_b, c.wr_to_rd);
      rule(wr_a && rd_b && group, c.wr_to_rd_bg);
      rule(rd_a && pre_b && bank, c.rd_to_pre);
      rule(rd_a && preab_b, c.rd_to_preab);
      rule(wr_a && pre_b && bank, c.wr_to_pre);
      rule(wr_a && preab_b, c.wr_to_preab);
      rule(pre_a && act_b && bank, c.pre_to_act);
      rule(pre_a && (pre_b || preab_b), c.pre_to_pre);
      rule(pre_a && ref_b, c.pre_to_refab);
      rule(preab_a && act_b, c.preab_to_act);
      rule(preab_a && ref_b, c.preab_to_refab);
      rule(ref_a && act_b, c.refab_to_act);
      rule(ref_a && ref_b, c.refab_to_refab);
      EXPECT_GE(gap, need) << where << " after " << commands({a});
    }
  }
}

// Random reads and writes over a few banks and rows (hits, misses and conflicts),
// arriving in bursts and lulls, up to 16 in flight, across several refresh intervals.
void random_traffic(const DramDevice& device, unsigned seed, std::uint64_t total = 4000) {
  BankModel m(device);
  std::vector<DramCommand> log;
  m.trace(&log);
  std::mt19937_64 rng(seed);
  const std::uint64_t burst = device.bytes_per_burst();
  const std::uint64_t span = std::min<std::uint64_t>(device.capacity_bytes(), std::uint64_t{1} << 32);
  std::vector<std::uint64_t> hot(12);
  for (auto& h : hot) h = rng() % span / burst * burst;
  std::vector<BankModel::Completion> done;
  std::vector<std::uint64_t> arrival;
  std::uint64_t now = 0, in_flight = 0;
  const std::uint64_t tck = static_cast<std::uint64_t>(device.tck_ps);
  std::size_t finished = 0;
  while (finished < total) {
    while (arrival.size() < total && in_flight < 16 && !m.full() && rng() % 3 != 0) {
      const std::uint64_t base = hot[rng() % hot.size()];
      const std::uint64_t a = rng() % 4 == 0 ? rng() % span / burst * burst : (base + burst * (rng() % 8)) % span;
      m.push(arrival.size(), rng() % 10 < 3, a, now);
      arrival.push_back(now);
      ++in_flight;
    }
    const auto next = m.next_event_ps();
    // lulls: sometimes let time run past the next event, or idle past a refresh
    const std::uint64_t lull = rng() % 50 == 0 ? (rng() % 9000) * tck : (rng() % 20) * tck;
    now = next ? std::min(*next, now + lull + 1) : now + lull + 1;
    const std::size_t before = done.size();
    m.run_until(now, done);
    in_flight -= done.size() - before;
    finished = done.size();
  }
  ASSERT_EQ(done.size(), total);
  std::vector<bool> seen(total, false);
  const DramConstraints& c = m.constraints();
  for (const auto& [id, t] : done) {
    ASSERT_LT(id, total);
    EXPECT_FALSE(seen[id]);
    seen[id] = true;
    EXPECT_GE(t, arrival[id] + (std::min(c.read_data_begin, c.write_data_begin) + c.burst) * tck);
  }
  check_trace(m, log);
  const DramCounters& k = m.counters();
  EXPECT_EQ(k.reads + k.writes, total);
  EXPECT_EQ(k.row_hits + k.row_misses + k.row_conflicts, total);
  if (device.page_policy != PagePolicy::kClosed) {
    EXPECT_GT(k.row_hits, 0u);
  }
  EXPECT_GT(k.row_conflicts + k.row_misses, 0u);
  if (device.refresh) {
    const std::uint64_t elapsed = now / tck;
    const std::uint64_t expected = elapsed / device.t.refi * device.ranks * device.channels;
    EXPECT_NEAR(double(k.refreshes), double(expected), double(device.ranks * device.channels));
    EXPECT_GT(k.refreshes, 2u * device.ranks * device.channels);
  }
}

TEST(BankModelRules, HoldUnderRandomTrafficDdr4) {
  REQUIRE_CONFIGS();
  DramDevice d = ddr4();
  random_traffic(d, 1);
  d.page_policy = PagePolicy::kClosed;
  random_traffic(d, 2);
  d.page_policy = PagePolicy::kOpenAdaptive;
  d.scheduler = DramScheduler::kFrFcfsGrp;
  random_traffic(d, 3);
  d.page_policy = PagePolicy::kClosedAdaptive;
  d.scheduler = DramScheduler::kFifo;
  d.buffer = RequestBuffer::kShared;
  random_traffic(d, 4);
}

TEST(BankModelRules, HoldUnderRandomTrafficLpddr4) {
  REQUIRE_CONFIGS();
  DramDevice d = load_dramsys_device(kConfigs / "lpddr4-example.json", kConfigs);
  random_traffic(d, 5);
  d.page_policy = PagePolicy::kClosed;
  random_traffic(d, 6);
}

TEST(BankModelRules, HoldUnderRandomTrafficTwoChannels) {
  REQUIRE_CONFIGS();
  const DramDevice d = ddr4_two_channels();
  validate(d, "two channels");
  EXPECT_EQ(d.decode(std::uint64_t{1} << 12).channel, 1u);
  EXPECT_EQ(d.decode(std::uint64_t{1} << 12).bank, 16u);  // the second channel's first bank
  random_traffic(d, 9, /*total=*/10000);
}

TEST(BankModelRules, HoldUnderRandomTrafficFourRanksDdr3) {
  REQUIRE_CONFIGS();
  DramDevice d = load_dramsys_device(kConfigs / "ranktest.json", kConfigs);
  EXPECT_EQ(d.standard, DramStandard::kDdr3);
  EXPECT_EQ(d.ranks, 4u);
  EXPECT_EQ(d.devices_per_rank, 8u);  // "nbrOfDevicesOnDIMM"
  random_traffic(d, 7);
  d.buffer = RequestBuffer::kReadWrite;
  d.page_policy = PagePolicy::kOpenAdaptive;
  random_traffic(d, 8);
}

// --- Against DRAMSys ------------------------------------------------------------------

// Up to 8 reads in flight, the next pushed when one completes: bytes per ns.
double bandwidth(const std::vector<std::uint64_t>& addresses, DramCounters* counters = nullptr) {
  BankModel m(ddr4());
  std::vector<BankModel::Completion> done;
  std::size_t next = 0, finished = 0, in_flight = 0;
  std::uint64_t now = 0, last = 0;
  while (finished < addresses.size()) {
    for (; in_flight < 8 && next < addresses.size() && !m.full(); ++next, ++in_flight)
      m.push(next, false, addresses[next], now);
    now = *m.next_event_ps();
    done.clear();
    m.run_until(now, done);
    finished += done.size();
    in_flight -= done.size();
    if (!done.empty()) last = done.back().second;
  }
  if (counters != nullptr) *counters = m.counters();
  return double(addresses.size()) * 64 / (double(last) / 1000);
}

// DRAMSys 5.1 on ddr4-example through sim_memtest (docs/timing.md §6): sequential
// 11.00 B/ns with 12 refreshes and 128 rows opened; strided 2.559; random 1.28.
// The SystemC adapter runs the model ahead (offer, schedule_until) instead of stepping
// it at every command and completion as it first did (push while !full, run_until at
// each next_event_ps, held requests pushed after each step): the completions must be
// the same, id and time, under random traffic that fills the buffers.
std::vector<BankModel::Completion> stepped(const DramDevice& device, const std::vector<std::uint64_t>& address,
                                           const std::vector<bool>& write, const std::vector<std::uint64_t>& arrival) {
  BankModel m(device);
  std::vector<BankModel::Completion> done;
  std::size_t next = 0, held = 0;  // requests [held, next) wait for room
  auto feed = [&] {
    for (; held < next && !m.full(); ++held) m.push(held, write[held], address[held], arrival[held]);
  };
  while (done.size() < address.size()) {
    const auto event = m.next_event_ps();
    if (next < address.size() && (!event || arrival[next] <= *event)) {
      const std::uint64_t now = arrival[next];
      m.run_until(now, done);
      for (; next < address.size() && arrival[next] == now; ++next) {
      }
    } else {
      m.run_until(*event, done);
    }
    feed();
  }
  return done;
}

std::vector<BankModel::Completion> ahead(const DramDevice& device, const std::vector<std::uint64_t>& address,
                                         const std::vector<bool>& write, const std::vector<std::uint64_t>& arrival,
                                         bool closed_forms = true, std::vector<DramCommand>* log = nullptr) {
  BankModel m(device);
  m.closed_forms(closed_forms);
  m.trace(log);
  std::vector<BankModel::Completion> done;
  const BankModel::Scheduled collect = [&](std::uint64_t id, std::uint64_t t) {
    done.emplace_back(id, t);
    return false;
  };
  for (std::size_t i = 0; i < address.size(); ++i) {
    m.offer(i, write[i], address[i], arrival[i]);
    const std::uint64_t following = i + 1 < address.size() ? arrival[i + 1] : ~std::uint64_t{0};
    if (const auto limit = m.decided_before_ps(following)) m.schedule_until(*limit, collect);
  }
  return done;
}

struct Requests {
  std::vector<std::uint64_t> address, arrival;
  std::vector<bool> write;
};

// Runs of one row (some in one burst of arrivals, filling the buffer), jumps, lulls.
Requests random_requests(const DramDevice& device, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t burst = device.bytes_per_burst();
  const std::uint64_t span = std::min<std::uint64_t>(device.capacity_bytes(), std::uint64_t{1} << 32);
  const auto tck = static_cast<std::uint64_t>(device.tck_ps);
  Requests q;
  std::uint64_t now = 0, base = 0;
  for (int i = 0; i < 4000; ++i) {
    if (rng() % 16 == 0) base = rng() % span / burst * burst;
    q.address.push_back(rng() % 8 == 0 ? rng() % span / burst * burst : (base + burst * (rng() % 16)) % span);
    q.write.push_back(rng() % 10 < 3);
    const std::uint64_t r = rng() % 100;
    now += r < 60 ? 0 : r < 97 ? (rng() % 8) * tck + rng() % tck : (rng() % 9000) * tck;
    q.arrival.push_back(now);
  }
  return q;
}

void same_completions(const DramDevice& device, std::uint64_t seed) {
  const Requests q = random_requests(device, seed);
  const auto a = stepped(device, q.address, q.write, q.arrival), b = ahead(device, q.address, q.write, q.arrival);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].first, b[i].first) << i;
    ASSERT_EQ(a[i].second, b[i].second) << i;
  }
}

TEST(BankModel, RunningAheadMatchesSteppingAtEveryEvent) {
  REQUIRE_CONFIGS();
  same_completions(ddr4(), 11);
  same_completions(load_dramsys_device(kConfigs / "lpddr4-example.json", kConfigs), 12);
  same_completions(ddr4_two_channels(), 13);
  DramDevice fifo = ddr4();
  fifo.scheduler = DramScheduler::kFifo;
  fifo.buffer = RequestBuffer::kShared;
  same_completions(fifo, 14);
  DramDevice adaptive = ddr4();
  adaptive.page_policy = PagePolicy::kOpenAdaptive;
  same_completions(adaptive, 15);
}

// The closed forms for one bank's requests (one_bank, stream_row_hits) against the
// general search: the same commands at the same cycles and the same completions, with
// the traffic above (one bank, and several) under each scheduler and page policy they
// stand for.
void same_with_closed_forms(const DramDevice& device, std::uint64_t seed, bool one_bank) {
  Requests q = random_requests(device, seed);
  if (one_bank) {  // the first 256 MiB: on ddr4-example bank 0 alone, as the platform's DRAM
    for (auto& a : q.address) a %= std::uint64_t{1} << 28;
  }
  std::vector<DramCommand> general_log, closed_log;
  const auto general = ahead(device, q.address, q.write, q.arrival, false, &general_log);
  const auto closed = ahead(device, q.address, q.write, q.arrival, true, &closed_log);
  ASSERT_EQ(general, closed);
  ASSERT_EQ(general_log.size(), closed_log.size());
  for (std::size_t i = 0; i < general_log.size(); ++i) {
    const DramCommand &g = general_log[i], &c = closed_log[i];
    ASSERT_TRUE(g.op == c.op && g.auto_precharge == c.auto_precharge && g.target == c.target && g.cycle == c.cycle)
        << "command " << i << ": " << commands({g}) << " against " << commands({c});
  }
}

TEST(BankModel, ClosedFormForRowHitsMatchesTheGeneralSearch) {
  REQUIRE_CONFIGS();
  DramDevice d = ddr4();
  ASSERT_EQ(d.decode((std::uint64_t{1} << 28) - 64).bank, 0u);
  for (const bool one_bank : {true, false}) {
    same_with_closed_forms(d, 21, one_bank);
    DramDevice fifo = d;
    fifo.scheduler = DramScheduler::kFifo;
    same_with_closed_forms(fifo, 22, one_bank);
    DramDevice closed = d;
    closed.page_policy = PagePolicy::kClosed;
    same_with_closed_forms(closed, 23, one_bank);
    same_with_closed_forms(ddr4_two_channels(), 24, one_bank);
    // four ranks refreshing in turn (DDR3)
    same_with_closed_forms(load_dramsys_device(kConfigs / "ranktest.json", kConfigs), 25, one_bank);
  }
}

// --- In arrival order (serve, dram_scheduling: in_order) ---------------------------

// The hand counts above, each burst's commands issued at once in arrival order.
TEST(BankModelInOrder, LatenciesAsCountedForTheController) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  std::vector<DramCommand> log;
  m.trace(&log);
  EXPECT_EQ(m.serve(false, address(0, 0, 5), at(0)), at(31));        // miss: ACT 1, RD 14
  EXPECT_EQ(m.serve(false, address(0, 0, 5, 1), at(100)), at(118));  // hit: RD 101
  EXPECT_EQ(m.serve(false, address(0, 0, 6), at(200)), at(244));     // conflict: PRE 201, ACT 214, RD 227
  // four write bursts to bank 1 (group 0), ready at 301..304: ACT 301, WR 314 and
  // tCCD_L 5 apart, the last at 329, its data 329 + WL 12 to 345
  EXPECT_EQ(m.serve(true, address(0, 1, 7), at(300), 4), at(345));
  EXPECT_EQ(commands(log),
            "ACT b0@1 RD b0@14 RD b0@101 PRE b0@201 ACT b0@214 RD b0@227 ACT b1@301 WR b1@314 WR b1@319 WR b1@324 "
            "WR b1@329");
  // a burst that needed an ACT is a miss, with a PRE first a conflict; the write's later
  // bursts hit the row its first opened
  EXPECT_EQ(m.counters().row_misses, 2u);
  EXPECT_EQ(m.counters().row_conflicts, 1u);
  EXPECT_EQ(m.counters().row_hits, 4u);
  EXPECT_EQ(m.counters().writes, 4u);
}

TEST(BankModelInOrder, RefreshAsCountedForTheController) {
  REQUIRE_CONFIGS();
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    EXPECT_EQ(m.serve(false, address(0, 0, 5), at(7279)), at(7553));
    EXPECT_EQ(commands(log), "REF r0@7280 ACT b0@7523 RD b0@7536");
  }
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.serve(false, address(0, 0, 5), at(0));
    m.trace(&log);
    EXPECT_EQ(m.serve(false, address(0, 0, 5, 1), at(7279)), at(7566));
    EXPECT_EQ(commands(log), "PREAB r0@7280 REF r0@7293 ACT b0@7536 RD b0@7549");
  }
  {
    BankModel m(ddr4());
    std::vector<DramCommand> log;
    m.trace(&log);
    EXPECT_EQ(m.serve(false, address(0, 0, 5), at(7278)), at(7597));
    EXPECT_EQ(commands(log), "ACT b0@7279 PREAB r0@7311 REF r0@7324 ACT b0@7567 RD b0@7580");
  }
}

TEST(BankModelInOrder, RejectsWhatPushRejects) {
  REQUIRE_CONFIGS();
  BankModel m(ddr4());
  m.serve(false, address(0, 0, 5), at(10));
  EXPECT_THROW(m.serve(false, address(0, 0, 5), at(9)), Error);                   // back in time
  EXPECT_THROW(m.serve(false, (std::uint64_t{1} << 32) - 64, at(10), 2), Error);  // past the end
  EXPECT_THROW(m.serve(false, address(0, 0, 5), at(10), 0), Error);               // no bursts
  m.push(1, false, address(0, 0, 5), at(10));
  EXPECT_THROW(m.serve(false, address(0, 0, 5), at(10)), Error);  // mixed with the controller
}

// Where one bank holds every request, the FIFO controller serves them in arrival order
// too, and what it adds (its buffer, the held requests) never delays a burst there:
// the same completion times as serve(), under the random traffic above (which fills
// the buffer).
TEST(BankModelInOrder, OneBankAsTheFifoController) {
  REQUIRE_CONFIGS();
  DramDevice d = ddr4();
  d.scheduler = DramScheduler::kFifo;
  Requests q = random_requests(d, 31);
  for (auto& a : q.address) a %= std::uint64_t{1} << 28;  // bank 0
  const auto controller = ahead(d, q.address, q.write, q.arrival);
  BankModel m(d);
  ASSERT_EQ(controller.size(), q.address.size());
  for (std::size_t i = 0; i < q.address.size(); ++i) {
    ASSERT_EQ(controller[i].first, i);
    ASSERT_EQ(m.serve(q.write[i], q.address[i], q.arrival[i]), controller[i].second) << i;
  }
}

TEST(BankModel, MatchesDramSysOnDdr4Example) {
  REQUIRE_CONFIGS();
  std::vector<std::uint64_t> sequential, strided, random;
  for (std::uint64_t a = 0; a < (1u << 20); a += 64) sequential.push_back(a);
  for (std::uint64_t i = 0; i < 4096; ++i) strided.push_back(i * 4096);
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> slot(0, (64u << 20) / 64 - 1);
  for (int i = 0; i < 4096; ++i) random.push_back(slot(rng) * 64);
  DramCounters c;
  EXPECT_NEAR(bandwidth(sequential, &c), 11.00, 0.02 * 11.00);
  EXPECT_EQ(c.refreshes, 12u);
  EXPECT_EQ(c.row_conflicts, 127u);  // + the first row: DRAMSys's 128 row misses
  EXPECT_NEAR(bandwidth(strided), 2.559, 0.02 * 2.559);
  EXPECT_NEAR(bandwidth(random), 1.28, 0.02 * 1.28);
}

}  // namespace
}  // namespace qacc
