// The bus alone: decode, rebasing, error responses, counters, and the debug and DMI
// paths, with a recording target that shows what the router forwarded and a DRAM as
// a real memory behind it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "base/error.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

constexpr std::uint64_t kRamBase = 0x1000, kRamSize = 0x100;
constexpr std::uint64_t kDramBase = 0x10000, kDramSize = 0x10000;
// A fixed delay the recording target annotates; the router must pass it through.
const sc_core::sc_time kRecorderDelay(7, sc_core::SC_NS);

// Storage that remembers the addresses it was given, i.e. after the router rebased them.
class Recorder : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Recorder> in;
  std::vector<unsigned char> data;
  std::uint64_t calls = 0;
  std::uint64_t last_address = 0, last_debug_address = 0, last_dmi_address = 0;
  // The DMI range granted, in the target's own addresses.
  std::uint64_t dmi_end;

  Recorder(sc_core::sc_module_name name, std::size_t bytes) : sc_module(name), in("in"), data(bytes), dmi_end(bytes - 1) {
    in.register_b_transport(this, &Recorder::b_transport);
    in.register_transport_dbg(this, &Recorder::transport_dbg);
    in.register_get_direct_mem_ptr(this, &Recorder::get_direct_mem_ptr);
  }

  void invalidate(std::uint64_t start, std::uint64_t end) { in->invalidate_direct_mem_ptr(start, end); }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    ++calls;
    last_address = t.get_address();
    copy(t);
    delay += kRecorderDelay;
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) {
    last_debug_address = t.get_address();
    copy(t);
    return t.get_data_length();
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
    last_dmi_address = t.get_address();
    dmi.allow_read_write();
    dmi.set_dmi_ptr(data.data());
    dmi.set_start_address(0);
    dmi.set_end_address(dmi_end);
    return true;
  }
  void copy(tlm::tlm_generic_payload& t) {
    if (t.is_read())
      std::memcpy(t.get_data_ptr(), data.data() + t.get_address(), t.get_data_length());
    else
      std::memcpy(data.data() + t.get_address(), t.get_data_ptr(), t.get_data_length());
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

ArchConfig dram_config() {
  ArchConfig c;
  c.clock_mhz = 500;  // 2 ns cycles, so cycle/ns mix-ups show
  c.dram_latency_cycles = 3;
  c.dram_bytes_per_cycle = 4;
  c.dram_bytes = kDramSize;
  return c;
}

struct RouterBench : sc_core::sc_module {
  ArchConfig config = dram_config();
  test::Stimulus stimulus{"stimulus"};
  test::Initiator cpu{"cpu"};
  Router bus{"bus", {{"ram", kRamBase, kRamSize}, {"dram", kDramBase, kDramSize}}};
  Recorder ram{"ram", kRamSize};
  Dram dram{"dram", config};

  explicit RouterBench(sc_core::sc_module_name name) : sc_module(name) {
    cpu.out.bind(bus.in);
    bus.out.bind(ram.in);
    bus.out.bind(dram.in);
  }
};

RouterBench& bench() { return test::Elaboration<RouterBench>::bench(); }
constexpr std::size_t kRam = 0, kDram = 1;

// Modules can only be built during elaboration: these cases run before the first
// sc_start, which GoogleTest's definition order guarantees.
TEST(RouterConstruction, OverlappingRegionsThrow) {
  ASSERT_EQ(sc_core::sc_get_status(), sc_core::SC_ELABORATION) << "must run before any simulation";
  EXPECT_THROW(Router("overlap", {{"a", 0x0, 0x100}, {"b", 0xff, 0x10}}), Error);
  EXPECT_THROW(Router("inside", {{"a", 0x0, 0x100}, {"b", 0x10, 0x10}}), Error);
  EXPECT_THROW(Router("same_base", {{"a", 0x100, 0x100}, {"b", 0x100, 0x1}}), Error);
  // Touching regions do not overlap.
  EXPECT_NO_THROW(Router("adjacent", {{"a", 0x0, 0x100}, {"b", 0x100, 0x100}}));
}

TEST(RouterConstruction, EmptyRegionThrows) {
  ASSERT_EQ(sc_core::sc_get_status(), sc_core::SC_ELABORATION) << "must run before any simulation";
  try {
    Router r("empty", {{"a", 0x0, 0x100}, {"nothing", 0x200, 0}});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing"), std::string::npos) << e.what();
  }
}

TEST(Router, DecodesRebasesAndRestoresTheAddress) {
  auto& b = bench();
  b.stimulus.run([&] {
    std::uint32_t value = 0xA5A5'0001;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(kRamBase + 0x10);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    const auto t0 = sc_core::sc_time_stamp();
    const test::Access a = b.cpu.transport(t);
    EXPECT_TRUE(a.ok());
    EXPECT_EQ(b.ram.last_address, 0x10u);
    EXPECT_EQ(t.get_address(), kRamBase + 0x10);  // the initiator's address again
    EXPECT_EQ(sc_core::sc_time_stamp() - t0, kRecorderDelay);
    std::uint32_t stored = 0;
    std::memcpy(&stored, b.ram.data.data() + 0x10, 4);
    EXPECT_EQ(stored, value);

    // The second region: a real memory, written and read back through the bus.
    const std::uint8_t pattern[6] = {1, 2, 3, 4, 5, 6};
    EXPECT_TRUE(b.cpu.write(kDramBase + 0x40, pattern, 6).ok());
    std::uint8_t back[6] = {};
    EXPECT_TRUE(b.cpu.read(kDramBase + 0x40, back, 6).ok());
    EXPECT_TRUE(std::equal(pattern, pattern + 6, back));
    // Nothing of it reached the other target.
    EXPECT_EQ(b.ram.last_address, 0x10u);

    // The last byte of a region decodes to it.
    const std::uint8_t last = 0x77;
    EXPECT_TRUE(b.cpu.write(kRamBase + kRamSize - 1, &last, 1).ok());
    EXPECT_EQ(b.ram.last_address, kRamSize - 1);
  });
}

TEST(Router, MissIsAnAddressError) {
  auto& b = bench();
  b.stimulus.run([&] {
    const std::uint64_t misses = b.bus.misses(), calls = b.ram.calls;
    std::uint32_t value = 0;
    // Below the first region, between regions, just past a region and past the map.
    for (std::uint64_t addr : {std::uint64_t{0x0}, kRamBase - 4, kRamBase + kRamSize, kDramBase - 4,
                               kDramBase + kDramSize, std::numeric_limits<std::uint64_t>::max() - 3}) {
      EXPECT_EQ(b.cpu.read(addr, &value, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE) << std::hex << addr;
      EXPECT_EQ(b.cpu.write(addr, &value, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE) << std::hex << addr;
    }
    EXPECT_EQ(b.bus.misses(), misses + 12);
    EXPECT_EQ(b.ram.calls, calls);
  });
}

TEST(Router, AccessStraddlingARegionEndIsAMiss) {
  auto& b = bench();
  b.stimulus.run([&] {
    const std::uint64_t misses = b.bus.misses(), calls = b.ram.calls;
    std::uint8_t buffer[8] = {};
    // Four bytes inside the region, four past its end.
    EXPECT_EQ(b.cpu.read(kRamBase + kRamSize - 4, buffer, 8).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Starting just below a region and running into it.
    EXPECT_EQ(b.cpu.read(kDramBase - 2, buffer, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Longer than the whole region.
    std::vector<std::uint8_t> big(kRamSize + 1);
    EXPECT_EQ(b.cpu.read(kRamBase, big.data(), static_cast<unsigned>(big.size())).status,
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.misses(), misses + 3);
    EXPECT_EQ(b.ram.calls, calls);
    // Exactly up to the end is a hit.
    EXPECT_TRUE(b.cpu.read(kRamBase + kRamSize - 8, buffer, 8).ok());
  });
}

TEST(Router, CountsTransactionsAndBytesPerTarget) {
  auto& b = bench();
  b.stimulus.run([&] {
    const RouterTargetStats ram0 = b.bus.stats(kRam), dram0 = b.bus.stats(kDram);
    std::uint8_t buffer[16] = {};
    EXPECT_TRUE(b.cpu.write(kRamBase, buffer, 16).ok());
    EXPECT_TRUE(b.cpu.read(kRamBase, buffer, 8).ok());
    EXPECT_TRUE(b.cpu.read(kRamBase + 8, buffer, 2).ok());
    EXPECT_TRUE(b.cpu.write(kDramBase, buffer, 3).ok());
    // Misses and debug accesses are not traffic.
    EXPECT_FALSE(b.cpu.read(kRamBase + kRamSize, buffer, 4).ok());
    EXPECT_EQ(b.cpu.debug_read(kRamBase, buffer, 4), 4u);

    const RouterTargetStats& ram = b.bus.stats(kRam);
    const RouterTargetStats& dram = b.bus.stats(kDram);
    EXPECT_EQ(ram.transactions - ram0.transactions, 3u);
    EXPECT_EQ(ram.bytes_written - ram0.bytes_written, 16u);
    EXPECT_EQ(ram.bytes_read - ram0.bytes_read, 10u);
    EXPECT_EQ(dram.transactions - dram0.transactions, 1u);
    EXPECT_EQ(dram.bytes_written - dram0.bytes_written, 3u);
    EXPECT_EQ(dram.bytes_read - dram0.bytes_read, 0u);
  });
}

TEST(Router, ForwardsDebugTransport) {
  auto& b = bench();
  b.stimulus.run([&] {
    const auto t0 = sc_core::sc_time_stamp();
    const std::uint8_t pattern[4] = {9, 8, 7, 6};
    EXPECT_EQ(b.cpu.debug_write(kRamBase + 0x20, pattern, 4), 4u);
    EXPECT_EQ(b.ram.last_debug_address, 0x20u);
    EXPECT_TRUE(std::equal(pattern, pattern + 4, b.ram.data.begin() + 0x20));
    std::uint8_t back[4] = {};
    EXPECT_EQ(b.cpu.debug_read(kDramBase + 0x40, back, 4), 4u);  // written in an earlier case
    EXPECT_EQ(back[0], 1);
    EXPECT_EQ(back[3], 4);
    EXPECT_EQ(b.cpu.debug_read(kRamBase + kRamSize, back, 4), 0u);  // a miss handles nothing
    EXPECT_EQ(sc_core::sc_time_stamp(), t0);
  });
}

TEST(Router, DebugTransportRestoresTheAddress) {
  auto& b = bench();
  b.stimulus.run([&] {
    std::uint8_t value = 0;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kRamBase + 0x30);
    t.set_data_ptr(&value);
    t.set_data_length(1);
    t.set_streaming_width(1);
    EXPECT_EQ(b.cpu.out->transport_dbg(t), 1u);
    EXPECT_EQ(b.ram.last_debug_address, 0x30u);
    EXPECT_EQ(t.get_address(), kRamBase + 0x30);
  });
}

TEST(Router, DmiIsTranslatedToTheInitiatorsAddresses) {
  auto& b = bench();
  b.stimulus.run([&] {
    tlm::tlm_dmi dmi;
    ASSERT_TRUE(b.cpu.dmi(kDramBase + 0x80, dmi));
    EXPECT_EQ(dmi.get_start_address(), kDramBase);
    EXPECT_EQ(dmi.get_end_address(), kDramBase + kDramSize - 1);
    EXPECT_TRUE(dmi.is_read_write_allowed());
    // The pointer is the DRAM's storage at the region's base.
    dmi.get_dmi_ptr()[0x80] = 0x5A;
    std::uint8_t back = 0;
    EXPECT_TRUE(b.cpu.read(kDramBase + 0x80, &back, 1).ok());
    EXPECT_EQ(back, 0x5A);

    ASSERT_TRUE(b.cpu.dmi(kRamBase + 0x44, dmi));
    EXPECT_EQ(b.ram.last_dmi_address, 0x44u);
    EXPECT_EQ(dmi.get_start_address(), kRamBase);
    EXPECT_EQ(dmi.get_end_address(), kRamBase + kRamSize - 1);
    EXPECT_EQ(dmi.get_dmi_ptr(), b.ram.data.data());

    EXPECT_FALSE(b.cpu.dmi(kRamBase + kRamSize, dmi));
  });
}

TEST(Router, DmiWiderThanTheRegionIsClippedToIt) {
  auto& b = bench();
  b.stimulus.run([&] {
    // A target without a size limit grants the whole 64-bit space; the initiator
    // must still only be given the region the router maps to it.
    b.ram.dmi_end = std::numeric_limits<std::uint64_t>::max();
    tlm::tlm_dmi dmi;
    const bool granted = b.cpu.dmi(kRamBase, dmi);
    b.ram.dmi_end = kRamSize - 1;
    ASSERT_TRUE(granted);
    EXPECT_EQ(dmi.get_start_address(), kRamBase);
    EXPECT_EQ(dmi.get_end_address(), kRamBase + kRamSize - 1);
  });
}

TEST(Router, DmiInvalidationIsTranslatedAndClipped) {
  auto& b = bench();
  b.stimulus.run([&] {
    b.cpu.invalidations.clear();
    b.ram.invalidate(0x10, 0x1f);
    // "Everything", as targets commonly invalidate.
    b.ram.invalidate(0, std::numeric_limits<std::uint64_t>::max());
    ASSERT_EQ(b.cpu.invalidations.size(), 2u);
    EXPECT_EQ(b.cpu.invalidations[0].first, kRamBase + 0x10);
    EXPECT_EQ(b.cpu.invalidations[0].second, kRamBase + 0x1f);
    EXPECT_EQ(b.cpu.invalidations[1].first, kRamBase);
    EXPECT_EQ(b.cpu.invalidations[1].second, kRamBase + kRamSize - 1);
  });
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::RouterBench> elaboration;
  return RUN_ALL_TESTS();
}
