#include "model/platform/platform.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <string_view>

#include "base/binary.h"
#include "base/error.h"
#include "contract/memory_map.h"
#include "model/sim/clock.h"
#include "model/sim/log.h"

namespace qacc {

namespace mm = memory_map;

Platform::Platform(sc_core::sc_module_name name, const ArchConfig& config, Cpu::Program firmware)
    : sc_module(name),
      cpu("cpu", config, std::move(firmware)),
      bus("bus", {{"dram", mm::kDramBase, config.dram_bytes}, {"accelerator", mm::kAccelBase, mm::kAccelSize}}),
      dram("dram", config),
      accelerator("accelerator", config),
      irq("irq"),
      layer_name("layer_name"),
      loader("loader"),
      config_(config) {
  cpu.bus.bind(bus.in);
  accelerator.dma.out.bind(bus.in);
  loader.bind(bus.in);
  // In the order of the address map given to the bus above.
  bus.out.bind(dram.in);
  accelerator.dma.set_burst_boundary(dram.burst_boundary());
  // The DMA is the DRAM's one initiator of timed transactions (the CPU and the loader
  // use b_transport, DMI and debug access), as run_ahead requires.
  accelerator.dma.set_run_ahead([this](const sc_core::sc_time& t) { return dram.run_ahead(t); });
  accelerator.count_dram([this] { return dram.stats(); });
  bus.out.bind(accelerator.in);
  accelerator.irq.bind(irq);
  cpu.irq.bind(irq);
  SC_HAS_PROCESS(Platform);
  // Also at time 0: `layer` starts at 0 and does not change when layer 0 starts.
  SC_METHOD(update_layer_name);
  sensitive << accelerator.layer;
}

void Platform::update_layer_name() {
  const std::uint32_t i = accelerator.layer.read();
  layer_name.write(trace_text(i < layer_names_.size() ? layer_names_[i] : fmt::format("layer {}", i)));
}

namespace {

// SystemC stamps the wall-clock date into the VCD header: it is left out, so the same
// run gives the same bytes, and `comment` (the run's manifest) put in after it.
void finish_vcd_header(const std::filesystem::path& file, const std::string& comment) {
  const std::vector<std::uint8_t> bytes = read_file(file, std::size_t{1} << 34);
  std::string text(bytes.begin(), bytes.end());
  const auto end = text.find("\n$end\n");
  if (text.rfind("$date\n", 0) != 0 || end == std::string::npos) return;
  text.replace(0, end + 6, fmt::format("$date\n    (omitted: reproducible)\n$end\n$comment\n    {}\n$end\n", comment));
  write_file_atomic(file, text);
}

}  // namespace

Platform::~Platform() {
  if (trace_ == nullptr) return;
  sc_core::sc_close_vcd_trace_file(trace_);
  // Written last: the zoom that fits the whole run needs its end.
  try {
    finish_vcd_header(vcd_file_, vcd_comment_);
    write_gtkw();
  } catch (const std::exception& e) {
    log::warning(*this, "{}", e.what());
  }
}

std::uint8_t* Platform::dmi(std::uint64_t addr, std::size_t bytes) {
  tlm::tlm_generic_payload t;
  tlm::tlm_dmi region;
  t.set_address(addr);
  t.set_command(tlm::TLM_WRITE_COMMAND);
  if (!loader->get_direct_mem_ptr(t, region) || addr < region.get_start_address() ||
      addr + bytes - 1 > region.get_end_address())
    fail("loader: no direct access to [{:#x}, {:#x})", addr, addr + bytes);
  return region.get_dmi_ptr() + (addr - region.get_start_address());
}

void Platform::write_memory(std::uint64_t addr, const void* data, std::size_t bytes) {
  if (bytes > 0) std::memcpy(dmi(addr, bytes), data, bytes);
}

void Platform::read_memory(std::uint64_t addr, void* data, std::size_t bytes) {
  if (bytes > 0) std::memcpy(data, dmi(addr, bytes), bytes);
}

void Platform::load(std::vector<std::uint8_t> model_file, std::vector<std::vector<std::uint8_t>> images,
                    std::vector<TilePlanEntry> plan) {
  if (plan.size() > mm::kBootPlanMaxEntries)
    fail("loader: a tile plan of {} layers, the boot page holds {}", plan.size(), mm::kBootPlanMaxEntries);
  const std::uint64_t image_bytes = images.empty() ? 0 : images.front().size();
  for (const auto& image : images)
    if (image.size() != image_bytes) fail("loader: images of different sizes ({} and {} bytes)", image_bytes, image.size());
  const mm::DramLayout layout = mm::dram_layout(model_file.size(), image_bytes, images.size());
  if (layout.needed > config_.dram_bytes)
    fail("config key dram_bytes: {} bytes cannot hold the model ({} bytes), {} images and the {}-byte heap reserve: "
         "they need {} bytes", config_.dram_bytes, model_file.size(), images.size(), mm::kHeapReserve, layout.needed);
  model_file_ = std::move(model_file);
  images_ = std::move(images);
  plan_ = std::move(plan);
}

void Platform::start_of_simulation() {
  const std::uint64_t image_bytes = images_.empty() ? 0 : images_.front().size();
  const mm::DramLayout layout = mm::dram_layout(model_file_.size(), image_bytes, images_.size());
  const std::uint64_t first_image = layout.first_image, heap = layout.heap;
  write_memory(mm::kModel, model_file_.data(), model_file_.size());
  for (std::size_t i = 0; i < images_.size(); ++i)
    write_memory(first_image + i * image_bytes, images_[i].data(), image_bytes);
  const std::pair<std::uint32_t, std::uint64_t> boot[] = {
      {mm::kBootMagic, mm::kBootMagicValue}, {mm::kBootModelAddr, mm::kModel},
      {mm::kBootModelBytes, model_file_.size()}, {mm::kBootImageAddr, first_image},
      {mm::kBootImageBytes, image_bytes},    {mm::kBootImageCount, images_.size()},
      {mm::kBootHeapAddr, heap},             {mm::kBootHeapBytes, config_.dram_bytes - heap},
      {mm::kBootPlanCount, plan_.size()}};
  for (const auto& [offset, value] : boot) {
    const auto word = static_cast<std::uint32_t>(value);
    write_memory(mm::kBootInfo + offset, &word, sizeof word);
  }
  for (std::size_t i = 0; i < plan_.size(); ++i)
    write_memory(mm::kBootPlan + i * mm::kBootPlanEntryBytes, plan_[i].data(), mm::kBootPlanEntryBytes);
}

namespace {

// GTKWave's trace flags (its TR_* bits): right-justified binary, decimal, ASCII; a
// blank row that opens or closes a group.
constexpr const char* kGtkwBinary = "@28";
constexpr const char* kGtkwDecimal = "@24";
constexpr const char* kGtkwAscii = "@820";
constexpr const char* kGtkwGroupBegin = "@800200";
constexpr const char* kGtkwGroupEnd = "@1000200";

struct TracedSignal {
  const char* group;
  const char* name;
  const char* format;
  int width;  // bits, for the [msb:0] GTKWave appends to vectors
};

// What Platform::trace records, in the order the .gtkw shows it.
constexpr TracedSignal kTraced[] = {
    {"layer", "layer_name", kGtkwAscii, 8 * kTraceTextChars},
    {"layer", "layer", kGtkwDecimal, 32},
    {"layer", "accelerator_busy", kGtkwBinary, 1},
    {"layer", "irq", kGtkwBinary, 1},
    {"controller", "stall", kGtkwAscii, 8 * kTraceTextChars},
    {"dma", "dma_load_busy", kGtkwBinary, 1},
    {"dma", "dma_store_busy", kGtkwBinary, 1},
    {"dma", "dma_buffer", kGtkwAscii, 8 * kTraceTextChars},
    {"dma", "dma_bytes_in_flight", kGtkwDecimal, 32},
    {"dma", "dma_outstanding", kGtkwDecimal, 32},
    {"compute", "pe_array_busy", kGtkwBinary, 1},
    {"compute", "ppu_busy", kGtkwBinary, 1},
};

}  // namespace

void Platform::record(Timeline& timeline) {
  // Tracks appear in the order of first use: from the layers down to the memory.
  timeline.track("Layers");
  timeline.track("CPU");
  cpu.record(&timeline);
  accelerator.record(&timeline, layer_names_);
  if (timeline.shows(Timeline::Detail::kBurst)) {
    dram.record(&timeline);
  }
}

void Platform::trace(const std::filesystem::path& vcd, bool with_clock, std::string comment) {
  vcd_comment_ = std::move(comment);
  // SystemC does not report a VCD it cannot open; find out before it matters.
  const std::filesystem::path file = vcd.string() + ".vcd";
  if (!std::ofstream(file)) fail("{}: cannot write the VCD trace", file.string());
  vcd_file_ = file;
  trace_ = sc_core::sc_create_vcd_trace_file(vcd.string().c_str());
  trace_->set_time_unit(1, sc_core::SC_PS);  // the kernel's resolution
  if (with_clock) {
    clock_ = std::make_unique<sc_core::sc_clock>("clock", Clock(config_.cycle_ns()).period());
    sc_core::sc_trace(trace_, *clock_, "clock");
  }
  sc_core::sc_trace(trace_, layer_name, "layer_name");
  sc_core::sc_trace(trace_, accelerator.layer, "layer");
  sc_core::sc_trace(trace_, accelerator.busy, "accelerator_busy");
  sc_core::sc_trace(trace_, irq, "irq");
  sc_core::sc_trace(trace_, accelerator.stall, "stall");
  accelerator.dma.trace_signals();
  sc_core::sc_trace(trace_, accelerator.dma.load_busy, "dma_load_busy");
  sc_core::sc_trace(trace_, accelerator.dma.store_busy, "dma_store_busy");
  sc_core::sc_trace(trace_, accelerator.dma.buffer, "dma_buffer");
  sc_core::sc_trace(trace_, accelerator.dma.bytes_in_flight, "dma_bytes_in_flight");
  sc_core::sc_trace(trace_, accelerator.dma.outstanding, "dma_outstanding");
  sc_core::sc_trace(trace_, accelerator.pe_array.busy, "pe_array_busy");
  sc_core::sc_trace(trace_, accelerator.ppu.busy, "ppu_busy");
  gtkw_file_ = vcd.string() + ".gtkw";
  traced_clock_ = with_clock;
}

void Platform::write_gtkw() const {
  // The whole run across the waveform pane of the window size below. GTKWave's zoom
  // z shows 2^(-z - kGtkwZoomOffset) ps per pixel; the offset was measured with
  // GTKWave 3.3.118 (Debian 12) on this file: z = -28.4 showed 1.54 ms on 870 pixels.
  constexpr double kWavePanePixels = 820, kGtkwZoomOffset = 7.65;
  const double end_ps = std::max(1.0, sc_core::sc_time_stamp().to_seconds() * 1e12);
  std::string text = fmt::format(
      "[dumpfile] \"{}\"\n[timestart] 0\n[size] 1400 700\n[signals_width] 220\n*{:.6f} 0\n",
      std::filesystem::absolute(vcd_file_).string(), -(std::log2(end_ps / kWavePanePixels) + kGtkwZoomOffset));
  // SystemC puts every traced signal in the top scope "SystemC".
  const auto row = [](const char* format, const std::string& name, int width) {
    return fmt::format("{}\nSystemC.{}{}\n", format, name, width > 1 ? fmt::format("[{}:0]", width - 1) : "");
  };
  if (traced_clock_) text += row(kGtkwBinary, "clock", 1);
  const char* open = nullptr;
  for (const auto& s : kTraced) {
    if (open == nullptr || std::string_view(open) != s.group) {
      if (open != nullptr) text += fmt::format("{}\n-{}\n", kGtkwGroupEnd, open);
      text += fmt::format("{}\n-{}\n", kGtkwGroupBegin, s.group);
      open = s.group;
    }
    text += row(s.format, s.name, s.width);
  }
  if (open != nullptr) text += fmt::format("{}\n-{}\n", kGtkwGroupEnd, open);
  write_file_atomic(gtkw_file_, text);
}

}  // namespace qacc
