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
}

DmaStats DmaEngine::stats() const {
  DmaStats s = stats_;
  const std::uint64_t now = clock_.now();
  if (in_flight_ > 0) s.busy_cycles += now - busy_since_;
  if (read_.in_flight > 0) s.read_busy_cycles += now - read_.busy_since;
  if (write_.in_flight > 0) s.write_busy_cycles += now - write_.busy_since;
  return s;
}

void DmaEngine::drive_signals() {
  buffer.write(trace_text(issuing_));
  load_busy.write(read_.in_flight > 0);
  store_busy.write(write_.in_flight > 0);
  const std::uint64_t bytes = read_.bytes_in_flight + write_.bytes_in_flight;
  bytes_in_flight.write(static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, UINT32_MAX)));
  outstanding.write(in_flight_);
}

void DmaEngine::issue() {
  // Runs until it must wait: for a request, a place in flight, or END_REQ.
  while (!waiting_end_request_) {
    if (!current_.active && !start_request()) return;
    Current& c = current_;
    if (fault_ != DmaFault::kNone || c.row == c.r.rows) {
      // After a fault the rest of the layer's transfers are skipped, not performed.
      c.active = false;
      tickets_[c.ticket - completed_ - 1].issued = true;
      finish_ticket();
      continue;
    }
    if (in_flight_ >= config_.dma_max_outstanding) return;  // retire() calls again
    const std::uint64_t addr = c.r.dram_addr + c.row * c.r.dram_stride + c.done;
    std::uint64_t len = std::min(config_.dma_burst_bytes, c.r.row_bytes - c.done);
    if (boundary_ != 0) len = std::min(len, boundary_ - addr % boundary_);
    std::uint8_t* data = c.local + c.row * c.r.local_stride() + c.done;
    c.done += static_cast<std::uint32_t>(len);
    if (c.done == c.r.row_bytes) {
      ++c.row;
      c.done = 0;
    }
    send(c.ticket, c.read, addr, data, static_cast<std::uint32_t>(len));
  }
}

bool DmaEngine::start_request() {
  if (queue_.empty()) {
    issuing_ = "";
    update_signals();
    return false;
  }
  Current& c = current_;
  c = Current{};
  c.active = true;
  std::tie(c.ticket, c.r) = queue_.front();
  queue_.pop_front();
  DmaRequest& r = c.r;
  issuing_ = r.sram != nullptr ? r.sram->name().c_str() : "";
  update_signals();
  log::debug(*this, "{} {} x {} bytes at {:#x}", r.direction == DmaRequest::Direction::kDramToSram ? "load" : "store",
             r.rows, r.row_bytes, r.dram_addr);
  if (fault_ != DmaFault::kNone) return true;  // skipped by issue()
  // Rows contiguous on both sides are one row: bursts then span row boundaries (a
  // dense layer's input chunk is c_n rows of one byte each).
  if (r.rows > 1 && r.dram_stride == r.row_bytes && r.local_stride() == r.row_bytes) {
    r.row_bytes *= r.rows;
    r.rows = 1;
  }
  if (r.row_bytes == 0) r.rows = 0;  // nothing to move
  c.read = r.direction == DmaRequest::Direction::kDramToSram;
  try {
    c.local = r.sram->span(r.sram_offset, r.local_extent());
  } catch (const SramRangeError& e) {
    fault_ = DmaFault::kSramRange;
    fault_address_ = e.offset;
    return true;
  }
  if (c.read)
    r.sram->note_writes(r.bytes());
  else
    r.sram->note_reads(r.bytes());
  return true;
}

