#include "tools/report.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "base/binary.h"
#include "base/error.h"
#include "base/hash.h"
#include "base/version.h"
#include "model/func/int8_network.h"
#include "model/io/cifar.h"

namespace qacc {
namespace {

std::string class_name(int c) {
  return c >= 0 && c < kCifarClasses ? std::string(kCifarClassNames[static_cast<std::size_t>(c)]) : fmt::format("class {}", c);
}

std::string layer_name(const SimulationInput& in, std::size_t i, const LayerStats& l, bool placeholder) {
  if (i < in.model.layers.size()) return in.model.layers[i].name;
  return placeholder ? fmt::format("#{}", l.index) : "";
}

// A config value as JSON: a number where the key holds one (every value but the
// dataflow's name), so readers need not parse strings.
nlohmann::json config_value(const std::string& text) {
  std::int64_t i = 0;
  const char* end = text.data() + text.size();
  if (auto [ptr, ec] = std::from_chars(text.data(), end, i); ec == std::errc() && ptr == end) return i;
  double d = 0;
  if (auto [ptr, ec] = std::from_chars(text.data(), end, d); ec == std::errc() && ptr == end) return d;
  return text;
}

// What a layer is, from the model: enough to tell a row of a merged CSV apart.
struct Shape {
  std::string type;
  std::uint64_t in_channels = 0, in_height = 0, in_width = 0, out_channels = 0, kernel = 0;
  bool relu = false, pool = false;
};
Shape layer_shape(const SimulationInput& in, std::size_t i) {
  if (i >= in.model.layers.size()) return {};
  const QuantLayer& l = in.model.layers[i];
  return {l.type == LayerType::kDense ? "dense" : "conv2d",
          static_cast<std::uint64_t>(l.in_channels),
          static_cast<std::uint64_t>(l.in_height),
          static_cast<std::uint64_t>(l.in_width),
          static_cast<std::uint64_t>(l.out_channels),
          static_cast<std::uint64_t>(l.kernel),
          l.relu(),
          l.pool()};
}

// A ratio in sim_top's table reads as a percentage.
std::string terminal_value(const stats::Column& c, const stats::Value& v) {
  if (c.unit == "ratio") return fmt::format("{:.1f}%", 100 * std::get<double>(v));
  return stats::format_value(v, c.decimals);
}

}  // namespace

std::string design_config_text(const ArchConfig& config) {
  std::string text;
  // pe_model says how the array is simulated, not what it is: the RTL and the cost
  // model run the same design (and give its cycles alike: tests/compare_pe_models.cmake).
  for (const auto& [key, value] : describe(config))
    if (key != "pe_model") text += key + "=" + value + "\n";
  return text;
}

std::string config_printout(const ArchConfig& config) {
  // Groups by key prefix; a key no group claims lands in "other", so none is lost.
  static constexpr std::pair<const char*, const char*> kGroups[] = {
      {"array", "pe_ clock_mhz dataflow os_drain os_keep_sums fold_overlap ws_weight_double_buffer ppu_lanes"},
      {"buffers", "input_buffer weight_buffer output_buffer sram_"},
      {"memory", "dma_ dram_"},
      {"cpu", "quantum_cycles"},
      {"energy/area", "energy_ area_"},
  };
  const auto defaults = describe(ArchConfig{});
  const auto values = describe(config);
  std::vector<std::string> lines(std::size(kGroups) + 1);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const auto& [key, value] = values[k];
    std::size_t group = std::size(kGroups);
    for (std::size_t g = 0; g < std::size(kGroups) && group == std::size(kGroups); ++g) {
      const std::string prefixes = kGroups[g].second;
      for (std::size_t at = 0; at < prefixes.size();) {
        const std::size_t end = std::min(prefixes.find(' ', at), prefixes.size());
        if (key.rfind(prefixes.substr(at, end - at), 0) == 0) group = g;
        at = end + 1;
      }
    }
    lines[group] += fmt::format(" {}={}{}", key, value, value == defaults[k].second ? "" : "*");
  }
  std::string text;
  for (std::size_t g = 0; g < lines.size(); ++g)
    if (!lines[g].empty())
      text += fmt::format("  {:<12}{}\n", g < std::size(kGroups) ? kGroups[g].first : "other", lines[g]);
  return text;
}

std::string design_tag(const ArchConfig& config) {
  return sha256_hex(design_config_text(config)).substr(0, kDesignTagDigits);
}

ImageFigures image_figures(const SimulationInput& in, const ImageResult& r) {
  return {r.cycles, static_cast<double>(r.cycles) * in.config.cycle_ns() / 1000.0, timing::area_mm2(in.config)};
}

namespace {

// The class the firmware chose and the five largest logits.
void print_prediction(const SimulationInput& in, std::size_t image, const ImageResult& r) {
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
}

}  // namespace

