// The DMA engine against a DRAM behind the bus: bytes land where 1D and 2D-strided
// requests say, a request takes the cycles the cost model gives (counted by hand
// here, for one burst in flight and for several), and bus and SRAM faults are
// reported with their address.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "model/dma/dma_engine.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"
#include "model/timing/cost_model.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

constexpr std::uint64_t kDramBase = 0x8000'0000;
constexpr std::size_t kSramBytes = 1024;

// Small numbers so a request splits into several bursts and every term of a burst's
// cost is distinct: setup 2, latency 10, a 4-byte bus narrower than the DRAM's 8.
ArchConfig dma_config() {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles
  c.dma_bus_bytes = 4;
  c.dma_burst_bytes = 16;
  c.dma_setup_cycles = 2;
  c.dram_latency_cycles = 10;
  c.dram_bytes_per_cycle = 8;
  c.dram_bytes = 1u << 20;
  c.dma_max_outstanding = 1;  // the blocking engine: bursts back to back
  return c;
}

ArchConfig pipelined_config() {
  ArchConfig c = dma_config();
  c.dma_max_outstanding = 4;
  return c;
}

struct DmaBench : sc_core::sc_module {
  ArchConfig config = dma_config();
  ArchConfig pipelined_config = qacc::pipelined_config();
  test::Stimulus stimulus{"stimulus"};
  test::Initiator loader{"loader"};  // backdoor access to DRAM for the checks
  Router bus{"bus", {{"dram", kDramBase, config.dram_bytes}}};
  Dram dram{"dram", config};
  DmaEngine dma{"dma", config};
  DmaEngine pipelined{"pipelined", pipelined_config};  // four bursts in flight
  Sram sram{"sram", kSramBytes};

  explicit DmaBench(sc_core::sc_module_name name) : sc_module(name) {
    dma.out.bind(bus.in);
    pipelined.out.bind(bus.in);
    loader.out.bind(bus.in);
    bus.out.bind(dram.in);
  }
};

DmaBench& bench() { return test::Elaboration<DmaBench>::bench(); }
sc_core::sc_time cycles(std::uint64_t n) { return test::cycles(bench().config, n); }

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t first) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

void put_dram(std::uint64_t addr, const std::vector<std::uint8_t>& data) {
  ASSERT_EQ(bench().loader.debug_write(addr, data.data(), static_cast<unsigned>(data.size())), data.size());
}

std::vector<std::uint8_t> get_dram(std::uint64_t addr, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  EXPECT_EQ(bench().loader.debug_read(addr, v.data(), static_cast<unsigned>(n)), n);
  return v;
}

std::vector<std::uint8_t> get_sram(std::size_t offset, std::size_t n) {
  const std::uint8_t* p = bench().sram.span(offset, n);
  return {p, p + n};
}

// Submits and waits; returns the simulated time the request took.
sc_core::sc_time transfer(const DmaRequest& r) {
  const auto t0 = sc_core::sc_time_stamp();
  bench().dma.wait_done(bench().dma.submit(r));
  return sc_core::sc_time_stamp() - t0;
}

TEST(DmaEngine, CopiesDramToSram) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto data = pattern(40, 1);
    put_dram(kDramBase + 0x100, data);
    const DmaStats before = b.dma.stats();
    const std::uint64_t sram_writes = b.sram.writes();
    DmaRequest r;
    r.direction = DmaRequest::Direction::kDramToSram;
    r.dram_addr = kDramBase + 0x100;
    r.sram = &b.sram;
    r.sram_offset = 64;
    r.row_bytes = 40;
    // 40 bytes in bursts of at most 16: 16 + 16 + 8. A burst costs
    // setup 2 + latency 10 + ceil(bytes / min(bus 4, DRAM 8)):
    //   16 bytes: 2 + 10 + 4 = 16 cycles;  8 bytes: 2 + 10 + 2 = 14 cycles.
    // 16 + 16 + 14 = 46 cycles.
    EXPECT_EQ(transfer(r), cycles(46));
    EXPECT_EQ(get_sram(64, 40), data);
    EXPECT_EQ(b.dma.fault(), DmaFault::kNone);
    const DmaStats& s = b.dma.stats();
    EXPECT_EQ(s.requests - before.requests, 1u);
    EXPECT_EQ(s.bursts - before.bursts, 3u);
    EXPECT_EQ(s.dram_bytes_read - before.dram_bytes_read, 40u);
    EXPECT_EQ(s.dram_bytes_written - before.dram_bytes_written, 0u);
    EXPECT_EQ(s.busy_cycles - before.busy_cycles, 46u);
    EXPECT_EQ(b.sram.writes() - sram_writes, 40u);
  });
}

