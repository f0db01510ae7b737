#include "tools/stats_table.h"

#include <algorithm>

#include <fmt/format.h>

namespace qacc::stats {
namespace {

timing::Energy energy_of(const ArchConfig& config, const LayerStats& l) {
  timing::Activity a{l.macs, l.sram_bytes(), l.dram_read + l.dram_written, l.register_accesses, std::nullopt};
  if (config.dram_model == DramModel::kBanked) a.dram_pj = static_cast<double>(l.dram_energy_pj);
  return timing::energy(config, a);
}

// MACs over what every PE could have done in the cycles.
double utilization(const Row& r) {
  const double pes = static_cast<double>(r.config->pe_rows) * r.config->pe_cols;
  return r.stats.cycles == 0 ? 0.0 : static_cast<double>(r.stats.macs) / (pes * static_cast<double>(r.stats.cycles));
}

template <std::uint64_t Counters::*member>
Value counter(const Row& r) {
  return r.stats.*member;
}

// numerator / denominator, 0 when there is nothing to divide by.
template <std::uint64_t Counters::*numerator, std::uint64_t Counters::*denominator>
Value ratio(const Row& r) {
  const std::uint64_t d = r.stats.*denominator;
  return d == 0 ? 0.0 : static_cast<double>(r.stats.*numerator) / static_cast<double>(d);
}

}  // namespace

Row layer_row(const ArchConfig& config, const LayerStats& layer) { return {&config, layer, energy_of(config, layer)}; }

Row total_row(const ArchConfig& config, const std::vector<LayerStats>& layers) {
  Row t{&config, {}, {}};
  for (const auto& l : layers) {
    static_cast<Counters&>(t.stats) = t.stats + l;
    t.stats.cycles += l.cycles;
    t.stats.dma_latency_p99 = std::max(t.stats.dma_latency_p99, l.dma_latency_p99);
    t.energy += energy_of(config, l);
  }
  return t;
}

const std::vector<Column>& columns() {
  constexpr unsigned kEverywhere = kLayerJson | kLayerCsv | kTotal | kTerminal;
  constexpr unsigned kLayer = kLayerJson | kLayerCsv;
  // In the order of the CSV files.
  static const std::vector<Column> table = {
      {"cycles", "cycles", "START to interrupt (totals: the layers' sum)", kEverywhere, 0,
       [](const Row& r) -> Value { return r.stats.cycles; }, "accelerator_cycles", "cycles"},
      {"compute_cycles", "cycles", "PE array busy", kEverywhere, 0, counter<&Counters::compute_cycles>, "", "compute"},
      {"ppu_cycles", "cycles", "post-processing busy", kEverywhere, 0, counter<&Counters::ppu_cycles>, "", "ppu"},
      // compute + ppu + the five stalls = cycles: the controller is always doing one.
      {"stall_load_cycles", "cycles", "waiting for a step's loads", kEverywhere, 0,
       counter<&Counters::stall_load_cycles>, "", "st-load"},
      {"stall_staging_cycles", "cycles", "waiting for a result half's store", kEverywhere, 0,
       counter<&Counters::stall_staging_cycles>, "", "st-stage"},
      {"stall_drain_cycles", "cycles", "waiting for the layer's last stores", kEverywhere, 0,
       counter<&Counters::stall_drain_cycles>, "", "st-drain"},
      {"stall_sram_bandwidth_cycles", "cycles", "PE array or PPU waiting for buffer ports: its own bytes",
       kEverywhere, 0, counter<&Counters::stall_sram_bandwidth_cycles>, "", "st-sram"},
      {"stall_sram_conflict_cycles", "cycles", "PE array or PPU waiting for buffer ports: DMA bytes on them",
       kEverywhere, 0, counter<&Counters::stall_sram_conflict_cycles>, "", "st-conf"},
      {"stall_cycles", "cycles", "controller waiting for the DMA, all causes", kLayer | kTotal, 0,
       [](const Row& r) -> Value { return r.stats.stall_cycles(); }, "", ""},
      {"bound_by", "", "the largest of compute, ppu, dma (stall) and sram (stall) cycles", kEverywhere, 0,
       [](const Row& r) -> Value { return bound_by(r); }, "", "bound"},
      {"dma_cycles", "cycles", "DMA busy: a burst in flight on either channel", kEverywhere, 0,
       counter<&Counters::dma_cycles>, "", "dma"},
      {"dma/read_busy_cycles", "cycles", "DMA read channel busy", kLayer | kTotal, 0,
       counter<&Counters::dma_read_cycles>, "", ""},
      {"dma/write_busy_cycles", "cycles", "DMA write channel busy", kLayer | kTotal, 0,
       counter<&Counters::dma_write_cycles>, "", ""},
      {"dma/read_bytes_per_cycle", "bytes/cycle", "DRAM bytes read over read-busy cycles", kLayer | kTotal, 3,
       ratio<&Counters::dram_read, &Counters::dma_read_cycles>, "", ""},
      {"dma/write_bytes_per_cycle", "bytes/cycle", "DRAM bytes written over write-busy cycles", kLayer | kTotal, 3,
       ratio<&Counters::dram_written, &Counters::dma_write_cycles>, "", ""},
      {"dma/bursts", "bursts", "DMA bursts completed", kLayer | kTotal, 0, counter<&Counters::dma_bursts>, "", ""},
      // Bursts' time in flight over busy time: the mean bursts in flight (a layer
      // starts and ends with the DMA idle).
      {"dma/occupancy", "bursts", "mean bursts in flight while the DMA is busy", kEverywhere, 2,
       ratio<&Counters::dma_latency_cycles, &Counters::dma_cycles>, "", "occ"},
      {"dma/latency_mean", "cycles", "mean burst latency, issue to completion", kLayer | kTotal, 1,
       ratio<&Counters::dma_latency_cycles, &Counters::dma_bursts>, "", ""},
      {"dma/latency_p99", "cycles", "99th percentile burst latency (totals: the worst layer's)", kLayer | kTotal, 0,
       [](const Row& r) -> Value { return r.stats.dma_latency_p99; }, "", ""},
      {"macs", "MACs", "multiply-accumulates", kEverywhere, 0, counter<&Counters::macs>, "", "MACs"},
      {"pe_utilization", "ratio", "MACs / (PEs x cycles)", kEverywhere, 6,
       [](const Row& r) -> Value { return utilization(r); }, "", "util"},
      {"dram_bytes_read", "bytes", "DMA reads from DRAM", kEverywhere, 0, counter<&Counters::dram_read>, "", "DRAM rd"},
      {"dram_bytes_written", "bytes", "DMA writes to DRAM", kEverywhere, 0, counter<&Counters::dram_written>, "",
       "DRAM wr"},
      {"achieved_dram_bytes_per_cycle", "bytes/cycle", "DRAM bytes read and written over cycles", kEverywhere, 3,
       [](const Row& r) -> Value {
         return r.stats.cycles == 0 ? 0.0
                                    : static_cast<double>(r.stats.dram_read + r.stats.dram_written) /
                                          static_cast<double>(r.stats.cycles);
       },
       "", "B/cyc"},
      {"dram/row_hits", "bursts", "DRAM bursts that found their row open (DRAMSys, banked; 0 with simple)",
       kLayer | kTotal, 0, counter<&Counters::dram_row_hits>, "", ""},
      {"dram/row_misses", "bursts", "DRAM bursts that needed an activate (DRAMSys, banked)", kLayer | kTotal, 0,
       counter<&Counters::dram_row_misses>, "", ""},
      {"dram/refreshes", "refreshes", "all-bank refreshes (banked: issued; DRAMSys: due, elapsed / tREFI per rank)", kLayer | kTotal, 0,
       counter<&Counters::dram_refreshes>, "", ""},
      {"input_buffer/reads", "bytes", "input buffer reads", kLayer, 0, counter<&Counters::input_buffer_reads>, "", ""},
      {"input_buffer/writes", "bytes", "input buffer writes", kLayer, 0, counter<&Counters::input_buffer_writes>, "", ""},
      {"weight_buffer/reads", "bytes", "weight buffer reads", kLayer, 0, counter<&Counters::weight_buffer_reads>, "", ""},
      {"weight_buffer/writes", "bytes", "weight buffer writes", kLayer, 0, counter<&Counters::weight_buffer_writes>, "", ""},
      {"output_buffer/reads", "bytes", "output buffer reads", kLayer, 0, counter<&Counters::output_buffer_reads>, "", ""},
      {"output_buffer/writes", "bytes", "output buffer writes", kLayer, 0, counter<&Counters::output_buffer_writes>, "", ""},
      {"sram_bytes", "bytes", "all buffers, read plus written", kTotal, 0,
       [](const Row& r) -> Value { return r.stats.sram_bytes(); }, "", ""},
      {"register_accesses", "accesses", "register reads and writes from the START before", kLayer | kTotal, 0,
       counter<&Counters::register_accesses>, "", ""},
      {"energy_pj/total", "pJ", "energy proxy (docs/design-space.md)", kEverywhere, 1,
       [](const Row& r) -> Value { return r.energy.total_pj(); }, "", "energy pJ"},
      {"energy_pj/mac", "pJ", "MAC energy", kLayerJson | kTotal, 1, [](const Row& r) -> Value { return r.energy.mac_pj; }, "", ""},
      {"energy_pj/sram", "pJ", "SRAM energy", kLayerJson | kTotal, 1, [](const Row& r) -> Value { return r.energy.sram_pj; }, "", ""},
      {"energy_pj/dram", "pJ", "DRAM energy (banked: from its commands; otherwise bytes x energy_dram_byte_pj)",
       kLayerJson | kTotal, 1, [](const Row& r) -> Value { return r.energy.dram_pj; }, "", ""},
      {"energy_pj/registers", "pJ", "register energy", kLayerJson | kTotal, 1,
       [](const Row& r) -> Value { return r.energy.register_pj; }, "", ""},
      {"saturation/high", "outputs", "requantised outputs clipped at 255", kLayer | kTotal | kFromValues, 0,
       counter<&Counters::saturated_high>, "", ""},
      {"saturation/low", "outputs", "requantised outputs clipped at 0 (layers without ReLU)", kLayer | kTotal | kFromValues, 0,
       counter<&Counters::saturated_low>, "", ""},
      {"saturation/relu_floor", "outputs", "outputs raised to the zero point by ReLU", kLayer | kTotal | kFromValues, 0,
       counter<&Counters::relu_floored>, "", ""},
      {"tiles", "tiles", "output tiles stored", kLayerJson, 0, counter<&Counters::tiles>, "", ""},
      {"passes", "passes", "PE array passes", kLayerJson, 0, counter<&Counters::passes>, "", ""},
  };
  return table;
}

std::string bound_by(const Row& r) {
  const Counters& c = r.stats;
  const std::pair<std::uint64_t, const char*> parts[] = {
      {c.compute_cycles, "compute"},
      {c.stall_cycles(), "dma"},
      {c.ppu_cycles, "ppu"},
      {c.stall_sram_bandwidth_cycles + c.stall_sram_conflict_cycles, "sram"}};
  // The first of the largest, in that order (ties go to compute).
  return std::max_element(std::begin(parts), std::end(parts),
                          [](const auto& a, const auto& b) { return a.first < b.first; })
      ->second;
}

std::string csv_name(std::string_view key) {
  // A nested total reads as its parent: "energy_pj/total" -> "energy_pj".
  constexpr std::string_view kTotal = "/total";
  if (key.size() > kTotal.size() && key.substr(key.size() - kTotal.size()) == kTotal)
    key.remove_suffix(kTotal.size());
  std::string s(key);
  for (char& c : s)
    if (c == '/') c = '_';
  return s;
}

Value value_of(const Column& c, const Row& row, bool timing_only) {
  if (timing_only && (c.where & kFromValues)) return std::monostate{};
  return c.get(row);
}

std::string format_value(const Value& v, int decimals) {
  if (std::holds_alternative<std::monostate>(v)) return "";
  if (const auto* i = std::get_if<std::uint64_t>(&v)) return fmt::format("{}", *i);
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  return fmt::format("{:.{}f}", std::get<double>(v), decimals);
}

nlohmann::json json_value(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return nullptr;
  if (const auto* i = std::get_if<std::uint64_t>(&v)) return *i;
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  return std::get<double>(v);
}

void set_json(nlohmann::json& object, std::string_view key, const Value& v) {
  object[nlohmann::json::json_pointer("/" + std::string(key))] = json_value(v);
}

}  // namespace qacc::stats
