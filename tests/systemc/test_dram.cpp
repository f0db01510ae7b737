// The DRAM target alone: data, the latency-plus-bandwidth annotation, the order of
// its error responses, DMI and side-effect-free debug access.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "model/memory/dram.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

ArchConfig dram_config() {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles, so a cycle/ns mix-up shows
  c.dram_latency_cycles = 10;
  c.dram_bytes_per_cycle = 8;
  c.dram_bytes = 1u << 20;
  return c;
}

struct DramBench : sc_core::sc_module {
  ArchConfig config = dram_config();
  test::Stimulus stimulus{"stimulus"};
  test::Initiator cpu{"cpu"};
  Dram dram{"dram", config};

  explicit DramBench(sc_core::sc_module_name name) : sc_module(name) { cpu.out.bind(dram.in); }
};

DramBench& bench() { return test::Elaboration<DramBench>::bench(); }
sc_core::sc_time cycles(std::uint64_t n) { return test::cycles(bench().config, n); }

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t first) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

TEST(Dram, WriteThenReadRoundTrip) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto data = pattern(20, 3);
    EXPECT_TRUE(b.cpu.write(0x100, data.data(), 20).ok());
    std::vector<std::uint8_t> back(20);
    EXPECT_TRUE(b.cpu.read(0x100, back.data(), 20).ok());
    EXPECT_EQ(back, data);
    // Neighbours untouched.
    std::uint8_t edge[2] = {0xFF, 0xFF};
    EXPECT_TRUE(b.cpu.read(0xFF, edge, 1).ok());
    EXPECT_TRUE(b.cpu.read(0x114, edge + 1, 1).ok());
    EXPECT_EQ(edge[0], 0);
    EXPECT_EQ(edge[1], 0);
    // The last byte is in range.
    const std::uint8_t last = 0x42;
    EXPECT_TRUE(b.cpu.write(b.dram.size() - 1, &last, 1).ok());
  });
}

TEST(Dram, DelayIsLatencyPlusBytesOverBandwidth) {
  auto& b = bench();
  b.stimulus.run([&] {
    std::vector<std::uint8_t> buffer(64);
    // latency 10 + ceil(len / 8 bytes per cycle), at 2 ns a cycle:
    //   20 bytes: 10 + 3 = 13 cycles; 16 bytes: 10 + 2 = 12; 1 byte: 10 + 1 = 11.
    const std::pair<unsigned, std::uint64_t> cases[] = {{20, 13}, {16, 12}, {1, 11}, {64, 18}};
    for (const auto& [len, expected] : cases) {
      const std::uint64_t transactions = b.dram.transactions();
      auto t0 = sc_core::sc_time_stamp();
      const test::Access r = b.cpu.read(0x200, buffer.data(), len);
      EXPECT_TRUE(r.ok());
      EXPECT_EQ(r.delay, cycles(expected)) << len << " bytes";
      EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected)) << len << " bytes";
      t0 = sc_core::sc_time_stamp();
      EXPECT_EQ(b.cpu.write(0x200, buffer.data(), len).delay, cycles(expected)) << len << " bytes";
      EXPECT_EQ(sc_core::sc_time_stamp() - t0, cycles(expected)) << len << " bytes";
      EXPECT_EQ(b.dram.transactions(), transactions + 2);
    }
  });
}

TEST(Dram, DelayAddsToTheIncomingAnnotation) {
  auto& b = bench();
  b.stimulus.run([&] {
    // A temporally decoupled initiator's local time is carried, not overwritten.
    sc_core::sc_time local(100, sc_core::SC_NS);
    std::uint8_t byte = 0;
    EXPECT_TRUE(b.cpu.read(0x10, &byte, 1, &local).ok());
    EXPECT_EQ(local, sc_core::sc_time(100, sc_core::SC_NS) + cycles(11));
  });
}