TEST(DmaEngine, CopiesSramToDram) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto data = pattern(20, 100);
    std::copy(data.begin(), data.end(), b.sram.span(200, 20));
    const DmaStats before = b.dma.stats();
    const std::uint64_t sram_reads = b.sram.reads();
    DmaRequest r;
    r.direction = DmaRequest::Direction::kSramToDram;
    r.dram_addr = kDramBase + 0x2000;
    r.sram = &b.sram;
    r.sram_offset = 200;
    r.row_bytes = 20;
    // 16 + 4 bytes: (2 + 10 + 4) + (2 + 10 + 1) = 16 + 13 = 29 cycles.
    EXPECT_EQ(transfer(r), cycles(29));
    EXPECT_EQ(get_dram(kDramBase + 0x2000, 20), data);
    EXPECT_EQ(get_dram(kDramBase + 0x2000 + 20, 1)[0], 0);  // nothing past the end
    EXPECT_EQ(b.dma.stats().dram_bytes_written - before.dram_bytes_written, 20u);
    EXPECT_EQ(b.sram.reads() - sram_reads, 20u);
  });
}

TEST(DmaEngine, StridedCopyPlacesRows) {
  auto& b = bench();
  b.stimulus.run([&] {
    // Three rows of 5 bytes, 16 apart in DRAM, 8 apart in SRAM.
    const auto image = pattern(48, 10);
    put_dram(kDramBase + 0x3000, image);
    std::fill_n(b.sram.span(300, 24), 24, 0xEE);
    DmaRequest r;
    r.dram_addr = kDramBase + 0x3000;
    r.dram_stride = 16;
    r.sram = &b.sram;
    r.sram_offset = 300;
    r.sram_stride = 8;
    r.rows = 3;
    r.row_bytes = 5;
    transfer(r);
    const auto got = get_sram(300, 24);
    for (std::size_t row = 0; row < 3; ++row)
      for (std::size_t i = 0; i < 8; ++i) {
        const std::uint8_t expect = i < 5 ? image[row * 16 + i] : 0xEE;  // the gaps keep their bytes
        EXPECT_EQ(got[row * 8 + i], expect) << "row " << row << " byte " << i;
      }

    // Back to DRAM packed in SRAM (stride 0) and 7 apart in DRAM.
    std::uint8_t* packed = b.sram.span(400, 15);
    std::iota(packed, packed + 15, std::uint8_t{200});
    DmaRequest w;
    w.direction = DmaRequest::Direction::kSramToDram;
    w.dram_addr = kDramBase + 0x4000;
    w.dram_stride = 7;
    w.sram = &b.sram;
    w.sram_offset = 400;
    w.rows = 3;
    w.row_bytes = 5;
    transfer(w);
    const auto dram = get_dram(kDramBase + 0x4000, 21);
    for (std::size_t row = 0; row < 3; ++row)
      for (std::size_t i = 0; i < 7; ++i) {
        const std::uint8_t expect = i < 5 ? static_cast<std::uint8_t>(200 + row * 5 + i) : 0;
        EXPECT_EQ(dram[row * 7 + i], expect) << "row " << row << " byte " << i;
      }
  });
}

TEST(DmaEngine, RequestTimeIsTheCostModelsCountedByHand) {
  auto& b = bench();
  b.stimulus.run([&] {
    DmaRequest r;
    r.dram_addr = kDramBase + 0x5000;
    r.dram_stride = 64;
    r.sram = &b.sram;
    r.rows = 2;
    r.row_bytes = 40;
    // Each row: two full 16-byte bursts and an 8-byte rest.
    //   full burst: setup 2 + latency 10 + 16/4 bus beats       = 16 cycles
    //   rest:       setup 2 + latency 10 +  8/4 bus beats       = 14 cycles
    //   (the 4-byte bus is narrower than the DRAM's 8 bytes/cycle, so it sets the beats)
    //   row = 16 + 16 + 14 = 46;  two rows = 92 cycles = 184 ns at 500 MHz.
    EXPECT_EQ(timing::dma_transfer_cycles(b.config, 2, 40), 92u);
    EXPECT_EQ(transfer(r), cycles(92));
    EXPECT_EQ(transfer(r), sc_core::sc_time(184, sc_core::SC_NS));
  });
}

