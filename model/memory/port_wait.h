#pragma once
// A block's pass against the buffers' ports (sram_model: ported): the pass's cycles
// with its own port limits first, then as long as some port still owes bytes of the
// pass or of the DMA bursts that went through it meanwhile. The DMA's bytes fill the
// ports' idle cycles anywhere in the pass (optimistic) and never wait themselves
// (its data cannot: pessimistic for the block).
#include <cstdint>
#include <vector>

#include "model/memory/sram.h"
#include "model/sim/clock.h"

namespace qacc {

// One buffer a pass uses: its ports and the pass's bytes on each, in all.
struct SramUse {
  SramPorts* ports;
  SramPorts::Tally bytes;
};

// The cycles a pass took beyond its own, by cause.
struct SramStall {
  std::uint64_t bandwidth = 0;  // own - cycles: the pass's bytes alone
  std::uint64_t conflict = 0;   // the rest: DMA bytes on the same ports
};

// Waits `own` (>= cycles: the pass with its own port limits), then for the ports;
// `uses` empty (ideal buffers): `own` only.
SramStall wait_for_ports(const Clock& clock, std::uint64_t cycles, std::uint64_t own, std::vector<SramUse>& uses);

}  // namespace qacc
