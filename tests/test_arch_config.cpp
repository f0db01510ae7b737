// The architecture configuration: the YAML file and command-line overrides, and the
// errors a user sees, each of which must name the key at fault.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "base/error.h"
#include "model/config/arch_config.h"
#include "tests/scratch.h"

namespace qacc {
namespace {

// A YAML file in the test's temporary directory, removed afterwards.
class ConfigFile {
 public:
  ConfigFile(const std::string& name, const std::string& text)
      : path_(testing_support::scratch_path("arch_config_" + name + ".yaml")) {
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  ConfigFile(const ConfigFile&) = delete;
  ConfigFile& operator=(const ConfigFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The message `f` throws as `E`; fails the test if it throws nothing.
template <typename E = Error, typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return "";
}

std::string load_error(const std::string& name, const std::string& text) {
  const ConfigFile file(name, text);
  return error_of([&] { load_arch_config(file.path()); });
}

std::string override_error(const std::string& assignment) {
  ArchConfig c;
  return error_of<UsageError>([&] { apply_override(c, assignment); });
}

std::string validate_error(const ArchConfig& c) {
  return error_of<UsageError>([&] { validate(c); });
}

bool mentions(const std::string& message, const std::string& word) { return message.find(word) != std::string::npos; }

// Every key, none at its default.
constexpr const char* kAllKeys =
    "clock_mhz: 750.5\n"
    "pe_rows: 8\n"
    "pe_cols: 32\n"
    "dataflow: os\n"
    "pe_model: cost\n"
    "os_drain: parallel\n"
    "os_keep_sums: on\n"
    "fold_overlap: off\n"
    "ws_weight_double_buffer: off\n"
    "input_buffer_bytes: 32768\n"
    "weight_buffer_bytes: 65536\n"
    "output_buffer_bytes: 16384\n"
    "sram_model: ported\n"
    "sram_ports: 1r1w\n"
    "sram_banks: 4\n"
    "input_buffer_width: 32\n"
    "weight_buffer_width: 16\n"
    "output_buffer_width: 128\n"
    "ppu_lanes: 8\n"
    "dma_bus_bytes: 32\n"
    "dma_burst_bytes: 512\n"
    "dma_setup_cycles: 7\n"
    "dma_max_outstanding: 3\n"
    "dram_model: dramsys\n"
    "dram_memspec: lpddr4-example\n"
    "dram_scheduling: in_order\n"
    "dram_latency_cycles: 55\n"
    "dram_bytes_per_cycle: 24\n"
    "dram_bytes: 2097152\n"
    "quantum_cycles: 500\n"
    "layer_overlap: on\n"
    "mapping: search\n"
    "mapping_objective: edp\n"
    "mapping.fc6: 128/1/256\n"
    "energy_mac_pj: 0.25\n"
    "energy_sram_byte_pj: 3\n"
    "energy_dram_byte_pj: 200\n"
    "energy_register_pj: 0.5\n"
    "area_pe_um2: 450\n"
    "area_sram_byte_um2: 5.5\n";

TEST(ArchConfig, DefaultsAreValid) { EXPECT_NO_THROW(validate(ArchConfig{})); }

TEST(ArchConfig, LoadsEveryKeyFromYaml) {
  const ConfigFile file("all_keys", kAllKeys);
  const ArchConfig c = load_arch_config(file.path());
  EXPECT_EQ(c.clock_mhz, 750.5);
  EXPECT_EQ(c.pe_rows, 8);
  EXPECT_EQ(c.pe_cols, 32);
  EXPECT_EQ(c.dataflow, Dataflow::kOutputStationary);
  EXPECT_EQ(c.pe_model, PeModel::kCost);
  EXPECT_EQ(c.os_drain, OsDrain::kParallel);
  EXPECT_TRUE(c.os_keep_sums);
  EXPECT_EQ(c.input_buffer_bytes, 32768u);
  EXPECT_EQ(c.weight_buffer_bytes, 65536u);
  EXPECT_EQ(c.output_buffer_bytes, 16384u);
  EXPECT_EQ(c.sram_model, SramModel::kPorted);
  EXPECT_EQ(c.sram_ports, SramPortKind::k1R1W);
  EXPECT_EQ(c.sram_banks, 4u);
  EXPECT_EQ(c.input_buffer_width, 32u);
  EXPECT_EQ(c.weight_buffer_width, 16u);
  EXPECT_EQ(c.output_buffer_width, 128u);
  EXPECT_EQ(c.ppu_lanes, 8u);
  EXPECT_EQ(c.dma_bus_bytes, 32u);
  EXPECT_EQ(c.dma_burst_bytes, 512u);
  EXPECT_EQ(c.dma_setup_cycles, 7u);
  EXPECT_EQ(c.dma_max_outstanding, 3u);
  EXPECT_EQ(c.dram_model, DramModel::kDramSys);
  EXPECT_EQ(c.dram_memspec, "lpddr4-example");
  EXPECT_EQ(c.dram_scheduling, DramScheduling::kInOrder);
  EXPECT_EQ(c.dram_latency_cycles, 55u);
  EXPECT_EQ(c.dram_bytes_per_cycle, 24u);
  EXPECT_EQ(c.dram_bytes, 2097152u);
  EXPECT_EQ(c.quantum_cycles, 500u);
  EXPECT_TRUE(c.layer_overlap);
  EXPECT_EQ(c.energy_mac_pj, 0.25);
  EXPECT_EQ(c.energy_sram_byte_pj, 3.0);
  EXPECT_EQ(c.energy_dram_byte_pj, 200.0);
  EXPECT_EQ(c.energy_register_pj, 0.5);
  EXPECT_EQ(c.area_pe_um2, 450.0);
  EXPECT_EQ(c.area_sram_byte_um2, 5.5);
}

TEST(ArchConfig, DescribeRoundTripsThroughAFile) {
  const ConfigFile first("first", kAllKeys);
  const ArchConfig c = load_arch_config(first.path());
  const auto lines = describe(c);
  // Every key of the file, once each.
  EXPECT_EQ(lines.size(), 40u);
  std::map<std::string, std::string> values(lines.begin(), lines.end());
  EXPECT_EQ(values.size(), lines.size());
  EXPECT_EQ(values["dataflow"], "os");
  EXPECT_EQ(values["clock_mhz"], "750.5");
  EXPECT_EQ(values["dram_bytes"], "2097152");
  EXPECT_EQ(values["mapping.fc6"], "128/1/256");

  std::string text;
  for (const auto& [key, value] : lines) text += key + ": " + value + "\n";
  const ConfigFile second("second", text);
  EXPECT_EQ(describe(load_arch_config(second.path())), lines);
}

TEST(ArchConfig, EmptyFileGivesTheDefaults) {
  const ConfigFile file("empty", "# nothing set\n");
  EXPECT_EQ(describe(load_arch_config(file.path())), describe(ArchConfig{}));
}

TEST(ArchConfig, UnknownKeyIsNamed) {
  const std::string from_file = load_error("unknown", "pe_rows: 8\npe_rowz: 4\n");
  EXPECT_TRUE(mentions(from_file, "unknown key 'pe_rowz'")) << from_file;
  EXPECT_TRUE(mentions(from_file, "arch_config_unknown.yaml")) << from_file;
  // The message lists what would have been accepted.
  EXPECT_TRUE(mentions(from_file, "pe_rows")) << from_file;
  const std::string from_override = override_error("dram_latency=3");
  EXPECT_TRUE(mentions(from_override, "unknown key 'dram_latency'")) << from_override;
}

TEST(ArchConfig, DuplicateKeyIsNamed) {
  // The later value must not silently win, whether or not the two agree.
  const std::string e = load_error("duplicate", "pe_rows: 8\npe_cols: 16\npe_rows: 4\n");
  EXPECT_TRUE(mentions(e, "config: duplicate key 'pe_rows'")) << e;
  EXPECT_TRUE(mentions(e, "arch_config_duplicate.yaml")) << e;
  const std::string same = load_error("duplicate_same", "ppu_lanes: 8\nppu_lanes: 8\n");
  EXPECT_TRUE(mentions(same, "config: duplicate key 'ppu_lanes'")) << same;
}

TEST(ArchConfig, NegativeValuesAreRejectedNamingTheKey) {
  // Unsigned keys refuse the sign itself.
  for (const char* key : {"input_buffer_bytes", "ppu_lanes", "dma_burst_bytes", "dram_latency_cycles", "dram_bytes"}) {
    const std::string e = override_error(std::string(key) + "=-4");
    EXPECT_TRUE(mentions(e, std::string("config key ") + key)) << e;
    EXPECT_TRUE(mentions(e, "must not be negative")) << e;
  }
  // Signed and floating keys parse, and validation refuses them.
  for (const char* key : {"pe_rows", "pe_cols", "clock_mhz"}) {
    ArchConfig c;
    apply_override(c, std::string(key) + "=-3");
    const std::string e = validate_error(c);
    EXPECT_TRUE(mentions(e, std::string("config key ") + key)) << e;
  }
  // A file is validated on load.
  const std::string e = load_error("negative", "pe_rows: -3\n");
  EXPECT_TRUE(mentions(e, "config key pe_rows: must be 1..256")) << e;
}

TEST(ArchConfig, ZeroIsRejectedWhereItMakesNoSense) {
  for (const char* key : {"clock_mhz", "pe_rows", "pe_cols", "ppu_lanes", "dma_bus_bytes", "dma_burst_bytes",
                          "dram_bytes_per_cycle", "dram_bytes", "quantum_cycles", "input_buffer_bytes",
                          "sram_banks", "input_buffer_width", "weight_buffer_width", "output_buffer_width"}) {
    const std::string e = load_error(std::string("zero_") + key, std::string(key) + ": 0\n");
    EXPECT_TRUE(mentions(e, std::string("config key ") + key)) << key << ": " << e;
  }
  // Zero setup and latency are a legitimate ideal memory.
  const ConfigFile ideal("ideal", "dma_setup_cycles: 0\ndram_latency_cycles: 0\n");
  EXPECT_NO_THROW(load_arch_config(ideal.path()));
}

TEST(ArchConfig, OtherOutOfRangeValuesNameTheKey) {
  ArchConfig c;
  c.dma_bus_bytes = 12;
  EXPECT_TRUE(mentions(validate_error(c), "config key dma_bus_bytes: must be a power of two"));
  c = ArchConfig{};
  c.dma_burst_bytes = c.dma_bus_bytes / 2;
  EXPECT_TRUE(mentions(validate_error(c), "config key dma_burst_bytes"));
  c = ArchConfig{};
  c.pe_cols = 257;
  EXPECT_TRUE(mentions(validate_error(c), "config key pe_cols"));
  c = ArchConfig{};
  c.dram_bytes = (1u << 30) + 1;
  EXPECT_TRUE(mentions(validate_error(c), "config key dram_bytes"));
}

TEST(ArchConfig, EnergyAndAreaEntriesMustBeFiniteAndNonNegative) {
  for (const char* key : {"energy_mac_pj", "energy_sram_byte_pj", "energy_dram_byte_pj", "energy_register_pj",
                          "area_pe_um2", "area_sram_byte_um2"}) {
    for (const char* text : {"-1", "nan", "inf", "1e7"}) {
      ArchConfig c;
      apply_override(c, std::string(key) + "=" + text);
      const std::string e = validate_error(c);
      EXPECT_TRUE(mentions(e, std::string("config key ") + key)) << key << "=" << text << ": " << e;
    }
    // Zero is a legitimate "ignore this cost".
    ArchConfig c;
    apply_override(c, std::string(key) + "=0");
    EXPECT_NO_THROW(validate(c));
  }
}

TEST(ArchConfig, NonNumericValuesAreRejectedNamingTheKey) {
  for (const char* text : {"abc", "12abc", "1.5", "0x10", " 4", ""}) {
    const std::string e = override_error(std::string("pe_rows=") + text);
    EXPECT_TRUE(mentions(e, "config key pe_rows")) << "'" << text << "': " << e;
  }
  // Beyond the field's type.
  EXPECT_TRUE(mentions(override_error("dram_bytes=4294967296"), "config key dram_bytes"));
  EXPECT_TRUE(mentions(override_error("pe_rows=99999999999"), "config key pe_rows"));
  // A floating key must be a number through to its end too: "1.5GHz" must not pass for 1.5 MHz.
  for (const char* text : {"fast", "500MHz", "1.5GHz", ""}) {
    const std::string e = override_error(std::string("clock_mhz=") + text);
    EXPECT_TRUE(mentions(e, "config key clock_mhz")) << "'" << text << "': " << e;
  }
  const std::string e = load_error("words", "ppu_lanes: many\n");
  EXPECT_TRUE(mentions(e, "config key ppu_lanes")) << e;
}

TEST(ArchConfig, DataflowNames) {
  ArchConfig c;
  for (const auto& [name, dataflow] : {std::pair<const char*, Dataflow>{"os", Dataflow::kOutputStationary},
                                       {"ws", Dataflow::kWeightStationary},
                                       {"is", Dataflow::kInputStationary},
                                       {"output_stationary", Dataflow::kOutputStationary},
                                       {"weight_stationary", Dataflow::kWeightStationary},
                                       {"input_stationary", Dataflow::kInputStationary}}) {
    apply_override(c, std::string("dataflow=") + name);
    EXPECT_EQ(c.dataflow, dataflow) << name;
  }
  EXPECT_STREQ(to_string(Dataflow::kWeightStationary), "ws");
  EXPECT_STREQ(to_string(Dataflow::kOutputStationary), "os");
  EXPECT_STREQ(to_string(Dataflow::kInputStationary), "is");
  for (const char* name : {"systolic", "OS", "row_stationary", ""}) {
    const std::string e = override_error(std::string("dataflow=") + name);
    EXPECT_TRUE(mentions(e, "config key dataflow")) << e;
    EXPECT_TRUE(mentions(e, "expected ws, os or is")) << e;
  }
}

TEST(ArchConfig, ChoiceKeysListTheirValues) {
  EXPECT_TRUE(mentions(override_error("sram_model=fast"), "config key sram_model: 'fast', expected ideal or ported"));
  EXPECT_TRUE(mentions(override_error("sram_ports=2rw"), "config key sram_ports: '2rw', expected 1rw or 1r1w"));
  EXPECT_TRUE(
      mentions(override_error("dram_model=ddr4"), "config key dram_model: 'ddr4', expected simple, dramsys or banked"));
}

TEST(ArchConfig, OverrideSetsOneKey) {
  ArchConfig c;
  apply_override(c, "pe_rows=32");
  apply_override(c, "clock_mhz=1200.5");
  apply_override(c, "dram_bytes=1048576");
  EXPECT_EQ(c.pe_rows, 32);
  EXPECT_EQ(c.clock_mhz, 1200.5);
  EXPECT_EQ(c.dram_bytes, 1048576u);
  EXPECT_EQ(c.pe_cols, ArchConfig{}.pe_cols);
}

TEST(ArchConfig, MappingPinsTakeAnOptionalWalk) {
  ArchConfig c;
  apply_override(c, "mapping.conv1=16/8/3/rows");
  apply_override(c, "mapping.conv2=32/16/64/oc");
  apply_override(c, "mapping.fc6=128/1/256");
  apply_override(c, "mapping.fc7=16/1/256/bias-out");
  apply_override(c, "mapping.conv3=16/8/192/rows/bias-out");
  EXPECT_EQ(c.mapping_pins["conv1"], (TileChoice{16, 8, 3, true}));
  EXPECT_EQ(c.mapping_pins["conv2"], (TileChoice{32, 16, 64, false}));
  EXPECT_EQ(c.mapping_pins["fc7"], (TileChoice{16, 1, 256, false, true}));
  EXPECT_EQ(to_string(c.mapping_pins["conv1"]), "16/8/3/rows");
  EXPECT_EQ(to_string(c.mapping_pins["conv2"]), "32/16/64");
  EXPECT_EQ(to_string(c.mapping_pins["conv3"]), "16/8/192/rows/bias-out");
  for (const char* bad : {"16/8/3/", "16/8/3/cols", "16/8", "16/8/0", "16/8/3rows", "/16/8/3", "16/8/3/rows/oc",
                          "16/8/3/bias-out/bias-out", "16/8/3//rows"}) {
    const std::string e = override_error(std::string("mapping.conv1=") + bad);
    EXPECT_TRUE(mentions(e, "config key mapping.conv1")) << bad << ": " << e;
    EXPECT_TRUE(mentions(e, "/rows (row tiles outer) or /oc, and /bias-out")) << e;
  }
}

TEST(ArchConfig, OverrideSyntaxErrors) {
  for (const char* assignment : {"pe_rows", "=4", "", "pe_rows 4"}) {
    const std::string e = override_error(assignment);
    EXPECT_TRUE(mentions(e, "expected key=value")) << "'" << assignment << "': " << e;
    EXPECT_TRUE(mentions(e, std::string("'") + assignment + "'")) << e;
  }
  // Only the first '=' separates: the rest is the value, which is then not a number.
  EXPECT_TRUE(mentions(override_error("pe_rows=4=5"), "config key pe_rows"));
}

TEST(ArchConfig, FileErrorsNameTheFile) {
  const std::string missing = error_of([] { load_arch_config("/nonexistent/qacc_arch.yaml"); });
  EXPECT_TRUE(mentions(missing, "/nonexistent/qacc_arch.yaml: cannot read")) << missing;
  const std::string bad_yaml = load_error("bad_yaml", "pe_rows: [1,\n");
  EXPECT_TRUE(mentions(bad_yaml, "not valid YAML")) << bad_yaml;
  const std::string list = load_error("list", "- 1\n- 2\n");
  EXPECT_TRUE(mentions(list, "expected a mapping")) << list;
  const std::string nested = load_error("nested", "pe_rows: [1, 2]\n");
  EXPECT_TRUE(mentions(nested, "key pe_rows: expected a single value")) << nested;
}

}  // namespace
}  // namespace qacc
