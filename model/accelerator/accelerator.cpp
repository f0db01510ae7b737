#include "model/accelerator/accelerator.h"

#include <algorithm>
#include <cstring>

#include "model/timing/cost_model.h"

namespace qacc {
namespace {

// One PE pass of a layer: output channels [oc, oc+oc_n), output rows [y, y+y_n),
// input channels [c, c+c_n).
struct Step {
  std::uint32_t oc, oc_n, y, y_n, c, c_n;
  bool first, last;
};

std::vector<Step> plan_steps(const LayerDescriptor& d) {
  std::vector<Step> steps;
  for (std::uint32_t oc = 0; oc < d.out_channels; oc += d.tile_out_channels)
    for (std::uint32_t y = 0; y < d.out_height(); y += d.tile_rows)
      for (std::uint32_t c = 0; c < d.in_channels; c += d.tile_in_channels) {
        const std::uint32_t c_n = std::min(d.tile_in_channels, d.in_channels - c);
        steps.push_back({oc, std::min(d.tile_out_channels, d.out_channels - oc), y,
                         std::min(d.tile_rows, d.out_height() - y), c, c_n, c == 0, c + c_n == d.in_channels});
      }
  return steps;
}

}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const ArchConfig& config)
    : sc_module(name),
      in("in"),
      irq("irq"),
      layer("layer"),
      busy("busy"),
      input_buffer("input_buffer", config.input_buffer_bytes),
      weight_buffer("weight_buffer", config.weight_buffer_bytes),
      output_buffer("output_buffer", config.output_buffer_bytes),
      dma("dma", config),
      pe_array("pe_array", config, input_buffer, weight_buffer, output_buffer),
      ppu("ppu", config, output_buffer),
      config_(config) {
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
  bank_.define(kPeRows, "PE_ROWS", static_cast<std::uint32_t>(config.pe_rows), Access::kReadOnly);
  bank_.define(kPeCols, "PE_COLS", static_cast<std::uint32_t>(config.pe_cols), Access::kReadOnly);
  bank_.define(kInputBufBytes, "INPUT_BUF_BYTES", config.input_buffer_bytes, Access::kReadOnly);
  bank_.define(kWeightBufBytes, "WEIGHT_BUF_BYTES", config.weight_buffer_bytes, Access::kReadOnly);
  bank_.define(kOutputBufBytes, "OUTPUT_BUF_BYTES", config.output_buffer_bytes, Access::kReadOnly);
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
  delay += sc_core::sc_time(config_.cycle_ns(), sc_core::SC_NS);
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
  if (t.get_data_length() != 4) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const std::uint64_t offset = t.get_address();
  if (offset % 4 != 0 || offset >= regs::kRegisterSpace) {
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
    std::memcpy(t.get_data_ptr(), &value, 4);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  std::memcpy(&value, t.get_data_ptr(), 4);
  // The bank's STATUS changes at once; the busy signal only one delta later.
  const bool start = reg == regs::kCtrl && (value & regs::kCtrlStart) != 0;
  if (start && (bank_.get(regs::kStatus) & regs::kStatusBusy) != 0) {
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
    latched_ = latch_descriptor();
    latched_accesses_ = register_accesses_ - accesses_at_start_;
    accesses_at_start_ = register_accesses_;
    bank_.set(regs::kStatus, regs::kStatusBusy);
    start_.notify(delay);
  }
  if (reg == regs::kIrqStatus || reg == regs::kIrqEnable) update_irq(delay);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Accelerator::transport_dbg(tlm::tlm_generic_payload& t) {
  // Debug access reads registers without side effects; it never writes.
  const std::uint64_t offset = t.get_address();
  std::uint32_t value = 0;
  if (!t.is_read() || t.get_data_length() != 4 || offset % 4 != 0 || offset >= regs::kRegisterSpace ||
      bank_.read(static_cast<std::uint32_t>(offset), value) != RegisterBank::Result::kOk)
    return 0;
  std::memcpy(t.get_data_ptr(), &value, 4);
  return 4;
}

void Accelerator::update_irq(const sc_core::sc_time& delay) { irq_changed_.notify(delay); }

void Accelerator::drive_irq() { irq.write((bank_.get(regs::kIrqStatus) & bank_.get(regs::kIrqEnable)) != 0); }

LayerDescriptor Accelerator::latch_descriptor() const {
  return decode_registers([this](std::uint32_t offset) { return bank_.get(offset); });
}

void Accelerator::controller() {
  const sc_core::sc_time cycle(config_.cycle_ns(), sc_core::SC_NS);
  for (;;) {
    sc_core::wait(start_);
    const LayerDescriptor d = latched_;
    layer.write(d.index);
    busy.write(true);
    LayerStats s;
    s.index = d.index;
    s.tile_out_channels = d.tile_out_channels;
    s.tile_rows = d.tile_rows;
    s.tile_in_channels = d.tile_in_channels;
    s.register_accesses = latched_accesses_;
    const auto start = sc_core::sc_time_stamp();
    const auto dma0 = dma.stats();
    const auto pe0 = pe_array.stats();
    const auto ppu0 = ppu.busy_cycles();
    const BufferCounts in0{input_buffer.reads(), input_buffer.writes()},
        w0{weight_buffer.reads(), weight_buffer.writes()}, out0{output_buffer.reads(), output_buffer.writes()};
    Fault fault{regs::ErrorCode::kNone, 0};
    try {
      run_layer(d, s);
    } catch (const Fault& f) {
      fault = f;
      dma.drain();
    } catch (const SramRangeError& e) {
      fault = {regs::ErrorCode::kBufferOverflow, e.offset};
      dma.drain();
    }
    dma.clear_fault();
    s.cycles = static_cast<std::uint64_t>((sc_core::sc_time_stamp() - start) / cycle + 0.5);
    s.compute_cycles = pe_array.stats().busy_cycles - pe0.busy_cycles;
    s.macs = pe_array.stats().macs - pe0.macs;
    s.passes = pe_array.stats().passes - pe0.passes;
    s.ppu_cycles = ppu.busy_cycles() - ppu0;
    s.dma_cycles = dma.stats().busy_cycles - dma0.busy_cycles;
    s.dram_read = dma.stats().dram_bytes_read - dma0.dram_bytes_read;
    s.dram_written = dma.stats().dram_bytes_written - dma0.dram_bytes_written;
    s.input_buffer = {input_buffer.reads() - in0.reads, input_buffer.writes() - in0.writes};
    s.weight_buffer = {weight_buffer.reads() - w0.reads, weight_buffer.writes() - w0.writes};
    s.output_buffer = {output_buffer.reads() - out0.reads, output_buffer.writes() - out0.writes};
    s.ok = fault.code == regs::ErrorCode::kNone;
    s.error = fault.code;
    bank_.set(regs::kCycles, static_cast<std::uint32_t>(std::min<std::uint64_t>(s.cycles, UINT32_MAX)));
    layer_stats_.push_back(s);
    if (static_cast<std::int64_t>(d.index) == hang_layer_) continue;  // injected: never finishes
    finish(fault);
  }
}

void Accelerator::check_dma() const {
  switch (dma.fault()) {
    case DmaFault::kNone:
      return;
    case DmaFault::kBusError:
      throw Fault{regs::ErrorCode::kDmaBusError, dma.fault_address()};
    case DmaFault::kSramRange:
      throw Fault{regs::ErrorCode::kBufferOverflow, dma.fault_address()};
  }
}

void Accelerator::run_layer(const LayerDescriptor& d, LayerStats& s) {
  const sc_core::sc_time cycle(config_.cycle_ns(), sc_core::SC_NS);
  if (!descriptor_problem(d).empty()) throw Fault{regs::ErrorCode::kBadDescriptor, 0};
  const BufferNeeds needs = buffer_needs(d);
  // Rejected before any transfer; ERROR_ADDR holds the bytes the first buffer that
  // overflows would need.
  if (2 * needs.input_half > input_buffer.size()) throw Fault{regs::ErrorCode::kBufferOverflow, 2 * needs.input_half};
  if (2 * needs.weight_half > weight_buffer.size()) throw Fault{regs::ErrorCode::kBufferOverflow, 2 * needs.weight_half};
  if (needs.output > output_buffer.size()) throw Fault{regs::ErrorCode::kBufferOverflow, needs.output};

  const std::uint32_t pad = d.padding(), k2 = d.kernel * d.kernel;
  const std::uint64_t plane = std::uint64_t{d.in_height} * d.in_width;
  const std::uint32_t result_h = d.result_height(), result_w = d.result_width();
  const std::size_t input_half = input_buffer.size() / 2, weight_half = weight_buffer.size() / 2;
  const std::size_t bias_at = std::size_t{d.tile_out_channels} * d.tile_in_channels * k2;
  const std::size_t result_at = 4 * std::size_t{d.tile_out_channels} * d.tile_rows * d.out_width();
  const std::size_t result_tile = (needs.output - result_at) / 2;
  const std::vector<Step> steps = plan_steps(d);

  // Queues the transfers of step i into buffer half h; returns the last ticket.
  auto load = [&](const Step& st, std::size_t h) {
    const std::uint32_t rows_in = st.y_n + 2 * pad;
    const std::int64_t y_first = static_cast<std::int64_t>(st.y) - pad;
    const std::uint32_t top = y_first < 0 ? static_cast<std::uint32_t>(-y_first) : 0;
    const std::uint32_t end = std::min<std::uint32_t>(d.in_height, st.y + st.y_n + pad);
    const std::uint32_t valid = end - static_cast<std::uint32_t>(y_first + top);
    const std::size_t base = h * input_half;
    const std::size_t channel_bytes = std::size_t{rows_in} * d.in_width;
    // Halo rows outside the image hold the zero point: the real value 0.
    if (top + valid < rows_in || top > 0) {
      for (std::uint32_t c = 0; c < st.c_n; ++c) {
        std::uint8_t* ch = input_buffer.span(base + c * channel_bytes, channel_bytes);
        std::memset(ch, static_cast<int>(d.in_zero_point), std::size_t{top} * d.in_width);
        std::memset(ch + std::size_t{top + valid} * d.in_width, static_cast<int>(d.in_zero_point),
                    std::size_t{rows_in - top - valid} * d.in_width);
      }
      input_buffer.note_writes(std::uint64_t{st.c_n} * (rows_in - valid) * d.in_width);
    }
    DmaRequest act;
    act.dram_addr = d.in_addr + st.c * plane + static_cast<std::uint64_t>(y_first + top) * d.in_width;
    act.dram_stride = plane;
    act.sram = &input_buffer;
    act.sram_offset = base + std::size_t{top} * d.in_width;
    act.sram_stride = channel_bytes;
    act.rows = st.c_n;
    act.row_bytes = valid * d.in_width;
    dma.submit(act);
    DmaRequest w;
    w.dram_addr = d.weight_addr + (std::uint64_t{st.oc} * d.in_channels + st.c) * k2;
    w.dram_stride = std::uint64_t{d.in_channels} * k2;
    w.sram = &weight_buffer;
    w.sram_offset = h * weight_half;
    w.rows = st.oc_n;
    w.row_bytes = st.c_n * k2;
    std::uint64_t ticket = dma.submit(w);
    if (st.first) {
      DmaRequest b;
      b.dram_addr = d.bias_addr + 4 * std::uint64_t{st.oc};
      b.sram = &weight_buffer;
      b.sram_offset = h * weight_half + bias_at;
      b.row_bytes = 4 * st.oc_n;
      ticket = dma.submit(b);
    }
    return ticket;
  };

  std::vector<std::uint64_t> store_tickets;
  std::uint64_t ready = load(steps[0], 0);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& st = steps[i];
    const auto waited = sc_core::sc_time_stamp();
    dma.wait_done(ready);
    s.stall_cycles += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - waited) / cycle + 0.5);
    check_dma();
    if (i + 1 < steps.size()) ready = load(steps[i + 1], (i + 1) % 2);

    PePass pass;
    pass.input_offset = (i % 2) * input_half;
    pass.in_channels = st.c_n;
    pass.rows_in = st.y_n + 2 * pad;
    pass.width = d.in_width;
    pass.in_zero_point = d.in_zero_point;
    pass.kernel = d.kernel;
    pass.weight_offset = (i % 2) * weight_half;
    pass.bias_offset = (i % 2) * weight_half + bias_at;
    pass.first_chunk = st.first;
    pass.out_channels = st.oc_n;
    pass.psum_offset = 0;
    // A chunk's weights are packed [oc_n][c_n][k][k]: the PE pass sees a full tile.
    pe_array.run(pass);
    if (!st.last) continue;

    // The result half must be free: its previous store has to have finished.
    const std::size_t tile = store_tickets.size();
    if (tile >= 2) {
      const auto before = sc_core::sc_time_stamp();
      dma.wait_done(store_tickets[tile - 2]);
      s.stall_cycles += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - before) / cycle + 0.5);
      check_dma();
    }
    PpuPass post;
    post.psum_offset = 0;
    post.channels = st.oc_n;
    post.rows = st.y_n;
    post.width = d.out_width();
    post.shift = d.shift;
    post.zero_point = d.out_zero_point;
    post.relu = d.relu();
    post.pool = d.pool();
    post.result_offset = result_at + (tile % 2) * result_tile;
    ppu.run(post);

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
    store_tickets.push_back(dma.submit(out));
    ++s.tiles;
  }
  const auto before = sc_core::sc_time_stamp();
  dma.drain();
  s.stall_cycles += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - before) / cycle + 0.5);
  check_dma();
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
  busy.write(false);
  update_irq();
}

}  // namespace qacc
