#include "sw/firmware.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/error.h"
#include "contract/memory_map.h"
#include "contract/registers.h"
#include "model/func/int8_network.h"
#include "model/io/model_file.h"

namespace qacc::sw {
namespace {

namespace mm = qacc::memory_map;
using namespace qacc::regs;

std::uint32_t reg(Hal& hal, std::uint32_t offset) { return hal.read32(mm::kAccelBase + offset); }
void set_reg(Hal& hal, std::uint32_t offset, std::uint32_t value) { hal.write32(mm::kAccelBase + offset, value); }

const char* error_name(std::uint32_t code) {
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::kNone: return "no error";
    case ErrorCode::kDmaBusError: return "DMA bus error";
    case ErrorCode::kBadDescriptor: return "bad layer descriptor";
    case ErrorCode::kBufferOverflow: return "tile overflows an on-chip buffer";
  }
  return "unknown error";
}

// The DMA's address registers are 32 bits wide.
void check_addr32(std::uint64_t addr, const std::string& what) {
  if (addr > UINT32_MAX) throw FirmwareError(fmt::format("{} at {:#x} is beyond the 32-bit DMA address range", what, addr));
}

QuantModel read_model(Hal& hal, std::uint64_t addr, std::uint32_t bytes) {
  std::vector<std::uint8_t> head(kModelHeaderBytes);
  if (bytes < kModelHeaderBytes) throw FirmwareError(fmt::format("model of {} bytes is too short", bytes));
  hal.read(addr, head.data(), head.size());
  try {
    head.resize(model_table_bytes(head.data(), head.size(), "model in DRAM"));
    hal.read(addr, head.data(), head.size());
    return decode_model_structure(head.data(), head.size(), bytes, "model in DRAM");
  } catch (const Error& e) {
    throw FirmwareError(e.what());
  }
}

void program(Hal& hal, const LayerDescriptor& d) {
  check_addr32(d.in_addr, "input");
  check_addr32(d.weight_addr, "weights");
  check_addr32(d.bias_addr, "bias");
  check_addr32(d.out_addr, "output");
  for (const auto& r : encode_registers(d)) set_reg(hal, r.offset, r.value);
}

}  // namespace

std::uint64_t watchdog_cycles(const LayerDescriptor& d, const HardwareInfo& hw) {
  const std::uint64_t array = std::uint64_t{hw.pe_rows} * hw.pe_cols;
  // Each step's transfers also pay their DRAM latency, whatever their size: tiny tiles
  // on a DRAM that opens a row per transfer take ~100 cycles a step beyond the bytes.
  const auto tiles = [](std::uint32_t total, std::uint32_t size) { return (std::uint64_t{total} + size - 1) / size; };
  const std::uint64_t steps = tiles(d.out_channels, d.tile_out_channels) * tiles(d.out_height(), d.tile_rows) *
                              tiles(d.in_channels, d.tile_in_channels);
  return 64 * (d.macs() / array + estimated_dram_bytes(d)) + 1024 * steps + 1'000'000;
}