TEST(DmaEngine, RowsContiguousOnBothSidesAreOneTransfer) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto data = pattern(30, 70);
    put_dram(kDramBase + 0x9000, data);
    const DmaStats before = b.dma.stats();
    DmaRequest r;
    r.dram_addr = kDramBase + 0x9000;
    r.dram_stride = 10;
    r.sram = &b.sram;
    r.sram_offset = 700;
    r.rows = 3;
    r.row_bytes = 10;
    // Three touching rows of 10 bytes move as 30 bytes, in bursts of 16 + 14:
    //   (2 + 10 + 16/4) + (2 + 10 + ceil(14/4)) = 16 + 16 = 32 cycles,
    // not three 10-byte bursts of 2 + 10 + 3 = 15 cycles each (45).
    EXPECT_EQ(timing::dma_transfer_cycles(b.config, 1, 30), 32u);
    EXPECT_EQ(transfer(r), cycles(32));
    EXPECT_EQ(b.dma.stats().bursts - before.bursts, 2u);
    EXPECT_EQ(get_sram(700, 30), data);

    // Touching in DRAM but not in SRAM: each row is its own transfer.
    r.sram_stride = 12;
    EXPECT_EQ(transfer(r), cycles(45));
    EXPECT_EQ(b.dma.stats().bursts - before.bursts, 5u);
  });
}

TEST(DmaEngine, QueuedRequestsRunInOrderBackToBack) {
  auto& b = bench();
  b.stimulus.run([&] {
    put_dram(kDramBase + 0x6000, pattern(16, 1));
    DmaRequest load;
    load.dram_addr = kDramBase + 0x6000;
    load.sram = &b.sram;
    load.sram_offset = 500;
    load.row_bytes = 16;
    DmaRequest store = load;  // the second copies the first's result onwards
    store.direction = DmaRequest::Direction::kSramToDram;
    store.dram_addr = kDramBase + 0x7000;
    const auto t0 = sc_core::sc_time_stamp();
    const std::uint64_t first = b.dma.submit(load);
    const std::uint64_t second = b.dma.submit(store);
    b.dma.wait_done(first);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(16));
    b.dma.wait_done(second);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(32));
    EXPECT_EQ(get_dram(kDramBase + 0x7000, 16), pattern(16, 1));
  });
}

// Four bursts in flight, counted by hand with the bench's numbers (setup 2, latency
// 10, DRAM 8 bytes/cycle so 2 cycles of data per 16-byte burst, a 4-byte DMA port so
// 4 beats per burst, 2 more than the DRAM's 2).
TEST(DmaEngine, OutstandingBurstsOverlapTheLatencyAndQueueForTheDataPaths) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto data = pattern(64, 3);
    put_dram(kDramBase + 0xa000, data);
    DmaRequest r;
    r.dram_addr = kDramBase + 0xa000;
    r.sram = &b.sram;
    r.sram_offset = 100;
    r.row_bytes = 64;
    // Four bursts take the four places at t=0; the issue stage sends them at 2, 4, 6, 8.
    // DRAM data bus: max(arrival + 10, free) for 2 cycles: 12-14, 14-16, 16-18, 18-20.
    // DMA port: max(response + 2, port free + 4): 16, 20, 24, 28.
    const auto t0 = sc_core::sc_time_stamp();
    b.pipelined.wait_done(b.pipelined.submit(r));
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(28));  // blocking: 4 x 16 = 64
    EXPECT_EQ(get_sram(100, 64), data);
  });
}

TEST(DmaEngine, ATicketIsDoneWhenItAndEveryEarlierOneAre) {
  auto& b = bench();
  b.stimulus.run([&] {
    const DmaStats before = b.pipelined.stats();
    const std::size_t first_latency = b.pipelined.latencies().size();
    DmaRequest load;
    load.dram_addr = kDramBase + 0xb000;
    load.sram = &b.sram;
    load.sram_offset = 200;
    load.row_bytes = 48;
    DmaRequest store = load;
    store.direction = DmaRequest::Direction::kSramToDram;
    store.dram_addr = kDramBase + 0xc000;
    store.sram_offset = 300;
    store.row_bytes = 16;
    // Load bursts leave at 2, 4, 6: DRAM data 12-14, 14-16, 16-18; read port done at
    // 16, 20, 24. The store takes the fourth place at 0 and leaves at 8: DRAM data
    // 18-20; its own (write) port is free, done at 22, before the load.
    const auto t0 = sc_core::sc_time_stamp();
    const std::uint64_t first = b.pipelined.submit(load);
    const std::uint64_t second = b.pipelined.submit(store);
    b.pipelined.wait_done(second);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(24));  // held for the load
    EXPECT_EQ(b.pipelined.submitted(), second);
    b.pipelined.wait_done(first);
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(24));

    const DmaStats s = b.pipelined.stats();
    EXPECT_EQ(s.busy_cycles - before.busy_cycles, 24u);
    EXPECT_EQ(s.read_busy_cycles - before.read_busy_cycles, 24u);
    EXPECT_EQ(s.write_busy_cycles - before.write_busy_cycles, 22u);
    EXPECT_EQ(s.bursts - before.bursts, 4u);
    EXPECT_EQ(s.latency_cycles - before.latency_cycles, 16u + 20 + 24 + 22);
    const auto& l = b.pipelined.latencies();
    EXPECT_EQ(std::vector<std::uint32_t>(l.begin() + static_cast<std::ptrdiff_t>(first_latency), l.end()),
              (std::vector<std::uint32_t>{16, 20, 24, 22}));  // in the order they became known
  });
}