void print_report(const SimulationInput& in, std::size_t image, const ImageResult& r) {
  if (in.timing_only) {
    fmt::print("prediction: none (a timing-only run computes no values)\n\n");
  } else {
    print_prediction(in, image, r);
  }

  // Columns as wide as their widest cell.
  std::vector<const stats::Column*> shown;
  for (const auto& c : stats::columns())
    if (c.where & stats::kTerminal) shown.push_back(&c);
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"layer"});
  for (const auto* c : shown) cells.back().push_back(std::string(c->heading));
  cells.back().push_back("tile o/r/i");
  const auto add_row = [&](std::string name, const stats::Row& row, std::string tile) {
    cells.push_back({std::move(name)});
    for (const auto* c : shown) cells.back().push_back(terminal_value(*c, c->get(row)));
    cells.back().push_back(std::move(tile));
  };
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    add_row(layer_name(in, i, l, true), stats::layer_row(in.config, l),
            to_string(TileChoice{l.tile_out_channels, l.tile_rows, l.tile_in_channels, l.tile_rows_outer,
                                 l.tile_bias_apart}));
  }
  const stats::Row t = stats::total_row(in.config, r.layers);
  add_row("total", t, "");
  std::vector<std::size_t> width(cells.front().size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : cells) {
    std::string line = fmt::format("{:<{}}", row[0], width[0]);
    for (std::size_t c = 1; c < row.size(); ++c) line += fmt::format(" {:>{}}", row[c], width[c]);
    fmt::print("{}\n", line);
  }

  const ImageFigures f = image_figures(in, r);
  fmt::print("\nlatency: {} cycles = {:.2f} us at {} MHz (accelerator busy {} cycles; host firmware the rest)\n",
             f.cycles, f.latency_us, in.config.clock_mhz, t.stats.cycles);
  fmt::print("energy: {:.2f} uJ (MAC {:.2f}, SRAM {:.2f}, DRAM {:.2f}, registers {:.4f}); area proxy {:.3f} mm2\n",
             t.energy.total_pj() * 1e-6, t.energy.mac_pj * 1e-6, t.energy.sram_pj * 1e-6, t.energy.dram_pj * 1e-6,
             t.energy.register_pj * 1e-6, f.area_mm2);
}

nlohmann::json config_json(const ArchConfig& c) {
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [key, value] : describe(c)) config[key] = config_value(value);
  return config;
}

nlohmann::json stats_json(const SimulationInput& in, std::size_t image, const ImageResult& r) {
  const nlohmann::json config = config_json(in.config);
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    const stats::Row row = stats::layer_row(in.config, l);
    const Shape shape = layer_shape(in, i);
    nlohmann::json layer = {{"name", layer_name(in, i, l, false)},
                            {"shape",
                             {{"type", shape.type},
                              {"in_channels", shape.in_channels},
                              {"in_height", shape.in_height},
                              {"in_width", shape.in_width},
                              {"out_channels", shape.out_channels},
                              {"kernel", shape.kernel},
                              {"relu", shape.relu},
                              {"pool", shape.pool}}},
                            {"tile", {l.tile_out_channels, l.tile_rows, l.tile_in_channels}}};
    // Who chose the tiles, and what the cost model expected of them.
    if (i < in.mapping.size()) {
      const LayerMapping& m = in.mapping[i];
      layer["mapping"] = {{"source", to_string(m.source)}};
      if (m.source != MappingSource::kFirmware)
        layer["mapping"].update({{"walk", l.tile_rows_outer ? "rows" : "oc"},
                                 {"bias", l.tile_bias_apart ? "output" : "weights"},
                                 {"estimated_cycles", m.estimate.cycles},
                                 {"estimated_energy_pj", m.estimate.energy_pj}});
    }
    for (const auto& c : stats::columns())
      if (c.where & stats::kLayerJson) stats::set_json(layer, c.key, stats::value_of(c, row, in.timing_only));
    layers.push_back(std::move(layer));
  }
  const stats::Row t = stats::total_row(in.config, r.layers);
  const ImageFigures f = image_figures(in, r);
  nlohmann::json total = {{"cycles", f.cycles}, {"latency_us", f.latency_us}, {"area_mm2", f.area_mm2}};
  for (const auto& c : stats::columns())
    if (c.where & stats::kTotal) stats::set_json(total, c.total_key.empty() ? c.key : c.total_key, stats::value_of(c, t, in.timing_only));
  const SimImage& source = in.images.at(image);
  const auto& label = source.label;
  const nlohmann::json manifest = run_manifest(in, image);
  return {{"model", in.model_path.string()},
          {"manifest", manifest},
          {"label", label ? nlohmann::json(*label) : nlohmann::json(nullptr)},
          {"predicted", r.inference.predicted},
          {"predicted_class", class_name(r.inference.predicted)},
          {"logits_q", r.inference.logits},
          {"logits", func::dequantize_logits(in.model, r.inference.logits)},
          {"config", config},
          {"layers", layers},
          {"total", total}};
}

