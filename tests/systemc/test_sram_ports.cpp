// Buffers with ports (sram_model: ported): a PE pass while the DMA loads into the same
// input buffer, counted by hand for each conflict case: the DMA in the PE's bank or
// in another, one read-write port or a read and a write port, and a pass whose own
// bytes need more than the port gives.
//
// The pass (4x4 WS array): 4 input channels, a 1x1 kernel, one row of 64 pixels, 4
// output channels, from the bias: K = 4, P = 64, M = 4, one weight block:
//   load 4 cycles (16 weight bytes), stream 64 cycles (256 input bytes, 1,024 psum
//   bytes written), fill and drain 4 + 4 - 2 = 6: 74 cycles (timing::compute_cycles).
// Input ports 4 bytes a cycle: the stream needs exactly its 64 cycles. The DMA loads
// 128 bytes while the pass runs (two 64-byte bursts, done by cycle 20). On the PE's
// port the pass then needs ceil((256 + 128) / 4) = 96 cycles: 22 of conflict.
#include <gtest/gtest.h>

#include "model/dma/dma_engine.h"
#include "model/interconnect/router.h"
#include "model/memory/dram.h"
#include "model/pe_array/pe_array.h"
#include "tests/systemc/testbench.h"

namespace qacc {
namespace {

constexpr std::uint64_t kDramBase = 0x8000'0000;

ArchConfig bench_config() {
  ArchConfig c;
  c.pe_rows = 4;
  c.pe_cols = 4;
  c.dataflow = Dataflow::kWeightStationary;
  c.dma_burst_bytes = 64;
  c.dram_latency_cycles = 10;
  c.dram_bytes = 1u << 20;
  return c;
}

// A PE array with its own three buffers, 1 KiB of input in `banks` banks.
struct Ported : sc_core::sc_module {
  Sram input{"input_buffer", 1024}, weights{"weight_buffer", 1024}, output{"output_buffer", 4096};
  PeArray pe;

  Ported(sc_core::sc_module_name name, const ArchConfig& config, std::uint32_t banks, bool split,
         std::uint32_t input_width)
      : sc_module(name), pe("pe", config, input, weights, output) {
    input.use_ports({banks, input_width, split});
    weights.use_ports({2, 4, split});
    output.use_ports({2, 16, split});
  }
};

struct SramPortsBench : sc_core::sc_module {
  ArchConfig config = bench_config();
  test::Stimulus stimulus{"stimulus"};
  Router bus{"bus", {{"dram", kDramBase, config.dram_bytes}}};
  Dram dram{"dram", config};
  DmaEngine dma{"dma", config};
  Ported two_banks{"two_banks", config, 2, false, 4};
  Ported one_rw_port{"one_rw_port", config, 1, false, 4};
  Ported read_and_write_port{"read_and_write_port", config, 1, true, 4};
  Ported narrow{"narrow", config, 2, false, 2};

  explicit SramPortsBench(sc_core::sc_module_name name) : sc_module(name) {
    dma.out.bind(bus.in);
    bus.out.bind(dram.in);
  }
};

SramPortsBench& bench() { return test::Elaboration<SramPortsBench>::bench(); }

struct Outcome {
  std::uint64_t elapsed = 0, bandwidth = 0, conflict = 0;
};

// The pass reads input [0, 256); the DMA loads 128 bytes at `dma_offset` meanwhile.
Outcome pass_during_load(Ported& p, std::size_t dma_offset) {
  Outcome o;
  bench().stimulus.run([&] {
    DmaRequest load;
    load.dram_addr = kDramBase;
    load.sram = &p.input;
    load.sram_offset = dma_offset;
    load.row_bytes = 128;
    const std::uint64_t ticket = bench().dma.submit(load);
    PePass pass;
    pass.input_offset = 0;
    pass.in_channels = 4;
    pass.rows_in = 1;
    pass.width = 64;
    pass.kernel = 1;
    pass.weight_offset = 0;
    pass.bias_offset = 512;
    pass.first_chunk = true;
    pass.out_channels = 4;
    pass.psum_offset = 0;
    const PeArrayStats before = p.pe.stats();
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    EXPECT_EQ(p.pe.run(pass), 74u);
    o.elapsed = Clock(bench().config.cycle_ns()).since(start);
    o.bandwidth = p.pe.stats().sram_bandwidth_cycles - before.sram_bandwidth_cycles;
    o.conflict = p.pe.stats().sram_conflict_cycles - before.sram_conflict_cycles;
    bench().dma.wait_done(ticket);
  });
  return o;
}

TEST(SramPorts, DmaInTheSameBankStallsThePass) {
  const Outcome o = pass_during_load(bench().two_banks, 256);  // bank 0, with the pass
  EXPECT_EQ(o.elapsed, 96u);
  EXPECT_EQ(o.bandwidth, 0u);
  EXPECT_EQ(o.conflict, 22u);
}

TEST(SramPorts, DmaInAnotherBankDoesNot) {
  const Outcome o = pass_during_load(bench().two_banks, 512);  // bank 1
  EXPECT_EQ(o.elapsed, 74u);
  EXPECT_EQ(o.conflict, 0u);
}

TEST(SramPorts, OneReadWritePortIsShared) {
  const Outcome o = pass_during_load(bench().one_rw_port, 512);  // one bank: the same port
  EXPECT_EQ(o.elapsed, 96u);
  EXPECT_EQ(o.conflict, 22u);
}

TEST(SramPorts, AReadAndAWritePortAreNot) {
  // The pass reads, the DMA writes: separate ports of the one bank.
  const Outcome o = pass_during_load(bench().read_and_write_port, 512);
  EXPECT_EQ(o.elapsed, 74u);
  EXPECT_EQ(o.conflict, 0u);
}

TEST(SramPorts, APortNarrowerThanThePassStretchesItsStream) {
  // 2 bytes a cycle: the stream's 256 input bytes take 128 cycles, not 64.
  const Outcome o = pass_during_load(bench().narrow, 512);
  EXPECT_EQ(o.elapsed, 74u + 64u);
  EXPECT_EQ(o.bandwidth, 64u);
  EXPECT_EQ(o.conflict, 0u);
}

TEST(SramPorts, BytesSpreadOverTheBanksTheyOccupy) {
  SramPorts ports(1000, {4, 10, true});  // banks of 250 bytes
  SramPorts::Tally t = ports.tally();
  ports.add(t, 200, 100, 50, false);  // 50 of [200, 250) in bank 0, 50 of [250, 300) in bank 1
  ports.add(t, 0, 1000, 7, true);     // 1 each, the last bank the rounding rest
  EXPECT_EQ(t, (SramPorts::Tally{25, 1, 25, 1, 0, 1, 0, 4}));
  EXPECT_EQ(ports.cycles(t), 3u);  // ceil(25 / 10)
  ports.note_dma(240, 20, true, 5);   // 10 in bank 0, 10 in bank 1
  ports.note_dma(0, 30, false, 9);
  SramPorts::Tally dma = ports.tally();
  ports.add_dma(dma, 0, 9);  // only the first landed before cycle 9
  EXPECT_EQ(dma, (SramPorts::Tally{0, 10, 0, 10, 0, 0, 0, 0}));
  ports.add_dma(dma, 9, 10);
  EXPECT_EQ(dma, (SramPorts::Tally{30, 10, 0, 10, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace qacc

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  qacc::test::Elaboration<qacc::SramPortsBench> elaboration;
  return RUN_ALL_TESTS();
}
