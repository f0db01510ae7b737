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
// last burst is; requests can finish out of order (a store's bursts may overtake a
// load's), but a ticket counts as done only when it and every ticket before it are.
// With one burst in flight this is the blocking engine of before: each burst costs
// timing::dma_burst_cycles, back to back (docs/timing.md §5).
//
// Temporal decoupling: a target that answers in its BEGIN_REQ call (the simple DRAM,
// an error at the bus) tells the burst's response time at once, so the engine knows
// when each place frees and issues the next burst then, annotated, without waiting
// for it; SystemC sees one event per request (its completion), not several per
// burst. A response on the backward path tells its time too (now + delay), whenever
// it comes. When every place is taken and a response still to come might free one
// first, the engine asks the target to run ahead (set_run_ahead; the banked DRAM
// can, being sure that nothing arrives from this engine before the earliest place
// plus the setup) or else waits for the response in simulated time (DRAMSys). The
// timing is the same either way: a burst takes the earliest place that frees.
//
// A TLM error response stops the engine issuing: bursts already in flight finish,
// the rest of the queued transfers are skipped, and the first error is kept for the
// controller to report (visible from the failing burst's response time).
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/config/arch_config.h"
#include "model/memory/sram.h"
#include "model/sim/clock.h"
#include "model/sim/payload_pool.h"
#include "model/sim/timed_queue.h"
#include "model/sim/timeline.h"
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

