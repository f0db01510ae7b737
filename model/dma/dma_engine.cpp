#include "model/dma/dma_engine.h"

#include <algorithm>

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
      config_(config),
      clock_(config.cycle_ns()) {
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(run);
}

std::uint64_t DmaEngine::submit(const DmaRequest& request) {
  queue_.push_back(request);
  queued_.notify(sc_core::SC_ZERO_TIME);
  return ++submitted_;
}

void DmaEngine::wait_done(std::uint64_t ticket) {
  while (completed_ < ticket) sc_core::wait(completed_event_);
}

void DmaEngine::drain() { wait_done(submitted_); }

void DmaEngine::clear_fault() {
  fault_ = DmaFault::kNone;
  fault_address_ = 0;
}

void DmaEngine::run() {
  for (;;) {
    while (queue_.empty()) sc_core::wait(queued_);
    const DmaRequest request = queue_.front();
    queue_.pop_front();
    const bool load = request.direction == DmaRequest::Direction::kDramToSram;
    (load ? load_busy : store_busy).write(true);
    (load ? store_busy : load_busy).write(false);
    buffer.write(trace_text(request.sram != nullptr ? request.sram->name() : ""));
    bytes_in_flight.write(static_cast<std::uint32_t>(std::min<std::uint64_t>(request.bytes(), UINT32_MAX)));
    // After a fault the rest of the layer's transfers are skipped, not performed.
    const std::uint64_t cycles = fault_ == DmaFault::kNone ? transfer(request) : 0;
    log::debug(*this, "{} {} x {} bytes at {:#x}: {} cycles",
               request.direction == DmaRequest::Direction::kDramToSram ? "load" : "store", request.rows,
               request.row_bytes, request.dram_addr, cycles);
    clock_.wait(cycles);
    stats_.busy_cycles += cycles;
    ++stats_.requests;
    bytes_in_flight.write(0);
    // Back to back with the next request: the signals change when it starts.
    if (queue_.empty()) {
      load_busy.write(false);
      store_busy.write(false);
      buffer.write(trace_text(""));
    }
    ++completed_;
    completed_event_.notify(sc_core::SC_ZERO_TIME);
  }
}

std::uint64_t DmaEngine::transfer(const DmaRequest& request) {
  // Rows contiguous on both sides are one row: bursts then span row boundaries (a
  // dense layer's input chunk is c_n rows of one byte each).
  DmaRequest r = request;
  if (r.rows > 1 && r.dram_stride == r.row_bytes && r.local_stride() == r.row_bytes) {
    r.row_bytes *= r.rows;
    r.rows = 1;
  }
  const bool to_sram = r.direction == DmaRequest::Direction::kDramToSram;
  std::uint8_t* local = nullptr;
  try {
    local = r.sram->span(r.sram_offset, r.local_extent());
  } catch (const SramRangeError& e) {
    fault_ = DmaFault::kSramRange;
    fault_address_ = e.offset;
    return 0;
  }
  if (to_sram)
    r.sram->note_writes(r.bytes());
  else
    r.sram->note_reads(r.bytes());

  std::uint64_t cycles = 0;
  tlm::tlm_generic_payload trans;
  for (std::uint32_t row = 0; row < r.rows; ++row) {
    for (std::uint32_t done = 0; done < r.row_bytes;) {
      const std::uint32_t len = std::min(config_.dma_burst_bytes, r.row_bytes - done);
      const std::uint64_t addr = r.dram_addr + row * r.dram_stride + done;
      trans.set_command(to_sram ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
      trans.set_address(addr);
      trans.set_data_ptr(local + row * r.local_stride() + done);
      trans.set_data_length(len);
      trans.set_streaming_width(len);
      trans.set_byte_enable_ptr(nullptr);
      trans.set_dmi_allowed(false);
      trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      out->b_transport(trans, delay);
      if (trans.is_response_error()) {
        fault_ = DmaFault::kBusError;
        fault_address_ = addr;
        log::warning(*this, "burst of {} bytes at {:#x}: {}", len, addr, trans.get_response_string());
        return cycles;
      }
      // The DRAM annotated latency and bandwidth; the DMA adds setup and bus beats.
      cycles += clock_.cycles(delay) + timing::dma_overhead_cycles(config_, len);
      log::trace(*this, "burst {} bytes at {:#x}", len, addr);
      ++stats_.bursts;
      (to_sram ? stats_.dram_bytes_read : stats_.dram_bytes_written) += len;
      done += len;
    }
  }
  return cycles;
}

}  // namespace qacc
