#include "model/config/arch_config.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/binary.h"
#include "base/error.h"

namespace qacc {
namespace {

// Each key's parser and printer, declared once for the file, the command line and
// describe().
struct Key {
  std::function<void(ArchConfig&, const std::string&)> set;
  std::function<std::string(const ArchConfig&)> get;
};

template <typename T>
T parse_number(const std::string& key, const std::string& text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end)
    throw UsageError(fmt::format("config key {}: '{}' is not a valid {}", key, text,
                                 std::is_integral_v<T> ? "integer" : "number"));
  return value;
}

template <typename T>
Key number_key(const std::string& name, T ArchConfig::*field) {
  return {[name, field](ArchConfig& c, const std::string& v) {
            if constexpr (std::is_unsigned_v<T>) {
              if (!v.empty() && v[0] == '-') throw UsageError(fmt::format("config key {}: {} must not be negative", name, v));
            }
            c.*field = parse_number<T>(name, v);
          },
          [field](const ArchConfig& c) { return fmt::format("{}", c.*field); }};
}

// A key with a fixed set of values, the first name of each printed.
template <typename E>
Key choice_key(const std::string& name, E ArchConfig::*field, std::vector<std::pair<std::string, E>> choices) {
  return {[name, field, choices](ArchConfig& c, const std::string& v) {
            for (const auto& [text, value] : choices)
              if (text == v) {
                c.*field = value;
                return;
              }
            std::string expected;
            for (std::size_t i = 0; i < choices.size(); ++i)
              expected += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i].first;
            throw UsageError(fmt::format("config key {}: '{}', expected {}", name, v, expected));
          },
          [field, choices](const ArchConfig& c) {
            for (const auto& [text, value] : choices)
              if (value == c.*field) return text;
            return std::string();
          }};
}