// Running totals since construction, complete whenever the engine is idle; cycles
// count whole periods in which at least one burst (of that channel) was in flight:
// from taking its place (before its setup) to its completion.
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
  // At burst detail, records every burst as a slice on a "DMA read" or "DMA write"
  // track (a lane per burst in flight at once) and the bursts and bytes in flight
  // as counters. Before sc_start.
  void record(Timeline* timeline) { timeline_ = timeline; }

  // How the engine asks its target to run ahead when every place is taken and a
  // response still to come might free one (DramTimingBackend::run_ahead; Dram's):
  // valid only while this engine is the target's one initiator of timed transactions.
  // Unset, or answering nullopt, the engine waits for the responses in simulated time.
  // Set by the platform before the simulation starts.
  using RunAhead = std::function<std::optional<sc_core::sc_time>(const sc_core::sc_time& no_request_before)>;
  void set_run_ahead(RunAhead run_ahead) { run_ahead_ = std::move(run_ahead); }

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
  // The request whose burst faulted: a fault belongs to the layer that queued it.
  std::uint64_t fault_ticket() const { return fault_ticket_; }
  void clear_fault();
  // Totals of the bursts completed (exact whenever the engine is idle, as it is
  // between layers).
  DmaStats stats() const;
  // Every burst's latency in cycles, in the order their completions became known,
  // since construction or clear_latencies(): a caller takes the percentiles of the
  // range it wants.
  const std::vector<std::uint32_t>& latencies() const { return latencies_; }
  // Forgets them: a long run keeps only what it still needs (the controller, a layer's).
  void clear_latencies() { latencies_.clear(); }

 private:
  struct Ticket {
    std::uint32_t unknown = 0;   // bursts whose completion time is not known yet
    std::uint64_t done = 0;      // the latest completion known
    bool issued = false;         // every burst issued (or skipped after a fault)
    bool reached = false;        // its completion time has come
  };
  // A burst from taking its place to its completion, in issue order.
  struct Burst {
    const tlm::tlm_generic_payload* trans = nullptr;
    std::uint64_t ticket = 0;
    std::uint64_t started = 0;  // cycle it took its place among those in flight
    std::uint64_t done = 0;     // cycle its data has passed the port (once known)
    std::uint32_t bytes = 0;
    bool read = true;
    bool known = false;
    SramPorts* ports = nullptr;  // the buffer's, when it has ported timing
    std::size_t sram_offset = 0;
    std::uint64_t addr = 0;      // in DRAM, for the timeline
    const char* buffer = "";
  };
  // The request being issued and how far.
  struct Current {
    bool active = false;
    std::uint64_t ticket = 0;
    DmaRequest r;  // rows already merged
    bool read = true;
    std::uint8_t* local = nullptr;
    const char* buffer = "";
    std::uint32_t row = 0, done = 0;
  };
  struct Channel {
    std::uint64_t port_free = 0;   // cycle the engine's data port is next free
    std::uint64_t busy_until = 0;  // end of the busy time counted so far
  };
  // What falls due at a time: a ticket's completion, a fault becoming visible, or
  // (traced runs only) a burst starting or ending for the trace signals.
  struct Timed {
    enum class Kind { kTicket, kBusFault, kSramFault, kTraceStart, kTraceEnd } kind;
    std::uint64_t value = 0;  // ticket, fault address, or bytes
    std::uint64_t ticket = 0;  // a fault's request
    bool read = true;
    const char* buffer = "";
  };

  // The issue stage, a method: issues bursts until the queue is empty, or the next
  // place frees at a time not yet known (a response still to come), or the target
  // holds back END_REQ; the events that end each of those wake it.
  void issue();
  // Takes the next request into current_; false when the queue is empty.
  bool start_request();
  // The cycle the next burst takes its place; false if that depends on a response
  // still to come (then credit_ wakes the issue stage: a response, or the earliest
  // known place coming).
  bool next_place(std::uint64_t& at);
  void send(std::uint64_t at, bool read, std::uint64_t addr, std::size_t sram_offset, std::uint32_t len);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void serve_timed();
  // The response of `trans` at cycle `response`: its completion through the port,
  // the statistics, the ticket's progress.
  void respond(tlm::tlm_generic_payload& trans, std::uint64_t response);
  // Counts the busy time of the bursts at the head of issue order whose completion is known.
  void commit_busy();
  // Ticks the tickets at the head that are issued and have reached their time.
  void finish_tickets();
  Ticket& ticket(std::uint64_t t) { return tickets_[t - completed_ - 1]; }
  void push_ticket_if_known(std::uint64_t t);
  // The trace signals have one writer, drive_signals, woken once per delta in which
  // something changed (a signal may not be written by two processes); only when they
  // are traced, since driving them costs a third of a run's time.
  void update_signals() {
    if (signals_traced_) signals_changed_.notify(sc_core::SC_ZERO_TIME);
  }
  void drive_signals();
  // Whether bursts in flight are followed over time (for the signals or the counters).
  bool following() const {
    return signals_traced_ || (timeline_ != nullptr && timeline_->shows(Timeline::Detail::kBurst));
  }
  // The burst's slice on the first lane of its channel free at its start.
  void record_burst(const Burst& b);
  void record_in_flight();
  void write_in_flight();

  const ArchConfig& config_;
  const Clock clock_;
  std::uint64_t boundary_ = 0;
  bool signals_traced_ = false;
  PayloadPool pool_;
  TimedQueue<Timed> timed_;
  std::deque<std::pair<std::uint64_t, DmaRequest>> queue_;
  std::deque<Ticket> tickets_;  // tickets completed_ + 1 .. submitted_
  Current current_;
  std::deque<Burst> bursts_;    // not yet counted in the busy time, in issue order
  // Completion cycles of the bursts holding places whose completion is known; with
  // unknown_, the bursts in flight as of the last place taken.
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> places_;
  std::uint32_t unknown_ = 0;
  std::uint64_t last_place_ = 0;   // cycle the last burst took its place
  std::uint64_t issue_free_ = 0;   // cycle the issue stage is next free
  sc_core::sc_event queued_, completed_event_, credit_, end_request_, signals_changed_;
  bool waiting_end_request_ = false;
  RunAhead run_ahead_;
  const sc_core::sc_time max_time_ = sc_core::sc_max_time();  // a library call each time
  bool running_ahead_ = false;     // inside run_ahead_: responses come from within issue()
  bool stopping_ = false;          // an error response is known: issue nothing more
  std::uint64_t submitted_ = 0, completed_ = 0;
  Channel read_, write_;
  std::uint64_t busy_until_ = 0;
  DmaFault fault_ = DmaFault::kNone;
  std::uint64_t fault_address_ = 0, fault_ticket_ = 0;
  DmaStats stats_;
  std::vector<std::uint32_t> latencies_;
  // Trace signal state (traced runs only).
  std::uint32_t traced_read_ = 0, traced_write_ = 0, traced_outstanding_ = 0;
  std::uint64_t traced_bytes_ = 0;
  const char* traced_buffer_ = "";
  // Timeline state: per channel, each lane's track and the cycle it is free from.
  Timeline* timeline_ = nullptr;
  struct Lane {
    int track;
    std::uint64_t free;
  };
  std::vector<Lane> read_lanes_, write_lanes_;
  bool in_flight_pending_ = false;
  std::uint64_t in_flight_cycle_ = 0;
  std::pair<std::uint32_t, std::uint64_t> in_flight_;  // bursts, bytes
};

}  // namespace qacc
