#include "tools/report.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "model/func/int8_network.h"
#include "model/io/binary.h"
#include "model/io/cifar.h"
#include "model/io/error.h"

namespace qacc {
namespace {

std::string class_name(int c) {
  return c >= 0 && c < kCifarClasses ? std::string(kCifarClassNames[static_cast<std::size_t>(c)]) : fmt::format("class {}", c);
}

double utilization(const SimulationInput& in, std::uint64_t macs, std::uint64_t cycles) {
  const double pes = static_cast<double>(in.config.pe_rows) * in.config.pe_cols;
  return cycles == 0 ? 0.0 : static_cast<double>(macs) / (pes * static_cast<double>(cycles));
}

timing::Energy layer_energy(const SimulationInput& in, const LayerStats& l) { return timing::energy(in.config, activity(l)); }

nlohmann::json energy_json(const timing::Energy& e) {
  return {{"mac", e.mac_pj}, {"sram", e.sram_pj}, {"dram", e.dram_pj}, {"registers", e.register_pj}, {"total", e.total_pj()}};
}

std::string kib(std::uint64_t bytes) { return fmt::format("{:.1f}", static_cast<double>(bytes) / 1024.0); }

}  // namespace

timing::Activity activity(const LayerStats& l) {
  return {l.macs,
          l.input_buffer.reads + l.input_buffer.writes + l.weight_buffer.reads + l.weight_buffer.writes +
              l.output_buffer.reads + l.output_buffer.writes,
          l.dram_read + l.dram_written, l.register_accesses};
}

Totals totals(const SimulationInput& in, std::size_t /*image*/, const ImageResult& r) {
  Totals t;
  for (const auto& l : r.layers) {
    const timing::Activity a = activity(l);
    t.sram_bytes += a.sram_bytes;
    t.register_accesses += a.register_accesses;
    t.energy += timing::energy(in.config, a);
    t.cycles += l.cycles;
    t.dma_cycles += l.dma_cycles;
    t.compute_cycles += l.compute_cycles;
    t.stall_cycles += l.stall_cycles;
    t.macs += l.macs;
    t.dram_read += l.dram_read;
    t.dram_written += l.dram_written;
  }
  t.utilization = utilization(in, t.macs, t.cycles);
  t.latency_us = static_cast<double>(r.cycles) * in.config.cycle_ns() / 1000.0;
  t.area_mm2 = timing::area_mm2(in.config);
  return t;
}

void print_report(const SimulationInput& in, std::size_t image, const ImageResult& r) {
  const auto logits = func::dequantize_logits(in.model, r.inference.logits);
  std::vector<int> order(logits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return logits[static_cast<std::size_t>(a)] > logits[static_cast<std::size_t>(b)];
  });
  const auto& label = in.images.at(image).label;
  fmt::print("prediction: {}", class_name(r.inference.predicted));
  if (label) fmt::print(" (label {}: {})", class_name(*label), *label == r.inference.predicted ? "correct" : "WRONG");
  fmt::print("\ntop-5:");
  for (std::size_t i = 0; i < std::min<std::size_t>(5, order.size()); ++i)
    fmt::print("  {} {:.4f}", class_name(order[i]), logits[static_cast<std::size_t>(order[i])]);
  fmt::print("\n\n");

  fmt::print("{:<6} {:>10} {:>10} {:>9} {:>11} {:>6} {:>9} {:>9} {:>17} {:>17} {:>17} {:>11} {:>10}\n", "layer",
             "cycles", "compute", "stall", "MACs", "util", "DRAM rd", "DRAM wr", "in-buf rd/wr KiB", "w-buf rd/wr KiB",
             "out-buf rd/wr KiB", "tile o/r/i", "energy nJ");
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    const std::string name = i < in.model.layers.size() ? in.model.layers[i].name : fmt::format("#{}", l.index);
    fmt::print("{:<6} {:>10} {:>10} {:>9} {:>11} {:>5.1f}% {:>9} {:>9} {:>17} {:>17} {:>17} {:>11} {:>10.1f}\n", name, l.cycles,
               l.compute_cycles, l.stall_cycles, l.macs, 100 * utilization(in, l.macs, l.cycles), l.dram_read,
               l.dram_written, kib(l.input_buffer.reads) + "/" + kib(l.input_buffer.writes),
               kib(l.weight_buffer.reads) + "/" + kib(l.weight_buffer.writes),
               kib(l.output_buffer.reads) + "/" + kib(l.output_buffer.writes),
               fmt::format("{}/{}/{}", l.tile_out_channels, l.tile_rows, l.tile_in_channels),
               layer_energy(in, l).total_pj() / 1000);
  }
  const Totals t = totals(in, image, r);
  fmt::print("{:<6} {:>10} {:>10} {:>9} {:>11} {:>5.1f}% {:>9} {:>9}\n", "total", t.cycles, t.compute_cycles,
             t.stall_cycles, t.macs, 100 * t.utilization, t.dram_read, t.dram_written);
  fmt::print("\nlatency: {} cycles = {:.2f} us at {} MHz (accelerator busy {} cycles; host firmware the rest)\n",
             r.cycles, t.latency_us, in.config.clock_mhz, t.cycles);
  fmt::print("energy: {:.2f} uJ (MAC {:.2f}, SRAM {:.2f}, DRAM {:.2f}, registers {:.4f}); area proxy {:.3f} mm2\n",
             t.energy.total_pj() * 1e-6, t.energy.mac_pj * 1e-6, t.energy.sram_pj * 1e-6, t.energy.dram_pj * 1e-6,
             t.energy.register_pj * 1e-6, t.area_mm2);
}