const std::map<std::string, Key>& keys() {
  static const std::map<std::string, Key> k = {
      // Parsed like every other number, to its end: std::stod read "1.5GHz" as 1.5.
      {"clock_mhz", number_key("clock_mhz", &ArchConfig::clock_mhz)},
      {"pe_rows", number_key("pe_rows", &ArchConfig::pe_rows)},
      {"pe_cols", number_key("pe_cols", &ArchConfig::pe_cols)},
      {"dataflow", {[](ArchConfig& c, const std::string& v) {
                      if (v == "ws" || v == "weight_stationary")
                        c.dataflow = Dataflow::kWeightStationary;
                      else if (v == "os" || v == "output_stationary")
                        c.dataflow = Dataflow::kOutputStationary;
                      else if (v == "is" || v == "input_stationary")
                        c.dataflow = Dataflow::kInputStationary;
                      else
                        throw UsageError(fmt::format("config key dataflow: '{}', expected ws, os or is", v));
                    },
                    [](const ArchConfig& c) { return std::string(to_string(c.dataflow)); }}},
      {"pe_model", choice_key("pe_model", &ArchConfig::pe_model, {{"cost", PeModel::kCost}, {"rtl", PeModel::kRtl}})},
      {"os_drain", choice_key("os_drain", &ArchConfig::os_drain, {{"shift", OsDrain::kShift}, {"parallel", OsDrain::kParallel}})},
      {"fold_overlap", choice_key("fold_overlap", &ArchConfig::fold_overlap, {{"off", false}, {"on", true}})},
      {"os_keep_sums", choice_key("os_keep_sums", &ArchConfig::os_keep_sums, {{"off", false}, {"on", true}})},
      {"ws_weight_double_buffer",
       choice_key("ws_weight_double_buffer", &ArchConfig::ws_weight_double_buffer, {{"off", false}, {"on", true}})},
      {"input_buffer_bytes", number_key("input_buffer_bytes", &ArchConfig::input_buffer_bytes)},
      {"weight_buffer_bytes", number_key("weight_buffer_bytes", &ArchConfig::weight_buffer_bytes)},
      {"output_buffer_bytes", number_key("output_buffer_bytes", &ArchConfig::output_buffer_bytes)},
      {"sram_model", choice_key("sram_model", &ArchConfig::sram_model,
                                {{"ideal", SramModel::kIdeal}, {"ported", SramModel::kPorted}})},
      {"sram_ports", choice_key("sram_ports", &ArchConfig::sram_ports,
                                {{"1rw", SramPortKind::k1RW}, {"1r1w", SramPortKind::k1R1W}})},
      {"sram_banks", number_key("sram_banks", &ArchConfig::sram_banks)},
      {"input_buffer_width", number_key("input_buffer_width", &ArchConfig::input_buffer_width)},
      {"weight_buffer_width", number_key("weight_buffer_width", &ArchConfig::weight_buffer_width)},
      {"output_buffer_width", number_key("output_buffer_width", &ArchConfig::output_buffer_width)},
      {"ppu_lanes", number_key("ppu_lanes", &ArchConfig::ppu_lanes)},
      {"dma_bus_bytes", number_key("dma_bus_bytes", &ArchConfig::dma_bus_bytes)},
      {"dma_burst_bytes", number_key("dma_burst_bytes", &ArchConfig::dma_burst_bytes)},
      {"dma_setup_cycles", number_key("dma_setup_cycles", &ArchConfig::dma_setup_cycles)},
      {"dma_max_outstanding", number_key("dma_max_outstanding", &ArchConfig::dma_max_outstanding)},
      {"dram_model", choice_key("dram_model", &ArchConfig::dram_model,
                                {{"simple", DramModel::kSimple}, {"dramsys", DramModel::kDramSys}, {"banked", DramModel::kBanked}})},
      {"dram_memspec", {[](ArchConfig& c, const std::string& v) { c.dram_memspec = v; },
                        [](const ArchConfig& c) { return c.dram_memspec; }}},
      {"dram_scheduling", choice_key("dram_scheduling", &ArchConfig::dram_scheduling,
                                     {{"controller", DramScheduling::kController}, {"in_order", DramScheduling::kInOrder}})},
      {"dram_latency_cycles", number_key("dram_latency_cycles", &ArchConfig::dram_latency_cycles)},
      {"dram_bytes_per_cycle", number_key("dram_bytes_per_cycle", &ArchConfig::dram_bytes_per_cycle)},
      {"dram_bytes", number_key("dram_bytes", &ArchConfig::dram_bytes)},
      {"quantum_cycles", number_key("quantum_cycles", &ArchConfig::quantum_cycles)},
      {"layer_overlap", choice_key("layer_overlap", &ArchConfig::layer_overlap, {{"off", false}, {"on", true}})},
      {"mapping", choice_key("mapping", &ArchConfig::mapping,
                             {{"firmware", MappingMode::kFirmware}, {"search", MappingMode::kSearch},
                              {"whole-layer", MappingMode::kWholeLayer}})},
      {"mapping_objective", choice_key("mapping_objective", &ArchConfig::mapping_objective,
                                       {{"latency", MappingObjective::kLatency}, {"energy", MappingObjective::kEnergy},
                                        {"edp", MappingObjective::kEdp}})},
      {"energy_mac_pj", number_key("energy_mac_pj", &ArchConfig::energy_mac_pj)},
      {"energy_sram_byte_pj", number_key("energy_sram_byte_pj", &ArchConfig::energy_sram_byte_pj)},
      {"energy_dram_byte_pj", number_key("energy_dram_byte_pj", &ArchConfig::energy_dram_byte_pj)},
      {"energy_register_pj", number_key("energy_register_pj", &ArchConfig::energy_register_pj)},
      {"area_pe_um2", number_key("area_pe_um2", &ArchConfig::area_pe_um2)},
      {"area_sram_byte_um2", number_key("area_sram_byte_um2", &ArchConfig::area_sram_byte_um2)},
  };
  return k;
}

