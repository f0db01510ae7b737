#pragma once
// The accelerator's DMA engine: moves 1D and 2D-strided blocks between DRAM (through
// its TLM initiator socket and the bus) and the on-chip SRAM buffers. Requests are
// queued and served in order by the engine's own thread, so transfers overlap with
// the controller's compute. A transfer is split into bursts of at most
// dma_burst_bytes; each burst costs timing::dma_burst_cycles, of which the DRAM's
// annotation is the latency-and-bandwidth part. The time of a whole request is
// waited once (temporal decoupling), and a TLM error response stops the request and
// is kept for the controller to report.
#include <cstdint>
#include <deque>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/config/arch_config.h"
#include "model/memory/sram.h"
#include "model/sim/clock.h"
#include "model/sim/trace_text.h"

namespace qacc {

struct DmaRequest {
  enum class Direction { kDramToSram, kSramToDram };
  Direction direction = Direction::kDramToSram;
  std::uint64_t dram_addr = 0;
  std::uint64_t dram_stride = 0;  // between rows; ignored with one row
  Sram* sram = nullptr;
  std::size_t sram_offset = 0;
  std::size_t sram_stride = 0;    // between rows in SRAM; 0: packed (row_bytes)
  std::uint32_t rows = 1;
  std::uint32_t row_bytes = 0;

  std::uint64_t bytes() const { return static_cast<std::uint64_t>(rows) * row_bytes; }
  std::size_t local_stride() const { return sram_stride != 0 ? sram_stride : row_bytes; }
  std::size_t local_extent() const { return rows == 0 ? 0 : (rows - 1) * local_stride() + row_bytes; }
};

struct DmaStats {
  std::uint64_t requests = 0;
  std::uint64_t bursts = 0;
  std::uint64_t dram_bytes_read = 0;
  std::uint64_t dram_bytes_written = 0;
  std::uint64_t busy_cycles = 0;
};

enum class DmaFault { kNone, kBusError, kSramRange };

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> out;
  // For traces: a load (DRAM to SRAM) or a store being served, its buffer's name,
  // and the bytes of the request in flight.
  sc_core::sc_signal<bool> load_busy, store_busy;
  sc_core::sc_signal<TraceText> buffer;
  sc_core::sc_signal<std::uint32_t> bytes_in_flight;

  DmaEngine(sc_core::sc_module_name name, const ArchConfig& config);

  // Queues a transfer; returns its ticket.
  std::uint64_t submit(const DmaRequest& request);
  // Blocks the calling thread until request `ticket` (and all before it) finished.
  void wait_done(std::uint64_t ticket);
  // Blocks until the queue is empty.
  void drain();
  // The ticket of the last request queued (0: none yet).
  std::uint64_t submitted() const { return submitted_; }

  DmaFault fault() const { return fault_; }
  std::uint64_t fault_address() const { return fault_address_; }
  void clear_fault();
  const DmaStats& stats() const { return stats_; }

 private:
  void run();
  // Moves one request; returns its cycles. Stops at the first fault.
  std::uint64_t transfer(const DmaRequest& request);

  const ArchConfig& config_;
  const Clock clock_;
  std::deque<DmaRequest> queue_;
  sc_core::sc_event queued_, completed_event_;
  std::uint64_t submitted_ = 0, completed_ = 0;
  DmaFault fault_ = DmaFault::kNone;
  std::uint64_t fault_address_ = 0;
  DmaStats stats_;
};

}  // namespace qacc
