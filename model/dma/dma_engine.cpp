#include "model/dma/dma_engine.h"

#include <algorithm>
#include <tuple>

#include "base/error.h"
#include "model/sim/log.h"
#include "model/timing/cost_model.h"

namespace qacc {

DmaEngine::DmaEngine(sc_core::sc_module_name name, const ArchConfig& config)
    : sc_module(name),
      out("out"),
      load_busy("load_busy"),
      store_busy("store_busy"),
      buffer("buffer"),
      bytes_in_flight("bytes_in_flight"),
      outstanding("outstanding"),
      config_(config),
      clock_(config.cycle_ns()) {
  out.register_nb_transport_bw(this, &DmaEngine::nb_transport_bw);
  SC_HAS_PROCESS(DmaEngine);
  SC_METHOD(issue);
  sensitive << queued_ << credit_ << end_request_;
  dont_initialize();
  SC_METHOD(serve_timed);
  sensitive << timed_.event();
  dont_initialize();
  SC_METHOD(drive_signals);
  sensitive << signals_changed_;
  dont_initialize();
}

std::uint64_t DmaEngine::submit(const DmaRequest& request) {
  queue_.emplace_back(++submitted_, request);
  tickets_.emplace_back();
  queued_.notify(sc_core::SC_ZERO_TIME);
  return submitted_;
}

void DmaEngine::wait_done(std::uint64_t ticket) {
  while (completed_ < ticket) sc_core::wait(completed_event_);
}

void DmaEngine::drain() { wait_done(submitted_); }

void DmaEngine::clear_fault() {
  fault_ = DmaFault::kNone;
  fault_address_ = 0;
  fault_ticket_ = 0;
  stopping_ = false;
}

DmaStats DmaEngine::stats() const { return stats_; }

void DmaEngine::drive_signals() {
  buffer.write(trace_text(traced_buffer_));
  load_busy.write(traced_read_ > 0);
  store_busy.write(traced_write_ > 0);
  bytes_in_flight.write(static_cast<std::uint32_t>(std::min<std::uint64_t>(traced_bytes_, UINT32_MAX)));
  outstanding.write(traced_outstanding_);
}

void DmaEngine::issue() {
  while (!waiting_end_request_) {
    if (!current_.active && !start_request()) return;
    Current& c = current_;
    if (stopping_ || c.row == c.r.rows) {
      // After a fault the rest of the layer's transfers are skipped, not performed.
      c.active = false;
      ticket(c.ticket).issued = true;
      push_ticket_if_known(c.ticket);
      continue;
    }
    std::uint64_t at = 0;
    if (!next_place(at)) return;  // a response frees it: credit_ wakes us
    const std::uint64_t addr = c.r.dram_addr + c.row * c.r.dram_stride + c.done;
    std::uint64_t len = std::min(config_.dma_burst_bytes, c.r.row_bytes - c.done);
    if (boundary_ != 0) len = std::min(len, boundary_ - addr % boundary_);
    const std::size_t sram_offset = c.r.sram_offset + c.row * c.r.local_stride() + c.done;
    c.done += static_cast<std::uint32_t>(len);
    if (c.done == c.r.row_bytes) {
      ++c.row;
      c.done = 0;
    }
    send(at, c.read, addr, sram_offset, static_cast<std::uint32_t>(len));
  }
}

bool DmaEngine::start_request() {
  if (queue_.empty()) return false;
  Current& c = current_;
  c = Current{};
  c.active = true;
  std::tie(c.ticket, c.r) = queue_.front();
  queue_.pop_front();
  DmaRequest& r = c.r;
  c.buffer = r.sram != nullptr ? r.sram->name().c_str() : "";
  log::debug(*this, "{} {} x {} bytes at {:#x}", r.direction == DmaRequest::Direction::kDramToSram ? "load" : "store",
             r.rows, r.row_bytes, r.dram_addr);
  if (stopping_) return true;  // skipped by issue()
  // Rows contiguous on both sides are one row: bursts then span row boundaries (a
  // dense layer's input chunk is c_n rows of one byte each).
  if (r.rows > 1 && r.dram_stride == r.row_bytes && r.local_stride() == r.row_bytes) {
    r.row_bytes *= r.rows;
    r.rows = 1;
  }
  if (r.row_bytes == 0) r.rows = 0;  // nothing to move
  c.read = r.direction == DmaRequest::Direction::kDramToSram;
  // Checked without an exception: ASan loses track of the stack when one unwinds
  // inside a SystemC process (google/sanitizers#189).
  if (!r.sram->holds(r.sram_offset, r.local_extent())) {
    // Seen by the controller when this request would have started; the address is
    // the access's end, as SramRangeError gives it.
    stopping_ = true;
    Timed t{Timed::Kind::kSramFault};
    t.value = r.sram_offset + r.local_extent();
    t.ticket = c.ticket;
    timed_.push(clock_.time(std::max(clock_.now(), last_place_)), t);
    return true;
  }
  c.local = r.sram->span(r.sram_offset, r.local_extent());
  if (c.read)
    r.sram->note_writes(r.bytes());
  else
    r.sram->note_reads(r.bytes());
  return true;
}

bool DmaEngine::next_place(std::uint64_t& at) {
  std::uint64_t answered = 0;  // every response due by this cycle has come (run_ahead_)
  bool asked = false;
  for (;;) {
    // Places are taken in issue order: the next no earlier than the last.
    const std::uint64_t t = std::max(clock_.now(), last_place_);
    while (!places_.empty() && places_.top() <= t) places_.pop();
    if (places_.size() + unknown_ < config_.dma_max_outstanding) {
      at = t;
      return true;
    }
    // All taken: the earliest known place is the next one, unless a burst whose
    // response is still to come frees its place sooner.
    if (!places_.empty() && (unknown_ == 0 || (asked && places_.top() <= answered))) {
      at = places_.top();
      places_.pop();
      return true;
    }
    if (!run_ahead_) break;
    // Whatever is issued next leaves at its place plus the setup; its place is the
    // earliest known one unless a response comes first, which ends run_ahead_.
    const bool known = !places_.empty();
    const sc_core::sc_time bound =
        known ? clock_.time(std::max({t, places_.top(), issue_free_}) + config_.dma_setup_cycles)
              : max_time_;
    const std::uint32_t unknown = unknown_;
    running_ahead_ = true;
    const std::optional<sc_core::sc_time> until = run_ahead_(bound);
    running_ahead_ = false;
    if (!until) break;
    const std::uint64_t cycles = *until == max_time_ ? ~std::uint64_t{0} : clock_.cycles(*until);
    if (unknown_ == unknown && asked && cycles == answered) break;  // no progress
    asked = true;
    answered = cycles;
  }
  // Woken by a response (credit_) or when the earliest known place frees.
  if (!places_.empty()) credit_.notify(clock_.time(places_.top()) - sc_core::sc_time_stamp());
  return false;
}

void DmaEngine::send(std::uint64_t at, bool read, std::uint64_t addr, std::size_t sram_offset, std::uint32_t len) {
  last_place_ = at;
  // The issue stage's address generation, serial across bursts: the request leaves
  // when it is done, annotated rather than waited.
  const std::uint64_t start = std::max(at, issue_free_);
  issue_free_ = start + config_.dma_setup_cycles;

  tlm::tlm_generic_payload* trans = pool_.allocate();
  trans->set_command(read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  trans->set_address(addr);
  trans->set_data_ptr(current_.local + (sram_offset - current_.r.sram_offset));
  trans->set_data_length(len);
  trans->set_streaming_width(len);
  trans->set_byte_enable_ptr(nullptr);
  trans->set_dmi_allowed(false);
  trans->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  Burst b;
  b.trans = trans;
  b.ticket = current_.ticket;
  b.started = at;
  b.bytes = len;
  b.read = read;
  b.ports = current_.r.sram != nullptr ? current_.r.sram->ports() : nullptr;
  b.sram_offset = sram_offset;
  b.addr = addr;
  b.buffer = current_.buffer;
  bursts_.push_back(b);
  ++ticket(current_.ticket).unknown;
  ++unknown_;
  if (following()) {
    Timed t{Timed::Kind::kTraceStart};
    t.value = len;
    t.read = read;
    t.buffer = current_.buffer;
    timed_.push(clock_.time(at), t);
  }
  log::trace(*this, "burst {} bytes at {:#x}, leaving at cycle {}", len, addr, issue_free_);

  const sc_core::sc_time now = sc_core::sc_time_stamp();
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = clock_.time(issue_free_) - now;
  switch (out->nb_transport_fw(*trans, phase, delay)) {
    case tlm::TLM_ACCEPTED:
      // Back-pressure: no new request until the target has taken this one (issue()
      // stops, and END_REQ wakes it).
      waiting_end_request_ = true;
      break;
    case tlm::TLM_UPDATED:
      if (phase == tlm::END_REQ) {
        // Taken at now + delay: the next request leaves no earlier.
        issue_free_ = std::max(issue_free_, clock_.cycles(now + delay));
      } else if (phase == tlm::BEGIN_RESP) {
        respond(*trans, clock_.cycles(now + delay));
      }
      break;
    case tlm::TLM_COMPLETED:
      // The target finished it in one call (the simple DRAM, or an error at the bus):
      // the response is at the annotated time, known now.
      respond(*trans, clock_.cycles(now + delay));
      break;
  }
}

tlm::tlm_sync_enum DmaEngine::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                              sc_core::sc_time& delay) {
  if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) {
    // BEGIN_RESP without END_REQ implies it.
    if (waiting_end_request_) {
      waiting_end_request_ = false;
      issue_free_ = std::max(issue_free_, clock_.cycles(sc_core::sc_time_stamp() + delay));
      end_request_.notify(delay);
    }
  }
  if (phase == tlm::BEGIN_RESP) {
    // Its time is known now (now + delay): taken at once, no END_RESP round trip.
    respond(trans, clock_.cycles(sc_core::sc_time_stamp() + delay));
    if (!running_ahead_) credit_.notify();  // its place may be the one issue() waits for
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

void DmaEngine::serve_timed() {
  timed_.pop_due([this](const Timed& t) {
    switch (t.kind) {
      case Timed::Kind::kTicket:
        ticket(t.value).reached = true;
        finish_tickets();
        break;
      case Timed::Kind::kBusFault:
      case Timed::Kind::kSramFault:
        if (fault_ == DmaFault::kNone) {
          fault_ = t.kind == Timed::Kind::kBusFault ? DmaFault::kBusError : DmaFault::kSramRange;
          fault_address_ = t.value;
          fault_ticket_ = t.ticket;
        }
        break;
      case Timed::Kind::kTraceStart:
        ++traced_outstanding_;
        ++(t.read ? traced_read_ : traced_write_);
        traced_bytes_ += t.value;
        traced_buffer_ = t.buffer;
        update_signals();
        record_in_flight();
        break;
      case Timed::Kind::kTraceEnd:
        --traced_outstanding_;
        --(t.read ? traced_read_ : traced_write_);
        traced_bytes_ -= t.value;
        if (traced_outstanding_ == 0) traced_buffer_ = "";
        update_signals();
        record_in_flight();
        break;
    }
  });
}

void DmaEngine::respond(tlm::tlm_generic_payload& trans, std::uint64_t response) {
  const auto it = std::find_if(bursts_.begin(), bursts_.end(), [&](const Burst& b) { return b.trans == &trans; });
  if (it == bursts_.end()) fail("{}: a response for a burst not in flight", name());
  Burst& b = *it;
  Channel& ch = b.read ? read_ : write_;
  std::uint64_t done = response;  // an error response carries no data
  if (!trans.is_response_error()) {
    // The data streams through the engine's port while the DRAM sends it: a port
    // narrower than the DRAM adds its extra beats after the response, and bursts
    // queue for it (timing::dma_overhead_cycles with one burst in flight).
    const std::uint64_t beats = (b.bytes + config_.dma_bus_bytes - 1) / config_.dma_bus_bytes;
    const std::uint64_t extra = timing::dma_overhead_cycles(config_, b.bytes) - config_.dma_setup_cycles;
    done = std::max(response + extra, ch.port_free + beats);
    ch.port_free = done;
    (b.read ? stats_.dram_bytes_read : stats_.dram_bytes_written) += b.bytes;
    // A read's data is written into the buffer, a write's read out of it.
    if (b.ports != nullptr) b.ports->note_dma(b.sram_offset, b.bytes, b.read, done);
  } else if (!stopping_) {
    stopping_ = true;
    log::warning(*this, "burst of {} bytes at {:#x}: {}", b.bytes, trans.get_address(), trans.get_response_string());
    Timed t{Timed::Kind::kBusFault};
    t.value = trans.get_address();
    t.ticket = b.ticket;
    timed_.push(clock_.time(std::max(response, clock_.now())), t);
  }
  b.done = done;
  b.known = true;
  b.trans = nullptr;
  --unknown_;
  places_.push(done);
  ++stats_.bursts;
  stats_.latency_cycles += done - b.started;
  latencies_.push_back(static_cast<std::uint32_t>(done - b.started));
  if (following()) {
    Timed t{Timed::Kind::kTraceEnd};
    t.value = b.bytes;
    t.read = b.read;
    timed_.push(clock_.time(std::max(done, clock_.now())), t);
  }
  Ticket& tk = ticket(b.ticket);
  --tk.unknown;
  tk.done = std::max(tk.done, done);
  const std::uint64_t id = b.ticket;
  trans.release();
  commit_busy();
  push_ticket_if_known(id);
}

void DmaEngine::commit_busy() {
  // Bursts take their places in issue order, so their intervals come sorted by start
  // and the union is a running maximum.
  const auto add = [](std::uint64_t& until, std::uint64_t& total, const Burst& b) {
    if (b.done > until) total += b.done - std::max(until, b.started);
    until = std::max(until, b.done);
  };
  while (!bursts_.empty() && bursts_.front().known) {
    const Burst& b = bursts_.front();
    if (timeline_ != nullptr && timeline_->shows(Timeline::Detail::kBurst)) record_burst(b);
    add(busy_until_, stats_.busy_cycles, b);
    add((b.read ? read_ : write_).busy_until, b.read ? stats_.read_busy_cycles : stats_.write_busy_cycles, b);
    bursts_.pop_front();
  }
}

void DmaEngine::push_ticket_if_known(std::uint64_t id) {
  const Ticket& tk = ticket(id);
  if (!tk.issued || tk.unknown > 0) return;
  Timed t{Timed::Kind::kTicket};
  t.value = id;
  timed_.push(clock_.time(std::max(tk.done, clock_.now())), t);
}

void DmaEngine::finish_tickets() {
  bool any = false;
  while (!tickets_.empty() && tickets_.front().reached) {
    tickets_.pop_front();
    ++completed_;
    ++stats_.requests;
    any = true;
  }
  if (any) completed_event_.notify(sc_core::SC_ZERO_TIME);
}

void DmaEngine::record_burst(const Burst& b) {
  // Bursts come here in the order they took their places, so a lane's slices never
  // overlap and a new lane opens only when every one is still busy.
  std::vector<Lane>& lanes = b.read ? read_lanes_ : write_lanes_;
  auto lane = std::find_if(lanes.begin(), lanes.end(), [&](const Lane& l) { return l.free <= b.started; });
  if (lane == lanes.end()) {
    const char* channel = b.read ? "DMA read" : "DMA write";
    const int order = (b.read ? 1000 : 2000) + static_cast<int>(lanes.size());
    const int track = timeline_->track(
        lanes.empty() ? std::string(channel) : fmt::format("{} ({})", channel, lanes.size() + 1), order);
    lanes.push_back({track, 0});
    lane = lanes.end() - 1;
  }
  lane->free = b.done;
  timeline_->slice(lane->track, fmt::format("{} {}", b.read ? "load" : "store", b.buffer), b.started, b.done,
                   {{"address", fmt::format("{:#x}", b.addr)},
                    {"bytes", std::uint64_t{b.bytes}},
                    {"buffer", std::string(b.buffer)},
                    {"request", b.ticket}});
}

void DmaEngine::record_in_flight() {
  if (timeline_ == nullptr || !timeline_->shows(Timeline::Detail::kBurst)) return;
  // Several changes in one cycle make one sample: the last. A sample is written when
  // a later cycle changes again, or at once when the engine falls idle.
  const std::uint64_t now = clock_.now();
  if (in_flight_pending_ && in_flight_cycle_ != now) write_in_flight();
  in_flight_pending_ = true;
  in_flight_cycle_ = now;
  in_flight_ = {traced_outstanding_, traced_bytes_};
  if (traced_outstanding_ == 0) write_in_flight();
}

void DmaEngine::write_in_flight() {
  timeline_->counter("DMA in flight", in_flight_cycle_,
                     {{"bursts", std::uint64_t{in_flight_.first}}, {"bytes", in_flight_.second}});
  in_flight_pending_ = false;
}

}  // namespace qacc
