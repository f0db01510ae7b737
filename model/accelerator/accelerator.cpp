#include "model/accelerator/accelerator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "model/sim/log.h"

namespace qacc {

Accelerator::Accelerator(sc_core::sc_module_name name, const ArchConfig& config)
    : sc_module(name),
      in("in"),
      irq("irq"),
      layer("layer"),
      busy("busy"),
      stall("stall"),
      input_buffer("input_buffer", config.input_buffer_bytes),
      weight_buffer("weight_buffer", config.weight_buffer_bytes),
      output_buffer("output_buffer", config.output_buffer_bytes),
      dma("dma", config),
      pe_array("pe_array", config, input_buffer, weight_buffer, output_buffer),
      ppu("ppu", config, output_buffer),
      config_(config),
      clock_(config.cycle_ns()) {
  if (config.sram_model == SramModel::kPorted) {
    const bool split = config.sram_ports == SramPortKind::k1R1W;
    input_buffer.use_ports({config.sram_banks, config.input_buffer_width, split});
    weight_buffer.use_ports({config.sram_banks, config.weight_buffer_width, split});
    output_buffer.use_ports({config.sram_banks, config.output_buffer_width, split});
  }
  using namespace qacc::regs;
  bank_.define(kId, "ID", kIdValue, Access::kReadOnly);
  bank_.define(kVersion, "VERSION", kVersionValue, Access::kReadOnly);
  bank_.define(kCtrl, "CTRL", 0, Access::kReadWrite);
  bank_.define(kStatus, "STATUS", 0, Access::kReadOnly);
  bank_.define(kIrqStatus, "IRQ_STATUS", 0, Access::kWriteOneToClear);
  bank_.define(kIrqEnable, "IRQ_ENABLE", 0, Access::kReadWrite);
  bank_.define(kErrorCode, "ERROR_CODE", 0, Access::kReadOnly);
  bank_.define(kErrorAddr, "ERROR_ADDR", 0, Access::kReadOnly);
  bank_.define(kCycles, "CYCLES", 0, Access::kReadOnly);
  bank_.define(kDoneCount, "DONE_COUNT", 0, Access::kReadOnly);
  bank_.define(kPeRows, "PE_ROWS", static_cast<std::uint32_t>(config.pe_rows), Access::kReadOnly);
  bank_.define(kPeCols, "PE_COLS", static_cast<std::uint32_t>(config.pe_cols), Access::kReadOnly);
  bank_.define(kInputBufBytes, "INPUT_BUF_BYTES", config.input_buffer_bytes, Access::kReadOnly);
  bank_.define(kWeightBufBytes, "WEIGHT_BUF_BYTES", config.weight_buffer_bytes, Access::kReadOnly);
  bank_.define(kOutputBufBytes, "OUTPUT_BUF_BYTES", config.output_buffer_bytes, Access::kReadOnly);
  bank_.define(kFeatures, "FEATURES", config.layer_overlap ? kFeatureLayerOverlap : 0, Access::kReadOnly);
  for (const auto& r : encode_registers(LayerDescriptor{})) bank_.define(r.offset, r.name, 0, Access::kReadWrite);

  in.register_b_transport(this, &Accelerator::b_transport);
  in.register_transport_dbg(this, &Accelerator::transport_dbg);
  SC_HAS_PROCESS(Accelerator);
  SC_THREAD(controller);
  SC_METHOD(drive_irq);
  sensitive << irq_changed_;
  dont_initialize();
}

void Accelerator::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  delay += clock_.period();
  ++register_accesses_;
  // In order: streaming width, byte enables, size and alignment, then decode.
  if (t.get_streaming_width() != t.get_data_length()) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (t.get_byte_enable_ptr() != nullptr) {
    t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (t.get_data_length() != regs::kRegisterBytes) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const std::uint64_t offset = t.get_address();
  if (offset % regs::kRegisterBytes != 0 || offset >= regs::kRegisterSpace) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const auto reg = static_cast<std::uint32_t>(offset);
  std::uint32_t value = 0;
  if (t.is_read()) {
    if (bank_.read(reg, value) != RegisterBank::Result::kOk) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    std::memcpy(t.get_data_ptr(), &value, sizeof value);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  std::memcpy(&value, t.get_data_ptr(), sizeof value);
  // The bank's STATUS changes at once; the busy signal only one delta later.
  const bool start = reg == regs::kCtrl && (value & regs::kCtrlStart) != 0;
  const bool running = (bank_.get(regs::kStatus) & regs::kStatusBusy) != 0;
  // With overlap, START also waits for a failure to be acknowledged: firmware queues
  // the next layer without knowing whether this one has already failed.
  const bool failed = config_.layer_overlap && (bank_.get(regs::kIrqStatus) & regs::kIrqError) != 0;
  if (start && ((running && (!config_.layer_overlap || queued_)) || failed)) {
    t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  switch (bank_.write(reg, value)) {
    case RegisterBank::Result::kNoRegister:
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    case RegisterBank::Result::kReadOnly:
      t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    case RegisterBank::Result::kOk:
      break;
  }
  if (reg == regs::kCtrl) bank_.set(regs::kCtrl, 0);  // CTRL holds no state: START reads back as 0
  if (start) {
    // The descriptor is latched here, so firmware may program the next layer at once.
    const std::uint64_t accesses = register_accesses_ - accesses_at_start_;
    accesses_at_start_ = register_accesses_;
    if (running) {
      // layer_overlap: the controller takes it when the running layer ends.
      queued_ = latch_descriptor();
      queued_accesses_ = accesses;
      bank_.set(regs::kStatus, regs::kStatusBusy | regs::kStatusQueued);
    } else {
      latched_ = latch_descriptor();
      latched_accesses_ = accesses;
      bank_.set(regs::kStatus, regs::kStatusBusy);
      start_due_ = true;
      start_.notify(delay);
    }
  }
  if (reg == regs::kIrqStatus || reg == regs::kIrqEnable) update_irq(delay);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Accelerator::transport_dbg(tlm::tlm_generic_payload& t) {
  // Debug access reads registers without side effects; it never writes.
  const std::uint64_t offset = t.get_address();
  std::uint32_t value = 0;
  if (!t.is_read() || t.get_data_length() != regs::kRegisterBytes || offset % regs::kRegisterBytes != 0 ||
      offset >= regs::kRegisterSpace || bank_.read(static_cast<std::uint32_t>(offset), value) != RegisterBank::Result::kOk)
    return 0;
  std::memcpy(t.get_data_ptr(), &value, sizeof value);
  return regs::kRegisterBytes;
}

void Accelerator::update_irq(const sc_core::sc_time& delay) { irq_changed_.notify(delay); }

void Accelerator::drive_irq() {
  const bool level = (bank_.get(regs::kIrqStatus) & bank_.get(regs::kIrqEnable)) != 0;
  irq.write(level);
  if (timeline_ != nullptr && level != irq_level_)
    timeline_->instant(tracks_.irq, level ? "interrupt raised" : "interrupt cleared", clock_.now(),
                       {{"irq_status", std::uint64_t{bank_.get(regs::kIrqStatus)}}});
  irq_level_ = level;
}

void Accelerator::record(Timeline* timeline, std::vector<std::string> layer_names) {
  timeline_ = timeline;
  layer_names_ = std::move(layer_names);
  if (timeline_ == nullptr) return;
  tracks_.layers = timeline_->track("Layers");
  tracks_.irq = timeline_->track("IRQ");
  tracks_.stalls = timeline_->track("Controller stalls");
  tracks_.pe_array = timeline_->track("PE array");
  tracks_.ppu = timeline_->track("PPU");
  dma.record(timeline);
}

void Accelerator::record_pass(int track, const char* name, std::uint64_t start, Timeline::Args args) {
  if (timeline_ != nullptr && timeline_->shows(Timeline::Detail::kPass))
    timeline_->slice(track, name, start, clock_.now(), args);
}

void Accelerator::record_layer(const LayerStats& s, std::uint64_t start) {
  if (timeline_ == nullptr) return;
  Timeline::Args args{{"layer", std::uint64_t{s.index}},
                      {"ok", std::uint64_t{s.ok}},
                      {"error", std::uint64_t{static_cast<std::uint32_t>(s.error)}},
                      {"tile", fmt::format("{}/{}/{}", s.tile_out_channels, s.tile_rows, s.tile_in_channels)},
                      {"dma_latency_p99", s.dma_latency_p99}};
  for (const CounterInfo& c : kCounterInfo) args.push_back({std::string(c.name), s.*c.member});
  const std::string name = s.index < layer_names_.size() ? layer_names_[s.index] : fmt::format("layer {}", s.index);
  timeline_->slice(tracks_.layers, name, start, start + s.cycles, args);
}

LayerDescriptor Accelerator::latch_descriptor() const {
  return decode_registers([this](std::uint32_t offset) { return bank_.get(offset); });
}

Counters Accelerator::counters() const {
  Counters c;
  c.compute_cycles = pe_array.stats().busy_cycles;
  c.macs = pe_array.stats().macs;
  c.passes = pe_array.stats().passes;
  c.ppu_cycles = ppu.busy_cycles();
  c.stall_sram_bandwidth_cycles = pe_array.stats().sram_bandwidth_cycles + ppu.sram_stall().bandwidth;
  c.stall_sram_conflict_cycles = pe_array.stats().sram_conflict_cycles + ppu.sram_stall().conflict;
  c.saturated_high = ppu.saturation().high;
  c.saturated_low = ppu.saturation().low;
  c.relu_floored = ppu.saturation().relu_floor;
  const DmaStats d = dma.stats();
  c.dma_cycles = d.busy_cycles;
  c.dma_read_cycles = d.read_busy_cycles;
  c.dma_write_cycles = d.write_busy_cycles;
  c.dma_bursts = d.bursts;
  c.dma_latency_cycles = d.latency_cycles;
  if (dram_counters_) {
    const DramStats m = dram_counters_();
    c.dram_row_hits = m.row_hits;
    c.dram_row_misses = m.row_misses;
    c.dram_refreshes = m.refreshes;
    c.dram_energy_pj = static_cast<std::uint64_t>(std::llround(m.energy_pj));
  }
  c.dram_read = d.dram_bytes_read;
  c.dram_written = d.dram_bytes_written;
  c.input_buffer_reads = input_buffer.reads();
  c.input_buffer_writes = input_buffer.writes();
  c.weight_buffer_reads = weight_buffer.reads();
  c.weight_buffer_writes = weight_buffer.writes();
  c.output_buffer_reads = output_buffer.reads();
  c.output_buffer_writes = output_buffer.writes();
  c.register_accesses = register_accesses_;
  c.stall_load_cycles = stall_load_cycles_;
  c.stall_staging_cycles = stall_staging_cycles_;
  c.stall_drain_cycles = stall_drain_cycles_;
  c.tiles = tiles_;
  return c;
}

void Accelerator::controller() {
  for (;;) {
    if (queued_ && !start_due_) {
      // Queued behind the layer that just ended: it starts now, without waiting for
      // the firmware.
      latched_ = *queued_;
      latched_accesses_ = queued_accesses_;
      queued_.reset();
      bank_.set(regs::kStatus, regs::kStatusBusy);
    } else {
      sc_core::wait(start_);
      start_due_ = false;
    }
    const LayerDescriptor d = latched_;
    layer.write(d.index);
    busy.write(true);
    log::debug(*this, "layer {} starts: tiles {}x{}x{}", d.index, d.tile_out_channels, d.tile_rows, d.tile_in_channels);
    const auto start = sc_core::sc_time_stamp();
    const Counters before = counters();
    dma.clear_latencies();  // one layer's at a time: a run of many images stays flat
    Fault fault{regs::ErrorCode::kNone, 0};
    try {
      run_layer(d);
    } catch (const Fault& f) {
      fault = f;
      dma.drain();
    } catch (const SramRangeError& e) {
      fault = {regs::ErrorCode::kBufferOverflow, e.offset};
      dma.drain();
    }
    // A fault of the queued layer's prefetch (a later request) stays for that layer to
    // report; its transfers meanwhile are skipped.
    if (fault.code != regs::ErrorCode::kNone || dma.fault() == DmaFault::kNone) dma.clear_fault();

    LayerStats s;
    static_cast<Counters&>(s) = counters() - before;
    s.register_accesses = latched_accesses_;
    s.index = d.index;
    s.cycles = clock_.since(start);
    s.dma_latency_p99 = percentile(dma.latencies(), 0, dma.latencies().size(), 0.99);
    s.ok = fault.code == regs::ErrorCode::kNone;
    s.error = fault.code;
    s.tile_out_channels = d.tile_out_channels;
    s.tile_rows = d.tile_rows;
    s.tile_in_channels = d.tile_in_channels;
    s.tile_rows_outer = d.rows_outer();
    s.tile_bias_apart = d.bias_apart();
    bank_.set(regs::kCycles, static_cast<std::uint32_t>(std::min<std::uint64_t>(s.cycles, UINT32_MAX)));
    record_layer(s, clock_.cycles(start));
    layer_stats_.push_back(s);
    if (s.ok)
      log::debug(*this, "layer {} done in {} cycles", d.index, s.cycles);
    else
      log::warning(*this, "layer {} failed: error {} at {:#x}", d.index, static_cast<std::uint32_t>(fault.code),
                   fault.address);
    if (static_cast<std::int64_t>(d.index) == hang_layer_) {  // injected: never finishes
      queued_.reset();
      continue;
    }
    finish(fault);
  }
}

void Accelerator::check_dma(std::uint64_t ticket) const {
  if (dma.fault() != DmaFault::kNone && dma.fault_ticket() > ticket) return;  // a later request's
  switch (dma.fault()) {
    case DmaFault::kNone:
      return;
    case DmaFault::kBusError:
      throw Fault{regs::ErrorCode::kDmaBusError, dma.fault_address()};
    case DmaFault::kSramRange:
      throw Fault{regs::ErrorCode::kBufferOverflow, dma.fault_address()};
  }
}

void Accelerator::wait_for_dma(std::uint64_t ticket, Stall cause) {
  struct Cause {
    const char* name;
    std::uint64_t Accelerator::*cycles;
  };
  static constexpr Cause kCauses[] = {{"load", &Accelerator::stall_load_cycles_},
                                      {"staging", &Accelerator::stall_staging_cycles_},
                                      {"drain", &Accelerator::stall_drain_cycles_}};
  const Cause& c = kCauses[static_cast<int>(cause)];
  const auto waited = sc_core::sc_time_stamp();
  stall.write(trace_text(c.name));
  dma.wait_done(ticket);
  stall.write(trace_text(""));
  const std::uint64_t cycles = clock_.since(waited);
  this->*c.cycles += cycles;
  if (timeline_ != nullptr && cycles > 0) timeline_->slice(tracks_.stalls, c.name, clock_.cycles(waited), clock_.now());
  check_dma(ticket);
}

LayerPlan Accelerator::plan(const LayerDescriptor& d) const {
  if (!descriptor_problem(d).empty()) throw Fault{regs::ErrorCode::kBadDescriptor, 0};
  // Rejected before any transfer; ERROR_ADDR holds the bytes the first buffer that
  // overflows would need.
  const BufferSizes sizes{input_buffer.size(), weight_buffer.size(), output_buffer.size()};
  if (const auto overflow = first_overflow(buffer_needs(d), sizes))
    throw Fault{regs::ErrorCode::kBufferOverflow, overflow->needed};
  return plan_layer(d, sizes);
}

void Accelerator::run_layer(const LayerDescriptor& d) {
  const bool prefetched = std::exchange(queued_prefetched_, false);
  const LayerPlan p = plan(d);
  store_tickets_.clear();
  // Tickets finish in order: the inputs' is the step's last when the weights came first.
  std::uint64_t ready = prefetched ? queue_inputs(p, p.steps[0]) : queue_loads(p, p.steps[0], 0);
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const LayerStep& step = p.steps[i];
    wait_for_dma(ready, Stall::kLoad);
    // The next step's new operands load into the other halves while this one computes.
    if (i + 1 < p.steps.size()) ready = queue_loads(p, p.steps[i + 1], ready);
    run_pass(p, step);
    if (step.last) post_process_and_store(p, step);
  }
  const std::uint64_t last_store = dma.submitted();
  if (queued_) prefetch_queued();
  wait_for_dma(last_store, Stall::kDrain);
}

void Accelerator::prefetch_queued() {
  // The PE array and PPU are done with this layer, so weight half 0 is free; the
  // inputs are this layer's results and wait for its stores. A descriptor the plan
  // rejects is left for its own run to report.
  const BufferSizes sizes{input_buffer.size(), weight_buffer.size(), output_buffer.size()};
  if (!descriptor_problem(*queued_).empty() || first_overflow(buffer_needs(*queued_), sizes)) return;
  // A bias in the output buffer would land beside this layer's results still being
  // stored: that layer waits for its own start.
  if (queued_->bias_apart()) return;
  const LayerPlan next = plan_layer(*queued_, sizes);
  queue_weights(next, next.steps[0]);
  queued_prefetched_ = true;
}

// Input rows of a step that lie outside the image (the halo at its top and bottom
// edges) are not loaded; they hold the zero point, the real value 0.
void Accelerator::fill_halo(const LayerPlan& p, const LayerStep& st) {
  const LayerDescriptor& d = p.d;
  const std::size_t half = st.input_half;
  if (st.top == 0 && st.valid == st.rows_in) return;  // no padding rows in this step
  const std::size_t channel_bytes = std::size_t{st.rows_in} * d.in_width;
  for (std::uint32_t c = 0; c < st.c_n; ++c) {
    std::uint8_t* ch = input_buffer.span(half * p.input_half + c * channel_bytes, channel_bytes);
    std::memset(ch, static_cast<int>(d.in_zero_point), std::size_t{st.top} * d.in_width);
    std::memset(ch + std::size_t{st.top + st.valid} * d.in_width, static_cast<int>(d.in_zero_point),
                std::size_t{st.rows_in - st.top - st.valid} * d.in_width);
  }
  input_buffer.note_writes(std::uint64_t{st.c_n} * (st.rows_in - st.valid) * d.in_width);
}

std::uint64_t Accelerator::queue_loads(const LayerPlan& p, const LayerStep& st, std::uint64_t ready) {
  if (st.load_inputs) ready = queue_inputs(p, st);
  if (st.load_weights) ready = queue_weights(p, st);
  return ready;
}

std::uint64_t Accelerator::queue_inputs(const LayerPlan& p, const LayerStep& st) {
  const LayerDescriptor& d = p.d;
  const std::size_t half = st.input_half;
  fill_halo(p, st);
  DmaRequest act;
  act.dram_addr = d.in_addr + st.c * p.plane + std::uint64_t{st.first_row} * d.in_width;
  act.dram_stride = p.plane;
  act.sram = &input_buffer;
  act.sram_offset = half * p.input_half + std::size_t{st.top} * d.in_width;
  act.sram_stride = std::size_t{st.rows_in} * d.in_width;
  act.rows = st.c_n;
  act.row_bytes = st.valid * d.in_width;
  return dma.submit(act);
}

std::uint64_t Accelerator::queue_weights(const LayerPlan& p, const LayerStep& st) {
  const LayerDescriptor& d = p.d;
  const std::size_t half = st.weight_half;
  DmaRequest w;
  w.dram_addr = d.weight_addr + (std::uint64_t{st.oc} * d.in_channels + st.c) * p.k2;
  w.dram_stride = std::uint64_t{d.in_channels} * p.k2;
  w.sram = &weight_buffer;
  w.sram_offset = half * p.weight_half;
  w.rows = st.oc_n;
  w.row_bytes = st.c_n * p.k2;
  std::uint64_t ticket = dma.submit(w);
  if (st.first) {
    DmaRequest b;
    b.dram_addr = d.bias_addr + kInt32Bytes * std::uint64_t{st.oc};
    b.sram = d.bias_apart() ? &output_buffer : &weight_buffer;
    b.sram_offset = p.bias_offset(st);
    b.row_bytes = kInt32Bytes * st.oc_n;
    ticket = dma.submit(b);
  }
  return ticket;
}

void Accelerator::run_pass(const LayerPlan& p, const LayerStep& st) {
  PePass pass;
  pass.input_offset = st.input_half * p.input_half;
  pass.in_channels = st.c_n;
  pass.rows_in = st.rows_in;
  pass.width = p.d.in_width;
  pass.in_zero_point = p.d.in_zero_point;
  pass.kernel = p.d.kernel;
  // A chunk's weights are packed [oc_n][c_n][k][k]: the PE pass sees a full tile.
  pass.weight_offset = st.weight_half * p.weight_half;
  pass.bias_offset = p.bias_offset(st);
  pass.bias_in_output = p.d.bias_apart();
  pass.first_chunk = st.first;
  pass.last_chunk = st.last;
  pass.out_channels = st.oc_n;
  pass.psum_offset = 0;
  const std::uint64_t start = clock_.now();
  const std::uint64_t compute = pe_array.run(pass);
  record_pass(tracks_.pe_array, "pass", start,
              {{"layer", std::uint64_t{p.d.index}},
               {"tile", fmt::format("oc {} y {} c {}", st.oc, st.y, st.c)},
               {"K", std::uint64_t{st.c_n} * p.k2},
               {"P", std::uint64_t{st.y_n} * p.d.out_width()},
               {"M", std::uint64_t{st.oc_n}},
               {"compute_cycles", compute},
               {"sram_stall_cycles", clock_.now() - start - compute}});
}

void Accelerator::post_process_and_store(const LayerPlan& p, const LayerStep& st) {
  const LayerDescriptor& d = p.d;
  // The result half must be free: its previous store has to have finished.
  const std::size_t tile = store_tickets_.size();
  if (tile >= 2) wait_for_dma(store_tickets_[tile - 2], Stall::kStaging);
  PpuPass post;
  post.psum_offset = 0;
  post.channels = st.oc_n;
  post.rows = st.y_n;
  post.width = d.out_width();
  post.shift = d.shift;
  post.zero_point = d.out_zero_point;
  post.relu = d.relu();
  post.pool = d.pool();
  post.result_offset = p.result_at + (tile % 2) * p.result_tile;
  const std::uint64_t start = clock_.now();
  ppu.run(post);
  record_pass(tracks_.ppu, post.pool ? "requantise, ReLU, pool" : (post.relu ? "requantise, ReLU" : "requantise"), start,
              {{"layer", std::uint64_t{d.index}},
               {"tile", fmt::format("oc {} y {}", st.oc, st.y)},
               {"channels", std::uint64_t{post.channels}},
               {"rows", std::uint64_t{post.rows}},
               {"width", std::uint64_t{post.width}}});

  const std::uint32_t result_h = d.result_height(), result_w = d.result_width();
  const std::uint32_t rows_out = d.pool() ? st.y_n / 2 : st.y_n;
  const std::uint32_t y_out = d.pool() ? st.y / 2 : st.y;
  DmaRequest out;
  out.direction = DmaRequest::Direction::kSramToDram;
  out.dram_addr = d.out_addr + std::uint64_t{st.oc} * result_h * result_w + std::uint64_t{y_out} * result_w;
  out.dram_stride = std::uint64_t{result_h} * result_w;
  out.sram = &output_buffer;
  out.sram_offset = post.result_offset;
  out.rows = st.oc_n;
  out.row_bytes = rows_out * result_w;
  store_tickets_.push_back(dma.submit(out));
  ++tiles_;
}

void Accelerator::inject_misreported_buffers(std::uint32_t factor) {
  using namespace qacc::regs;
  bank_.set(kInputBufBytes, config_.input_buffer_bytes * factor);
  bank_.set(kWeightBufBytes, config_.weight_buffer_bytes * factor);
  bank_.set(kOutputBufBytes, config_.output_buffer_bytes * factor);
}

void Accelerator::finish(const Fault& fault) {
  using namespace qacc::regs;
  const bool ok = fault.code == ErrorCode::kNone;
  bank_.set(kStatus, ok ? kStatusDone : kStatusError);
  bank_.set(kErrorCode, static_cast<std::uint32_t>(fault.code));
  bank_.set(kErrorAddr, static_cast<std::uint32_t>(fault.address));
  bank_.set(kIrqStatus, bank_.get(kIrqStatus) | (ok ? kIrqDone : kIrqError));
  bank_.set(kDoneCount, bank_.get(kDoneCount) + 1);
  if (!ok) {
    // A queued layer would read this one's results: it is dropped, and its prefetch
    // was skipped with the rest of the failed layer's transfers.
    queued_.reset();
    queued_prefetched_ = false;
  }
  busy.write(false);
  update_irq();
}

}  // namespace qacc