nlohmann::json stats_json(const SimulationInput& in, std::size_t image, const ImageResult& r) {
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [key, value] : describe(in.config)) config[key] = value;
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    layers.push_back({{"name", i < in.model.layers.size() ? in.model.layers[i].name : ""},
                      {"cycles", l.cycles},
                      {"compute_cycles", l.compute_cycles},
                      {"stall_cycles", l.stall_cycles},
                      {"ppu_cycles", l.ppu_cycles},
                      {"dma_cycles", l.dma_cycles},
                      {"macs", l.macs},
                      {"pe_utilization", utilization(in, l.macs, l.cycles)},
                      {"dram_bytes_read", l.dram_read},
                      {"dram_bytes_written", l.dram_written},
                      {"register_accesses", l.register_accesses},
                      {"energy_pj", energy_json(layer_energy(in, l))},
                      {"input_buffer", {{"reads", l.input_buffer.reads}, {"writes", l.input_buffer.writes}}},
                      {"weight_buffer", {{"reads", l.weight_buffer.reads}, {"writes", l.weight_buffer.writes}}},
                      {"output_buffer", {{"reads", l.output_buffer.reads}, {"writes", l.output_buffer.writes}}},
                      {"tiles", l.tiles},
                      {"passes", l.passes},
                      {"tile", {l.tile_out_channels, l.tile_rows, l.tile_in_channels}}});
  }
  const Totals t = totals(in, image, r);
  const auto& label = in.images.at(image).label;
  return {{"model", in.model_path.string()},
          {"label", label ? nlohmann::json(*label) : nlohmann::json(nullptr)},
          {"predicted", r.inference.predicted},
          {"predicted_class", class_name(r.inference.predicted)},
          {"logits_q", r.inference.logits},
          {"logits", func::dequantize_logits(in.model, r.inference.logits)},
          {"config", config},
          {"layers", layers},
          {"total",
           {{"cycles", r.cycles},
            {"accelerator_cycles", t.cycles},
            {"compute_cycles", t.compute_cycles},
            {"stall_cycles", t.stall_cycles},
            {"dma_cycles", t.dma_cycles},
            {"macs", t.macs},
            {"pe_utilization", t.utilization},
            {"dram_bytes_read", t.dram_read},
            {"dram_bytes_written", t.dram_written},
            {"sram_bytes", t.sram_bytes},
            {"register_accesses", t.register_accesses},
            {"energy_pj", energy_json(t.energy)},
            {"area_mm2", t.area_mm2},
            {"latency_us", t.latency_us}}}};
}

void write_stats_json(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r) {
  const std::string text = stats_json(in, image, r).dump(2) + "\n";
  write_file_atomic(path, text);
}

void write_stats_csv(const std::filesystem::path& path, const SimulationInput& in, std::size_t /*image*/, const ImageResult& r) {
  std::string text =
      "layer,cycles,compute_cycles,stall_cycles,ppu_cycles,dma_cycles,macs,pe_utilization,dram_bytes_read,"
      "dram_bytes_written,input_buffer_reads,input_buffer_writes,weight_buffer_reads,weight_buffer_writes,"
      "output_buffer_reads,output_buffer_writes,register_accesses,energy_pj\n";
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    text += fmt::format("{},{},{},{},{},{},{},{:.6f},{},{},{},{},{},{},{},{},{},{:.1f}\n",
                        i < in.model.layers.size() ? in.model.layers[i].name : "", l.cycles, l.compute_cycles,
                        l.stall_cycles, l.ppu_cycles, l.dma_cycles, l.macs, utilization(in, l.macs, l.cycles),
                        l.dram_read, l.dram_written, l.input_buffer.reads, l.input_buffer.writes,
                        l.weight_buffer.reads, l.weight_buffer.writes, l.output_buffer.reads, l.output_buffer.writes,
                        l.register_accesses, layer_energy(in, l).total_pj());
  }
  write_file_atomic(path, text);
}

const ReferenceImage& reference_for(const ReferenceSet& golden, const std::vector<std::uint8_t>& pixels) {
  const auto match = std::find_if(golden.images.begin(), golden.images.end(),
                                  [&](const ReferenceImage& g) { return g.pixels == pixels; });
  if (match == golden.images.end())
    fail("no golden reference holds this image ({} images in the file); make one with `vgglite reference --out FILE IMAGE`",
         golden.images.size());
  return *match;
}

std::string check_against(const ReferenceSet& golden, const SimImage& image, const ImageResult& r) {
  const ReferenceImage* match = &reference_for(golden, image.pixels);
  if (match->input != r.input) return "the quantised input differs from LibTorch's";
  if (golden.layers.size() != r.outputs.size())
    return fmt::format("{} layers run, the reference has {}", r.outputs.size(), golden.layers.size());
  for (std::size_t l = 0; l < golden.layers.size(); ++l) {
    const auto& want = match->outputs[l];
    const auto& got = r.outputs[l];
    const auto& shape = golden.layers[l];
    if (want.size() != got.size()) return fmt::format("layer {}: {} values, reference has {}", shape.name, got.size(), want.size());
    const auto diff = std::mismatch(got.begin(), got.end(), want.begin());
    if (diff.first == got.end()) continue;
    const std::size_t at = static_cast<std::size_t>(diff.first - got.begin());
    const std::size_t plane = static_cast<std::size_t>(shape.height) * shape.width;
    return fmt::format("first divergence at layer {} ({}), channel {}, position y={} x={}: simulator {} LibTorch {}", l,
                       shape.name, at / plane, (at % plane) / shape.width, at % shape.width, *diff.first, *diff.second);
  }
  return "";
}

}  // namespace qacc