TEST(DmaEngine, BurstsDoNotCrossTheDramsBoundary) {
  auto& b = bench();
  b.stimulus.run([&] {
    DmaRequest r;
    r.dram_addr = kDramBase + 0xd008;
    r.sram = &b.sram;
    r.row_bytes = 32;
    DmaStats before = b.pipelined.stats();
    b.pipelined.wait_done(b.pipelined.submit(r));  // 16 at 0x08, 16 at 0x18
    EXPECT_EQ(b.pipelined.stats().bursts - before.bursts, 2u);
    b.pipelined.set_burst_boundary(32);
    before = b.pipelined.stats();
    b.pipelined.wait_done(b.pipelined.submit(r));  // 16 at 0x08, 8 at 0x18, 8 at 0x20
    EXPECT_EQ(b.pipelined.stats().bursts - before.bursts, 3u);
    b.pipelined.set_burst_boundary(0);
  });
}

TEST(DmaEngine, BusErrorStopsTheRequestAtTheFailingAddress) {
  auto& b = bench();
  b.stimulus.run([&] {
    const std::uint64_t end = kDramBase + b.config.dram_bytes;
    const DmaStats before = b.dma.stats();
    DmaRequest r;
    r.dram_addr = end - 16;  // the first burst is the DRAM's last 16 bytes, the second a bus miss
    r.sram = &b.sram;
    r.row_bytes = 48;
    // The burst that completed (16 cycles), then the failing one's setup (2): its
    // error comes back from the bus at once and carries no data.
    EXPECT_EQ(transfer(r), cycles(18));
    EXPECT_EQ(b.dma.fault(), DmaFault::kBusError);
    EXPECT_EQ(b.dma.fault_address(), end);
    EXPECT_EQ(b.dma.stats().bursts - before.bursts, 2u);
    EXPECT_EQ(b.dma.stats().dram_bytes_read - before.dram_bytes_read, 16u);

    // While the fault stands, later requests are skipped, not performed.
    put_dram(kDramBase + 0x8000, pattern(8, 33));
    std::fill_n(b.sram.span(600, 8), 8, 0);
    DmaRequest next;
    next.dram_addr = kDramBase + 0x8000;
    next.sram = &b.sram;
    next.sram_offset = 600;
    next.row_bytes = 8;
    EXPECT_EQ(transfer(next), sc_core::SC_ZERO_TIME);
    EXPECT_EQ(get_sram(600, 8), std::vector<std::uint8_t>(8, 0));
    EXPECT_EQ(b.dma.fault_address(), end);

    b.dma.clear_fault();
    EXPECT_EQ(b.dma.fault(), DmaFault::kNone);
    EXPECT_EQ(transfer(next), cycles(14));
    EXPECT_EQ(get_sram(600, 8), pattern(8, 33));

    // A request wholly outside DRAM faults on its first address.
    DmaRequest outside = next;
    outside.dram_addr = kDramBase - 0x100;
    transfer(outside);
    EXPECT_EQ(b.dma.fault(), DmaFault::kBusError);
    EXPECT_EQ(b.dma.fault_address(), kDramBase - 0x100);
    b.dma.clear_fault();
  });
}

TEST(DmaEngine, SramOverflowIsASramRangeFault) {
  auto& b = bench();
  b.stimulus.run([&] {
    const DmaStats before = b.dma.stats();
    DmaRequest r;
    r.dram_addr = kDramBase;
    r.sram = &b.sram;
    r.sram_offset = kSramBytes - 30;
    r.rows = 2;
    r.row_bytes = 20;  // packed: 40 bytes from 994, past the 1024-byte buffer
    EXPECT_EQ(transfer(r), sc_core::SC_ZERO_TIME);
    EXPECT_EQ(b.dma.fault(), DmaFault::kSramRange);
    EXPECT_EQ(b.dma.fault_address(), kSramBytes + 10);  // the end of the access
    EXPECT_EQ(b.dma.stats().bursts, before.bursts);     // checked before any bus traffic
    b.dma.clear_fault();

    // A stride that carries the last row out of the buffer, though the bytes would fit.
    DmaRequest strided;
    strided.dram_addr = kDramBase;
    strided.sram = &b.sram;
    strided.sram_offset = 0;
    strided.sram_stride = 600;
    strided.rows = 2;
    strided.row_bytes = 500;
    transfer(strided);
    EXPECT_EQ(b.dma.fault(), DmaFault::kSramRange);
    EXPECT_EQ(b.dma.fault_address(), 1100u);
    b.dma.clear_fault();
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::DmaBench> elaboration;
  return RUN_ALL_TESTS();
}