Firmware::Firmware(Hal& hal) : hal_(hal) {
  hal.phase("boot");
  if (hal.read32(mm::kBootInfo + mm::kBootMagic) != mm::kBootMagicValue)
    throw FirmwareError("no boot information in DRAM (bad magic)");
  model_addr_ = hal.read32(mm::kBootInfo + mm::kBootModelAddr);
  const std::uint32_t model_bytes = hal.read32(mm::kBootInfo + mm::kBootModelBytes);
  image_addr_ = hal.read32(mm::kBootInfo + mm::kBootImageAddr);
  image_bytes_ = hal.read32(mm::kBootInfo + mm::kBootImageBytes);
  image_count_ = hal.read32(mm::kBootInfo + mm::kBootImageCount);
  heap_addr_ = hal.read32(mm::kBootInfo + mm::kBootHeapAddr);
  heap_bytes_ = hal.read32(mm::kBootInfo + mm::kBootHeapBytes);
  const std::uint32_t plan_count = hal.read32(mm::kBootInfo + mm::kBootPlanCount);
  if (plan_count > mm::kBootPlanMaxEntries)
    throw FirmwareError(fmt::format("boot information names {} tile plan entries, the boot page holds {}", plan_count,
                                    mm::kBootPlanMaxEntries));
  if (plan_count > 0) {
    constexpr std::uint32_t n = mm::kBootPlanWords;
    std::vector<std::uint32_t> words(std::size_t{plan_count} * n);
    hal.read(mm::kBootPlan, words.data(), words.size() * sizeof(std::uint32_t));
    for (std::uint32_t i = 0; i < plan_count; ++i)
      host_plan_.push_back({words[n * i], words[n * i + 1], words[n * i + 2], 0, words[n * i + 3]});
  }

  if (reg(hal, kId) != kIdValue) throw FirmwareError("no accelerator at its address (bad ID register)");
  hw_ = {reg(hal, kPeRows), reg(hal, kPeCols), reg(hal, kInputBufBytes), reg(hal, kWeightBufBytes),
         reg(hal, kOutputBufBytes)};
  model_ = read_model(hal, model_addr_, model_bytes);
  const std::size_t pixels = static_cast<std::size_t>(model_.input_channels) * model_.input_height * model_.input_width;
  if (image_bytes_ != pixels)
    throw FirmwareError(fmt::format("images of {} bytes, the model expects {}", image_bytes_, pixels));
  overlap_ = (reg(hal, kFeatures) & kFeatureLayerOverlap) != 0;
  set_reg(hal, kIrqEnable, kIrqDone | kIrqError);
  hal.phase("");
}

