#pragma once
// The accelerator's DMA engine: moves 1D and 2D-strided blocks between DRAM (through
// its TLM initiator socket and the bus) and the on-chip SRAM buffers, while the
// controller computes.
//
// Requests are served in the order they were queued by one issue stage, which cuts
// each into bursts (at most dma_burst_bytes, never across the DRAM's burst boundary
// when it has one) and sends them with the approximately-timed base protocol
// (nb_transport, BEGIN_REQ .. BEGIN_RESP), so up to dma_max_outstanding bursts are in
// flight at once, reads and writes together, and the DRAM's latencies overlap. Each
// burst costs dma_setup_cycles in the issue stage; its data then passes the engine's
// dma_bus_bytes-wide port, one per channel (read, write). A request is done when its
// last burst has come back; requests can finish out of order (a store's bursts may
// overtake a load's), but a ticket counts as done only when it and every ticket
// before it are. With one burst in flight this is the blocking engine of before: each
// burst costs timing::dma_burst_cycles, back to back (docs/timing.md §5).
//
// A TLM error response stops the engine issuing: bursts already in flight come back,
// the rest of the queued transfers are skipped, and the first error is kept for the
// controller to report.
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/config/arch_config.h"
#include "model/memory/sram.h"
#include "model/sim/clock.h"
#include "model/sim/payload_pool.h"
#include "model/sim/timed_queue.h"
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

// Running totals since construction; cycles count whole periods in which at least one
// burst (of that channel) was in flight: from taking its place (before its setup)
// to its completion.
struct DmaStats {
  std::uint64_t requests = 0;
  std::uint64_t bursts = 0;             // completed, error responses included
  std::uint64_t dram_bytes_read = 0;    // by bursts that succeeded
  std::uint64_t dram_bytes_written = 0;
  std::uint64_t busy_cycles = 0;        // either channel
  std::uint64_t read_busy_cycles = 0;
  std::uint64_t write_busy_cycles = 0;
  // Sum over completed bursts of their time in flight; over a window the DMA is idle
  // at both ends of, also the integral of the bursts in flight (occupancy x busy).
  std::uint64_t latency_cycles = 0;
};

enum class DmaFault { kNone, kBusError, kSramRange };

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> out;
  // For traces: whether loads (DRAM to SRAM) or stores have bursts in flight, the
  // buffer of the request being issued, the bytes and bursts in flight.
  sc_core::sc_signal<bool> load_busy, store_busy;
  sc_core::sc_signal<TraceText> buffer;
  sc_core::sc_signal<std::uint32_t> bytes_in_flight, outstanding;

  DmaEngine(sc_core::sc_module_name name, const ArchConfig& config);

  // Bursts never cross a multiple of `bytes` in DRAM (0: no such boundary). Set by the
  // platform from its DRAM model before the simulation starts.
  void set_burst_boundary(std::uint64_t bytes) { boundary_ = bytes; }

  // Keeps the trace signals above up to date (off by default). Before sc_start.
  void trace_signals() { signals_traced_ = true; }

  // Queues a transfer; returns its ticket.
  std::uint64_t submit(const DmaRequest& request);
  // Blocks the calling thread until request `ticket` and all before it are done.
  void wait_done(std::uint64_t ticket);
  // Blocks until every queued request is done.
  void drain();
  // The ticket of the last request queued (0: none yet).
  std::uint64_t submitted() const { return submitted_; }

  DmaFault fault() const { return fault_; }
  std::uint64_t fault_address() const { return fault_address_; }
  void clear_fault();
  // Totals up to now, including a busy period still open.
  DmaStats stats() const;
  // Every burst's latency in cycles, in completion order, since construction: a
  // caller takes the percentiles of the range it is interested in.
  const std::vector<std::uint32_t>& latencies() const { return latencies_; }

 private:
  struct Ticket {
    std::uint32_t in_flight = 0;  // bursts issued, not yet completed
    bool issued = false;          // every burst issued (or skipped after a fault)
  };
  struct Burst {
    std::uint64_t ticket = 0;
    std::uint64_t started = 0;  // cycle it took its place among those in flight
    std::uint32_t bytes = 0;
    bool read = true;
  };
  // The request being issued and how far.
  struct Current {
    bool active = false;
    std::uint64_t ticket = 0;
    DmaRequest r;  // rows already merged
    bool read = true;
    std::uint8_t* local = nullptr;
    std::uint32_t row = 0, done = 0;
  };
  struct Channel {
    std::uint32_t in_flight = 0;
    std::uint64_t busy_since = 0, busy_cycles = 0;
    std::uint64_t port_free = 0;  // cycle the engine's data port is next free
    std::uint64_t bytes_in_flight = 0;
  };

  // The issue stage, a method (no thread switch per burst): issues bursts until the
  // queue is empty, every place is taken or the target holds back END_REQ; the
  // events that end each of those wake it.
  void issue();
  // Takes the next request into current_; false when the queue is empty.
  bool start_request();
  void send(std::uint64_t ticket, bool read, std::uint64_t addr, std::uint8_t* data, std::uint32_t len);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // Responses and completions as they fall due.
  void serve_timed();
  // At the response's time: when its data has passed the engine's port.
  void on_response(tlm::tlm_generic_payload& trans);
  // At the burst's completion: credit back, statistics, the ticket's progress.
  void retire(tlm::tlm_generic_payload& trans);
  Burst& burst(const tlm::tlm_generic_payload& trans);
  // Retires the tickets at the head that are issued and have nothing in flight.
  void finish_ticket();
  // The trace signals have one writer, drive_signals, woken once per delta in which
  // something changed (a signal may not be written by two processes); only when they
  // are traced, since driving them costs a third of a run's time.
  void update_signals() {
    if (signals_traced_) signals_changed_.notify(sc_core::SC_ZERO_TIME);
  }
  void drive_signals();

  const ArchConfig& config_;
  const Clock clock_;
  std::uint64_t boundary_ = 0;
  bool signals_traced_ = false;
  PayloadPool pool_;
  struct Timed {
    tlm::tlm_generic_payload* trans;
    bool response;  // else the burst's completion
  };
  TimedQueue<Timed> timed_;
  std::deque<std::pair<std::uint64_t, DmaRequest>> queue_;
  std::deque<Ticket> tickets_;  // tickets completed_ + 1 .. submitted_
  Current current_;
  // At most dma_max_outstanding: a linear search beats hashing.
  std::vector<std::pair<const tlm::tlm_generic_payload*, Burst>> bursts_;
  sc_core::sc_event queued_, completed_event_, credit_, end_request_, signals_changed_;
  const char* issuing_ = "";  // the buffer of the request being issued
  bool waiting_end_request_ = false;
  std::uint64_t submitted_ = 0, completed_ = 0;
  Channel read_, write_;
  std::uint32_t in_flight_ = 0;
  std::uint64_t issue_free_ = 0;  // cycle the issue stage is next free
  std::uint64_t busy_since_ = 0;
  DmaFault fault_ = DmaFault::kNone;
  std::uint64_t fault_address_ = 0;
  DmaStats stats_;
  std::vector<std::uint32_t> latencies_;
};

}  // namespace qacc