void DmaEngine::send(std::uint64_t ticket, bool read, std::uint64_t addr, std::uint8_t* data, std::uint32_t len) {
  const std::uint64_t now = clock_.now();
  Channel& ch = read ? read_ : write_;
  if (in_flight_++ == 0) busy_since_ = now;
  if (ch.in_flight++ == 0) ch.busy_since = now;
  ch.bytes_in_flight += len;
  update_signals();

  tlm::tlm_generic_payload* trans = pool_.allocate();
  trans->set_command(read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  trans->set_address(addr);
  trans->set_data_ptr(data);
  trans->set_data_length(len);
  trans->set_streaming_width(len);
  trans->set_byte_enable_ptr(nullptr);
  trans->set_dmi_allowed(false);
  trans->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bursts_.emplace_back(trans, Burst{ticket, now, len, read});
  ++tickets_[ticket - completed_ - 1].in_flight;
  log::trace(*this, "burst {} bytes at {:#x}", len, addr);

  // The issue stage's address generation, serial across bursts: the request leaves
  // when it is done. Annotated rather than waited (temporal decoupling), so a thread
  // switch per burst is saved; the stage runs ahead by at most the bursts in flight.
  const std::uint64_t start = std::max(now, issue_free_);
  issue_free_ = start + config_.dma_setup_cycles;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = clock_.time(issue_free_) - sc_core::sc_time_stamp();
  switch (out->nb_transport_fw(*trans, phase, delay)) {
    case tlm::TLM_ACCEPTED:
      // Back-pressure: no new request until the target has taken this one (issue()
      // stops, and END_REQ wakes it).
      waiting_end_request_ = true;
      break;
    case tlm::TLM_UPDATED:
      if (phase == tlm::END_REQ) {
        // Taken at now + delay: the next request leaves no earlier.
        issue_free_ = std::max(issue_free_, clock_.cycles(sc_core::sc_time_stamp() + delay));
      } else if (phase == tlm::BEGIN_RESP) {
        timed_.push(sc_core::sc_time_stamp() + delay, {trans, true});
      }
      break;
    case tlm::TLM_COMPLETED:
      // The target finished it in one call (the simple DRAM, or an error at the bus):
      // the response is at the annotated time.
      timed_.push(sc_core::sc_time_stamp() + delay, {trans, true});
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
    timed_.push(sc_core::sc_time_stamp() + delay, {&trans, true});
    return tlm::TLM_COMPLETED;  // taken at once: no END_RESP round trip
  }
  return tlm::TLM_ACCEPTED;
}

void DmaEngine::serve_timed() {
  timed_.pop_due([this](const Timed& t) {
    if (t.response)
      on_response(*t.trans);
    else
      retire(*t.trans);
  });
}

DmaEngine::Burst& DmaEngine::burst(const tlm::tlm_generic_payload& trans) {
  for (auto& [t, b] : bursts_)
    if (t == &trans) return b;
  fail("{}: a response for a burst not in flight", name());
}

void DmaEngine::on_response(tlm::tlm_generic_payload& trans) {
  const Burst& b = burst(trans);
  Channel& ch = b.read ? read_ : write_;
  // The data streams through the engine's port while the DRAM sends it: a port
  // narrower than the DRAM adds its extra beats after the response, and bursts
  // queue for it (timing::dma_overhead_cycles with one burst in flight).
  const std::uint64_t now = clock_.now();
  const std::uint64_t beats = (b.bytes + config_.dma_bus_bytes - 1) / config_.dma_bus_bytes;
  const std::uint64_t extra = timing::dma_overhead_cycles(config_, b.bytes) - config_.dma_setup_cycles;
  std::uint64_t done = now;  // an error response carries no data
  if (!trans.is_response_error()) {
    done = std::max(now + extra, ch.port_free + beats);
    ch.port_free = done;
  } else if (fault_ == DmaFault::kNone) {
    fault_ = DmaFault::kBusError;
    fault_address_ = trans.get_address();
    log::warning(*this, "burst of {} bytes at {:#x}: {}", b.bytes, trans.get_address(), trans.get_response_string());
  }
  if (done == now)
    retire(trans);
  else
    timed_.push(clock_.time(done), {&trans, false});
}

void DmaEngine::retire(tlm::tlm_generic_payload& trans) {
  auto it = std::find_if(bursts_.begin(), bursts_.end(), [&](const auto& e) { return e.first == &trans; });
  const Burst b = it->second;
  *it = bursts_.back();  // unordered: the last one takes its place
  bursts_.pop_back();
  const std::uint64_t now = clock_.now();
  Channel& ch = b.read ? read_ : write_;
  if (--in_flight_ == 0) stats_.busy_cycles += now - busy_since_;
  if (--ch.in_flight == 0) (b.read ? stats_.read_busy_cycles : stats_.write_busy_cycles) += now - ch.busy_since;
  ch.bytes_in_flight -= b.bytes;
  update_signals();
  latencies_.push_back(static_cast<std::uint32_t>(now - b.started));
  stats_.latency_cycles += now - b.started;
  ++stats_.bursts;
  if (!trans.is_response_error()) (b.read ? stats_.dram_bytes_read : stats_.dram_bytes_written) += b.bytes;
  trans.release();
  --tickets_[b.ticket - completed_ - 1].in_flight;
  credit_.notify();  // issue() runs again, at this time
  finish_ticket();
}

void DmaEngine::finish_ticket() {
  bool any = false;
  while (!tickets_.empty() && tickets_.front().issued && tickets_.front().in_flight == 0) {
    tickets_.pop_front();
    ++completed_;
    ++stats_.requests;
    any = true;
  }
  if (any) completed_event_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace qacc