void set_key(ArchConfig& c, const std::string& key, const std::string& value) {
  // "pe: RxC" sets both dimensions, so a sweep can step through shapes.
  // "mapping.<layer>: OC/ROWS/IC[/rows|/oc][/bias-out]" pins a layer's tiles, walk and
  // bias place (checked against the model before a run: tools/simulation.h).
  if (key.rfind("mapping.", 0) == 0 && key.size() > 8) {
    std::vector<std::string> parts;
    for (std::size_t at = 0;;) {
      const std::size_t slash = value.find('/', at);
      parts.push_back(value.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    TileChoice t;
    std::uint32_t* sizes[] = {&t.out_channels, &t.rows, &t.in_channels};
    bool ok = parts.size() >= 3;
    for (std::size_t i = 0; ok && i < 3; ++i) {
      const std::string& p = parts[i];
      const auto [end, error] = std::from_chars(p.data(), p.data() + p.size(), *sizes[i]);
      ok = !p.empty() && error == std::errc() && end == p.data() + p.size() && *sizes[i] > 0;
    }
    bool walk = false;
    for (std::size_t i = 3; ok && i < parts.size(); ++i) {
      if ((parts[i] == "rows" || parts[i] == "oc") && !walk) {
        walk = true;
        t.rows_outer = parts[i] == "rows";
      } else if (parts[i] == "bias-out" && !t.bias_apart) {
        t.bias_apart = true;
      } else {
        ok = false;
      }
    }
    if (!ok)
      throw UsageError(fmt::format("config key {}: '{}', expected OUT_CHANNELS/ROWS/IN_CHANNELS, each >= 1, then "
                                   "optionally /rows (row tiles outer) or /oc, and /bias-out, e.g. 128/1/256 or "
                                   "64/8/64/rows",
                                   key, value));
    c.mapping_pins[key.substr(8)] = t;
    return;
  }
  if (key == "pe") {
    const auto x = value.find('x');
    if (x == std::string::npos)
      throw UsageError(fmt::format("config key pe: '{}', expected ROWSxCOLS, e.g. 16x16", value));
    set_key(c, "pe_rows", value.substr(0, x));
    set_key(c, "pe_cols", value.substr(x + 1));
    return;
  }
  const auto it = keys().find(key);
  if (it == keys().end()) {
    std::string known;
    for (const auto& [name, unused] : keys()) known += (known.empty() ? "" : ", ") + name;
    throw UsageError(
        fmt::format("config: unknown key '{}' (known keys: {}, and pe=ROWSxCOLS, mapping.<layer>=OUT/ROWS/IN)", key, known));
  }
  try {
    it->second.set(c, value);
  } catch (const std::invalid_argument&) {
    throw UsageError(fmt::format("config key {}: '{}' is not a number", key, value));
  } catch (const std::out_of_range&) {
    throw UsageError(fmt::format("config key {}: '{}' is out of range", key, value));
  }
}

}  // namespace

std::string to_string(const TileChoice& t) {
  return fmt::format("{}/{}/{}{}{}", t.out_channels, t.rows, t.in_channels, t.rows_outer ? "/rows" : "",
                     t.bias_apart ? "/bias-out" : "");
}

const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::kWeightStationary: return "ws";
    case Dataflow::kOutputStationary: return "os";
    case Dataflow::kInputStationary: return "is";
  }
  return "?";
}