InferenceResult Firmware::infer(std::size_t index) {
  Hal& hal = hal_;
  const QuantModel& model = model_;
  const HardwareInfo& hw = hw_;
  if (index >= image_count_) throw FirmwareError(fmt::format("image {} of {}", index, image_count_));
  // Every inference reuses the same activation buffers.
  DramHeap heap(heap_addr_, heap_bytes_);
  const std::uint64_t model_addr = model_addr_;

  // The host's one piece of arithmetic: quantising the input image.
  std::vector<std::uint8_t> image(image_bytes_);
  hal.phase(fmt::format("image {}: input", index));
  hal.read(image_addr_ + index * image_bytes_, image.data(), image.size());
  const std::vector<std::uint8_t> input = func::quantize_input(model, image.data());
  InferenceResult result;
  result.input_addr = heap.allocate(input.size());
  hal.write(result.input_addr, input.data(), input.size());

  // Every layer's descriptor first (the planning takes no simulated time), so that
  // with layer overlap the next one can be programmed while one runs.
  std::uint64_t in_addr = result.input_addr;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const QuantLayer& l = model.layers[i];
    // The accelerator computes stride-1 "same" convolutions only.
    if (l.type == LayerType::kConv2d && (l.stride != 1 || l.padding != l.kernel / 2))
      throw FirmwareError(fmt::format("layer {} ({}): kernel {} with padding {} and stride {} is not supported "
                                      "(the accelerator does stride 1, padding kernel/2)",
                                      i, l.name, l.kernel, l.padding, l.stride));
    LayerDescriptor d = layer_shape(l, static_cast<std::uint32_t>(i));
    d.in_addr = in_addr;
    d.weight_addr = model_addr + l.weight_file_offset;
    d.bias_addr = model_addr + l.bias_file_offset;
    d.out_addr = heap.allocate(d.result_bytes());
    std::optional<TilePlan> plan;
    if (i < host_plan_.size() && host_plan_[i].out_channels != 0) {
      // The host's choice, checked as the accelerator would check it.
      plan = host_plan_[i];
      LayerDescriptor tiled = d;
      tiled.tile_out_channels = plan->out_channels;
      tiled.tile_rows = plan->rows;
      tiled.tile_in_channels = plan->in_channels;
      tiled.flags |= plan->layout_flags;
      const std::string problem = (plan->layout_flags & ~kLayoutFlags) != 0
                                      ? fmt::format("with unknown layout flags {:#x}", plan->layout_flags & ~kLayoutFlags)
                                      : descriptor_problem(tiled);
      if (!problem.empty() || !fits(buffer_needs(tiled), {hw.input_buffer, hw.weight_buffer, hw.output_buffer}))
        throw FirmwareError(fmt::format("layer {} ({}): the host's tiles {}/{}/{} {}", i, l.name, plan->out_channels,
                                        plan->rows, plan->in_channels, problem.empty() ? "do not fit the buffers" : problem));
    } else {
      plan = plan_tiles(d, hw);
    }
    if (!plan)
      throw FirmwareError(fmt::format("layer {} ({}): no tiling fits the buffers (input {} B, weight {} B, output {} B)",
                                      i, l.name, hw.input_buffer, hw.weight_buffer, hw.output_buffer));
    d.tile_out_channels = plan->out_channels;
    d.tile_rows = plan->rows;
    d.tile_in_channels = plan->in_channels;
    d.flags |= plan->layout_flags;
    result.layers.push_back({l.name, d, watchdog_cycles(d, hw)});
    in_addr = d.out_addr;
  }

  const auto start = [&](std::size_t i) {
    hal.phase(fmt::format("program {}", result.layers[i].name));
    program(hal, result.layers[i].descriptor);
    set_reg(hal, kCtrl, kCtrlStart);
  };
  const auto wait = [&](std::size_t i) {
    hal.phase(fmt::format("wait {}", result.layers[i].name));
    if (!hal.wait_irq(result.layers[i].timeout_cycles))
      throw FirmwareError(fmt::format("accelerator hang at layer {} ({})", i, result.layers[i].name));
  };
  // The outcome of the layer that finished last: acknowledged, and thrown if it failed.
  const auto check = [&](std::size_t i) {
    hal.phase(fmt::format("check {}", result.layers[i].name));
    const std::uint32_t irq = reg(hal, kIrqStatus);
    const std::uint32_t status = reg(hal, kStatus);
    set_reg(hal, kIrqStatus, irq);  // write one to clear
    if ((status & kStatusError) != 0 || (irq & kIrqError) != 0)
      throw FirmwareError(fmt::format("layer {} ({}) failed: {} (address {:#x})", i, result.layers[i].name,
                                      error_name(reg(hal, kErrorCode)), reg(hal, kErrorAddr)));
  };
  if (!overlap_) {
    for (std::size_t i = 0; i < result.layers.size(); ++i) {
      start(i);
      wait(i);
      check(i);
    }
  } else {
    // Layer i + 1 is queued behind layer i. Layer i is done when DONE_COUNT has counted
    // it; if i + 1 has finished too, i succeeded (a failure drops the queued layer) and
    // the interrupt is i + 1's to acknowledge: acknowledging it now could clear both.
    const std::uint32_t done_before = reg(hal, kDoneCount);
    start(0);
    for (std::size_t i = 0; i < result.layers.size(); ++i) {
      if (i + 1 < result.layers.size()) {
        try {
          start(i + 1);
        } catch (const BusError&) {
          // START refused: layer i has failed, which check(i) reports.
        }
      }
      const auto done = static_cast<std::uint32_t>(done_before + i + 1);
      hal.phase(fmt::format("wait {}", result.layers[i].name));
      std::uint32_t count = reg(hal, kDoneCount);
      while (static_cast<std::int32_t>(count - done) < 0) {
        wait(i);
        count = reg(hal, kDoneCount);
      }
      if (count == done) check(i);
    }
  }

  const LayerDescriptor& last = result.layers.back().descriptor;
  result.logits.resize(last.result_bytes());
  hal.phase(fmt::format("image {}: logits", index));
  hal.read(last.out_addr, result.logits.data(), result.logits.size());
  hal.phase("");
  result.predicted = static_cast<int>(std::max_element(result.logits.begin(), result.logits.end()) - result.logits.begin());
  return result;
}

}  // namespace qacc::sw