TEST(Dram, OutOfRangeIsAnAddressError) {
  auto& b = bench();
  b.stimulus.run([&] {
    const std::uint64_t size = b.dram.size();
    const std::uint64_t transactions = b.dram.transactions();
    std::uint8_t buffer[8] = {};
    EXPECT_EQ(b.cpu.read(size, buffer, 1).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.cpu.read(size - 4, buffer, 8).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.cpu.write(size - 4, buffer, 8).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // An address so large that address + length wraps.
    EXPECT_EQ(b.cpu.read(std::numeric_limits<std::uint64_t>::max() - 3, buffer, 8).status,
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.dram.transactions(), transactions);
  });
}

// A payload for the protocol checks: a 4-byte read at `addr`.
struct Payload {
  std::uint8_t data[8] = {};
  tlm::tlm_generic_payload t;
  explicit Payload(std::uint64_t addr) {
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
};

TEST(Dram, StreamingWidthOtherThanLengthIsABurstError) {
  auto& b = bench();
  b.stimulus.run([&] {
    Payload p(0x40);
    p.t.set_streaming_width(1);
    EXPECT_EQ(b.cpu.transport(p.t).status, tlm::TLM_BURST_ERROR_RESPONSE);
    // Checked before the address: an out-of-range streaming access is a burst error too.
    Payload q(b.dram.size());
    q.t.set_streaming_width(2);
    EXPECT_EQ(b.cpu.transport(q.t).status, tlm::TLM_BURST_ERROR_RESPONSE);
  });
}

TEST(Dram, ByteEnablesAreRefused) {
  auto& b = bench();
  b.stimulus.run([&] {
    unsigned char enables[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    Payload p(0x40);
    p.t.set_byte_enable_ptr(enables);
    p.t.set_byte_enable_length(4);
    EXPECT_EQ(b.cpu.transport(p.t).status, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    // Checked before the address.
    Payload q(b.dram.size());
    q.t.set_byte_enable_ptr(enables);
    q.t.set_byte_enable_length(4);
    EXPECT_EQ(b.cpu.transport(q.t).status, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  });
}

TEST(Dram, DmiPointerReachesTheStorage) {
  auto& b = bench();
  b.stimulus.run([&] {
    tlm::tlm_dmi dmi;
    ASSERT_TRUE(b.cpu.dmi(0x300, dmi));
    EXPECT_TRUE(dmi.is_read_write_allowed());
    EXPECT_EQ(dmi.get_start_address(), 0u);
    EXPECT_EQ(dmi.get_end_address(), b.dram.size() - 1);
    EXPECT_EQ(dmi.get_read_latency(), cycles(10));
    EXPECT_EQ(dmi.get_write_latency(), cycles(10));

    unsigned char* memory = dmi.get_dmi_ptr();
    const auto data = pattern(8, 50);
    std::memcpy(memory + 0x300, data.data(), data.size());
    std::vector<std::uint8_t> back(8);
    EXPECT_TRUE(b.cpu.read(0x300, back.data(), 8).ok());
    EXPECT_EQ(back, data);
    const auto other = pattern(8, 90);
    EXPECT_TRUE(b.cpu.write(0x308, other.data(), 8).ok());
    EXPECT_TRUE(std::equal(other.begin(), other.end(), memory + 0x308));
  });
}

TEST(Dram, DebugTransportHasNoTimingAndNoSideEffects) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto t0 = sc_core::sc_time_stamp();
    const std::uint64_t transactions = b.dram.transactions();
    const auto data = pattern(12, 7);
    EXPECT_EQ(b.cpu.debug_write(0x400, data.data(), 12), 12u);
    std::vector<std::uint8_t> back(12);
    EXPECT_EQ(b.cpu.debug_read(0x400, back.data(), 12), 12u);
    EXPECT_EQ(back, data);
    EXPECT_EQ(b.cpu.debug_read(b.dram.size() - 2, back.data(), 4), 0u);
    EXPECT_EQ(sc_core::sc_time_stamp(), t0);
    EXPECT_EQ(b.dram.transactions(), transactions);
    // And what it wrote is what the timed path reads.
    EXPECT_TRUE(b.cpu.read(0x400, back.data(), 12).ok());
    EXPECT_EQ(back, data);
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::DramBench> elaboration;
  return RUN_ALL_TESTS();
}