void validate(const ArchConfig& c) {
  auto require = [](bool ok, const char* key, const std::string& why) {
    if (!ok) throw UsageError(fmt::format("config key {}: {}", key, why));
  };
  require(c.clock_mhz > 0 && c.clock_mhz <= 10000, "clock_mhz", "must be in (0, 10000]");
  require(c.pe_rows >= 1 && c.pe_rows <= 256, "pe_rows", "must be 1..256");
  require(c.pe_cols >= 1 && c.pe_cols <= 256, "pe_cols", "must be 1..256");
  if (c.pe_model == PeModel::kRtl) {
#ifndef QACC_HAVE_RTL
    require(false, "pe_model",
            "rtl needs the RTL PE array, which this build lacks (built without Verilator 5 or with QACC_WITH_RTL=OFF; "
            "scripts/setup.sh installs verilator)");
#endif
    const bool built = c.pe_rows == c.pe_cols && std::find(std::begin(kRtlPeSizes), std::end(kRtlPeSizes), c.pe_rows) !=
                                                     std::end(kRtlPeSizes);
    std::string sizes;
    for (int n : kRtlPeSizes) sizes += fmt::format("{}{}x{}", sizes.empty() ? "" : ", ", n, n);
    require(built, "pe_rows", fmt::format("{}x{}: pe_model: rtl is built for {} arrays", c.pe_rows, c.pe_cols, sizes));
    require(c.sram_model == SramModel::kIdeal, "sram_model", "ported is not modelled with pe_model: rtl (use ideal)");
    require(!c.os_keep_sums, "os_keep_sums", "on is not modelled with pe_model: rtl (the RTL drains every pass)");
  }
  // Whether a buffer holds the smallest tile depends on the model: checked against it
  // before a run (check_buffers_fit in tools/simulation.h). This is only a floor.
  require(c.input_buffer_bytes >= 64, "input_buffer_bytes", "must be at least 64");
  require(c.weight_buffer_bytes >= 64, "weight_buffer_bytes", "must be at least 64");
  require(c.output_buffer_bytes >= 64, "output_buffer_bytes", "must be at least 64");
  require(c.sram_banks >= 1 && c.sram_banks <= 64, "sram_banks", "must be 1..64");
  // The ported timing walks a pass's phases one after another; overlapped folds are
  // not phases of their own yet.
  require(c.sram_model != SramModel::kPorted || !c.fold_overlap, "fold_overlap",
          "on is not modelled with sram_model: ported (use ideal)");
  require(c.sram_model != SramModel::kPorted || !c.ws_weight_double_buffer, "ws_weight_double_buffer",
          "on is not modelled with sram_model: ported (use ideal)");
  const auto width = [&](std::uint32_t v, const char* key) { require(v >= 1 && v <= 65536, key, "must be 1..65536"); };
  width(c.input_buffer_width, "input_buffer_width");
  width(c.weight_buffer_width, "weight_buffer_width");
  width(c.output_buffer_width, "output_buffer_width");
  require(c.ppu_lanes >= 1 && c.ppu_lanes <= 1024, "ppu_lanes", "must be 1..1024");
  require(c.dma_bus_bytes >= 1 && c.dma_bus_bytes <= 256 && (c.dma_bus_bytes & (c.dma_bus_bytes - 1)) == 0,
          "dma_bus_bytes", "must be a power of two, 1..256");
  require(c.dma_burst_bytes >= c.dma_bus_bytes && c.dma_burst_bytes <= 4096, "dma_burst_bytes",
          "must be dma_bus_bytes..4096");
  require(c.dma_setup_cycles <= 10000, "dma_setup_cycles", "must be at most 10000");
  require(c.dma_max_outstanding >= 1 && c.dma_max_outstanding <= 256, "dma_max_outstanding", "must be 1..256");
  require(!c.dram_memspec.empty(), "dram_memspec", "must name a DRAMSys configuration");
  require(c.dram_latency_cycles <= 100000, "dram_latency_cycles", "must be at most 100000");
  require(c.dram_bytes_per_cycle >= 1 && c.dram_bytes_per_cycle <= 1024, "dram_bytes_per_cycle", "must be 1..1024");
  require(c.dram_bytes >= (1u << 20) && c.dram_bytes <= (1u << 30), "dram_bytes", "must be 1 MiB..1 GiB");
  require(c.quantum_cycles >= 1, "quantum_cycles", "must be positive");
  // NaN fails every comparison, so it is rejected here too.
  const auto per_unit = [&](double v, const char* key) { require(v >= 0 && v <= 1e6, key, "must be in [0, 1e6]"); };
  per_unit(c.energy_mac_pj, "energy_mac_pj");
  per_unit(c.energy_sram_byte_pj, "energy_sram_byte_pj");
  per_unit(c.energy_dram_byte_pj, "energy_dram_byte_pj");
  per_unit(c.energy_register_pj, "energy_register_pj");
  per_unit(c.area_pe_um2, "area_pe_um2");
  per_unit(c.area_sram_byte_um2, "area_sram_byte_um2");
}

void apply_override(ArchConfig& c, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--set '{}': expected key=value", assignment));
  set_key(c, assignment.substr(0, eq), assignment.substr(eq + 1));
}

ArchConfig load_arch_config(const std::filesystem::path& path, const ArchConfig& base) {
  constexpr std::size_t kMaxConfigBytes = 1u << 20;
  const auto bytes = read_file(path, kMaxConfigBytes);
  return parse_arch_config(std::string(bytes.begin(), bytes.end()), path.string(), base);
}

ArchConfig parse_arch_config(const std::string& yaml, const std::string& what, const ArchConfig& base) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    fail("{}: not valid YAML: {}", what, e.what());
  }
  ArchConfig c = base;
  if (root.IsNull()) return c;
  if (!root.IsMap()) fail("{}: expected a mapping of key: value", what);
  // yaml-cpp keeps every pair of a mapping, so a repeated key would silently let the
  // later value win; two values for one setting are a mistake in the file.
  std::set<std::string> seen;
  for (const auto& item : root) {
    if (!item.first.IsScalar()) fail("{}: expected a mapping of key: value", what);
    const auto key = item.first.as<std::string>();
    if (!seen.insert(key).second) fail("{}: config: duplicate key '{}'", what, key);
    if (!item.second.IsScalar()) fail("{}: key {}: expected a single value", what, key);
    try {
      set_key(c, key, item.second.as<std::string>());
    } catch (const UsageError& e) {
      fail("{}: {}", what, e.what());
    }
  }
  try {
    validate(c);
  } catch (const UsageError& e) {
    fail("{}: {}", what, e.what());
  }
  return c;
}

std::vector<std::pair<std::string, std::string>> describe(const ArchConfig& c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, key] : keys()) out.emplace_back(name, key.get(c));
  for (const auto& [layer, t] : c.mapping_pins)
    out.emplace_back("mapping." + layer, to_string(t));
  return out;
}

}  // namespace qacc