nlohmann::json design_manifest(const ArchConfig& config) {
  return {{"design", design_tag(config)},
          {"tool_version", tool_version()},
          {"build_type", build_type()},
          {"config_sha256", sha256_hex(design_config_text(config))}};
}

std::string mapping_printout(const SimulationInput& in) {
  if (std::all_of(in.mapping.begin(), in.mapping.end(),
                  [](const LayerMapping& m) { return m.source == MappingSource::kFirmware; }))
    return "";
  // The objective as the config spells it.
  std::string objective;
  for (const auto& [key, value] : describe(in.config))
    if (key == "mapping_objective") objective = value;
  std::string text = fmt::format("mapping (tiles out/rows/in, /rows: row tiles outer, /bias-out: the bias in the "
                                 "output buffer; objective {}):\n",
                                 objective);
  for (const LayerMapping& m : in.mapping) {
    if (m.source == MappingSource::kFirmware) {
      text += fmt::format("  {:<6} firmware's planner\n", m.layer);
      continue;
    }
    text += fmt::format("  {:<6} {:>18} {:<11} estimate {} cycles, {:.1f} uJ{}\n", m.layer,
                        to_string(m.tiles), to_string(m.source),
                        m.estimate.cycles, m.estimate.energy_pj / 1e6,
                        m.candidates > 0 ? fmt::format(" (best of {} plans)", m.candidates) : "");
  }
  return text;
}

nlohmann::json run_manifest(const SimulationInput& in, std::optional<std::size_t> image) {
  nlohmann::json m = design_manifest(in.config);
  m["model"] = in.model_path.string();
  m["model_sha256"] =
      in.model_sha256.empty() ? sha256_hex(in.model_file.data(), in.model_file.size()) : in.model_sha256;
  if (in.timing_only) m["timing_only"] = true;
  if (!image && in.images.size() == 1) image = 0;
  if (image) {
    const SimImage& one = in.images.at(*image);
    m["image"] = one.source;
    m["image_sha256"] = sha256_hex(one.pixels.data(), one.pixels.size());
  } else {
    std::vector<std::uint8_t> all;
    for (const auto& each : in.images) all.insert(all.end(), each.pixels.begin(), each.pixels.end());
    m["images"] = in.images.size();
    m["images_sha256"] = sha256_hex(all.data(), all.size());
  }
  return m;
}

void write_stats_json(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r) {
  const std::string text = stats_json(in, image, r).dump(2) + "\n";
  write_file_atomic(path, text);
}

void write_stats_csv(const std::filesystem::path& path, const SimulationInput& in, std::size_t image, const ImageResult& r) {
  // The design, what produced the row, and the layer's shape and tiling first: merged
  // files stay readable.
  const nlohmann::json manifest = run_manifest(in, image);
  std::string produced;
  std::string text = "design";
  for (const char* k : kManifestCsvKeys) {
    text += fmt::format(",{}", k);
    produced += "," + manifest.at(k).get<std::string>();
  }
  text += ",layer,type,in_channels,in_height,in_width,out_channels,kernel,tile_out_channels,tile_rows,tile_in_channels";
  for (const auto& c : stats::columns())
    if (c.where & stats::kLayerCsv) text += "," + stats::csv_name(c.key);
  text += "\n";
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const stats::Row row = stats::layer_row(in.config, r.layers[i]);
    const LayerStats& l = r.layers[i];
    const Shape shape = layer_shape(in, i);
    text += fmt::format("{}{},{},{},{},{},{},{},{},{},{},{}", design_tag(in.config), produced, layer_name(in, i, l, false), shape.type,
                        shape.in_channels, shape.in_height, shape.in_width, shape.out_channels, shape.kernel,
                        l.tile_out_channels, l.tile_rows, l.tile_in_channels);
    for (const auto& c : stats::columns())
      if (c.where & stats::kLayerCsv) text += "," + stats::format_value(stats::value_of(c, row, in.timing_only), c.decimals);
    text += "\n";
  }
  write_file_atomic(path, text);
}

CheckedRun run_and_check(const SimulationInput& in, const ReferenceSet* golden) {
  if (golden != nullptr && in.timing_only) throw UsageError("a timing-only run computes no values to check");
  if (golden != nullptr) reference_for(*golden, in.images.front().pixels);
  CheckedRun run{simulate(in), ""};
  if (golden != nullptr && run.sim.ok()) run.mismatch = check_against(*golden, in.images.front(), run.sim.images.front());
  return run;
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
