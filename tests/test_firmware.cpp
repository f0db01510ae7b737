// The firmware against a fake HAL: the register sequence it drives, the tiles it
// plans, where it places activations in DRAM, and how it reports a hung or failed
// layer. Plain C++: the fake stands in for the SystemC platform, so these run in
// milliseconds and can script faults the real accelerator rarely shows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/binary.h"
#include "contract/hal.h"
#include "contract/layer_descriptor.h"
#include "contract/memory_map.h"
#include "contract/registers.h"
#include "model/func/int8_network.h"
#include "model/io/model_file.h"
#include "sw/dram_heap.h"
#include "sw/firmware.h"
#include "sw/tiling.h"

namespace qacc::sw {
namespace {

namespace mm = qacc::memory_map;
namespace rg = qacc::regs;

const std::filesystem::path kSourceDir = QACC_SOURCE_DIR_FOR_TESTS;

const std::vector<std::uint8_t>& shipped_model_file() {
  static const std::vector<std::uint8_t> bytes =
      read_file(kSourceDir / "train/shipped/vgglite_int8.qacm", kModelMaxBytes);
  return bytes;
}

// The pixels of a shipped CIFAR record: the label byte first, then 3072 bytes CHW.
std::vector<std::uint8_t> shipped_image(const std::string& name) {
  constexpr std::size_t kRecordBytes = 3073;
  const std::vector<std::uint8_t> record = read_file(kSourceDir / "traces/images" / (name + ".bin"), kRecordBytes);
  if (record.size() != kRecordBytes) throw std::runtime_error(fmt::format("{}.bin: {} bytes", name, record.size()));
  return {record.begin() + 1, record.end()};
}

// The hardware of the default design, as its parameter registers report it.
constexpr HardwareInfo kDefaultHw{16, 16, 65536, 131072, 131072};

BufferSizes sizes_of(const HardwareInfo& hw) { return {hw.input_buffer, hw.weight_buffer, hw.output_buffer}; }

// What the fake accelerator does when a layer is started.
enum class Outcome {
  kDone,             // STATUS done, IRQ done
  kError,            // STATUS error, IRQ error, ERROR_CODE and ERROR_ADDR set
  kErrorStatusOnly,  // STATUS error but IRQ done: the firmware must look at both
  kHang,             // nothing: the interrupt never comes
};

struct FakeConfig {
  HardwareInfo hw = kDefaultHw;
  std::uint32_t id = rg::kIdValue;
  std::uint32_t boot_magic = mm::kBootMagicValue;
  std::optional<std::uint32_t> heap_bytes;  // default: the rest of DRAM
  std::map<std::size_t, Outcome> outcomes;  // by layer; kDone where absent
  rg::ErrorCode error_code = rg::ErrorCode::kNone;
  std::uint32_t error_addr = 0;
};

struct Access {
  bool write = false;
  std::uint32_t offset = 0;
  std::uint32_t value = 0;
  bool operator==(const Access& o) const { return write == o.write && offset == o.offset && value == o.value; }
};

std::string describe(const Access& a) {
  return fmt::format("{} {:#05x} = {:#x}", a.write ? "write" : "read", a.offset, a.value);
}
void PrintTo(const Access& a, std::ostream* os) { *os << describe(a); }

// DRAM as a byte vector laid out the way the platform's loader lays it out (boot
// information, the .qacm file, one image, the heap), and the accelerator as a
// register file that logs every access and completes a layer the moment it starts.
class FakeHal final : public Hal {
 public:
  static constexpr std::size_t kDramBytes = 8u << 20;

  explicit FakeHal(FakeConfig config = {}) : config_(std::move(config)), dram_(kDramBytes) {
    const auto align = [](std::uint64_t a) { return (a + mm::kRegionAlign - 1) / mm::kRegionAlign * mm::kRegionAlign; };
    const std::vector<std::uint8_t>& model = shipped_model_file();
    image = shipped_image("cat");
    image_addr = align(mm::kModel + model.size());
    heap_addr = align(image_addr + image.size());
    heap_bytes = config_.heap_bytes.value_or(static_cast<std::uint32_t>(kDramBytes - heap_addr));
    std::memcpy(&dram_[mm::kModel], model.data(), model.size());
    std::memcpy(&dram_[image_addr], image.data(), image.size());
    const std::pair<std::uint32_t, std::uint64_t> boot[] = {
        {mm::kBootMagic, config_.boot_magic},  {mm::kBootModelAddr, mm::kModel},
        {mm::kBootModelBytes, model.size()},   {mm::kBootImageAddr, image_addr},
        {mm::kBootImageBytes, image.size()},   {mm::kBootImageCount, 1},
        {mm::kBootHeapAddr, heap_addr},        {mm::kBootHeapBytes, heap_bytes}};
    for (const auto& [offset, value] : boot) store32(mm::kBootInfo + offset, static_cast<std::uint32_t>(value));

    registers_[rg::kId] = config_.id;
    registers_[rg::kVersion] = rg::kVersionValue;
    registers_[rg::kPeRows] = config_.hw.pe_rows;
    registers_[rg::kPeCols] = config_.hw.pe_cols;
    registers_[rg::kInputBufBytes] = config_.hw.input_buffer;
    registers_[rg::kWeightBufBytes] = config_.hw.weight_buffer;
    registers_[rg::kOutputBufBytes] = config_.hw.output_buffer;
  }

  std::uint32_t read32(std::uint64_t addr) override {
    if (const auto offset = register_offset(addr)) {
      const auto it = registers_.find(*offset);
      const std::uint32_t value = it == registers_.end() ? 0 : it->second;
      log.push_back({false, *offset, value});
      return value;
    }
    std::uint32_t value = 0;
    read(addr, &value, sizeof value);
    return value;
  }

  void write32(std::uint64_t addr, std::uint32_t value) override {
    const auto offset = register_offset(addr);
    if (!offset) {
      write(addr, &value, sizeof value);
      return;
    }
    log.push_back({true, *offset, value});
    if (*offset == rg::kIrqStatus) {
      registers_[rg::kIrqStatus] &= ~value;  // write one to clear
    } else if (*offset == rg::kCtrl) {
      if ((value & rg::kCtrlStart) != 0) start();  // CTRL always reads 0: not stored
    } else {
      registers_[*offset] = value;
    }
  }

  void read(std::uint64_t addr, void* dst, std::size_t bytes) override {
    check_dram(addr, bytes);
    std::memcpy(dst, &dram_[addr], bytes);
  }

  void write(std::uint64_t addr, const void* src, std::size_t bytes) override {
    check_dram(addr, bytes);
    std::memcpy(&dram_[addr], src, bytes);
  }

  // The interrupt line is IRQ_STATUS masked by IRQ_ENABLE, as on the accelerator.
  bool wait_irq(std::uint64_t timeout_cycles) override {
    timeouts.push_back(timeout_cycles);
    return (registers_[rg::kIrqStatus] & registers_[rg::kIrqEnable]) != 0;
  }

  const std::uint8_t* dram(std::uint64_t addr) const { return &dram_[addr]; }

  // The byte the fake writes at position `i` of layer `layer`'s result, so a test can
  // tell which layer's output the firmware read back.
  static std::uint8_t result_byte(std::size_t layer, std::size_t i) {
    return static_cast<std::uint8_t>(layer * 16 + i);
  }

  std::vector<Access> log;                // every register access, in order
  std::vector<LayerDescriptor> started;   // the descriptor registers as latched by each START
  std::vector<std::uint64_t> timeouts;    // every wait_irq's timeout
  std::vector<std::uint8_t> image;
  std::uint64_t image_addr = 0, heap_addr = 0;
  std::uint32_t heap_bytes = 0;

 private:
  static std::optional<std::uint32_t> register_offset(std::uint64_t addr) {
    if (addr < mm::kAccelBase || addr >= mm::kAccelBase + mm::kAccelSize) return std::nullopt;
    if (addr % rg::kRegisterBytes != 0) throw BusError(fmt::format("unaligned register access at {:#x}", addr), addr);
    return static_cast<std::uint32_t>(addr - mm::kAccelBase);
  }

  void check_dram(std::uint64_t addr, std::size_t bytes) const {
    if (addr > dram_.size() || bytes > dram_.size() - addr)
      throw BusError(fmt::format("{} bytes at {:#x} are outside DRAM", bytes, addr), addr);
  }

  void store32(std::uint64_t addr, std::uint32_t value) {
    for (std::size_t i = 0; i < 4; ++i) dram_[addr + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }

  void start() {
    const std::size_t layer = started.size();
    started.push_back(decode_registers([this](std::uint32_t offset) { return registers_[offset]; }));
    const auto it = config_.outcomes.find(layer);
    switch (it == config_.outcomes.end() ? Outcome::kDone : it->second) {
      case Outcome::kDone: {
        const LayerDescriptor& d = started.back();
        for (std::uint64_t i = 0; i < d.result_bytes(); ++i) dram_.at(d.out_addr + i) = result_byte(layer, i);
        registers_[rg::kStatus] = rg::kStatusDone;
        registers_[rg::kIrqStatus] |= rg::kIrqDone;
        break;
      }
      case Outcome::kError:
      case Outcome::kErrorStatusOnly:
        registers_[rg::kStatus] = rg::kStatusError;
        registers_[rg::kIrqStatus] |= it->second == Outcome::kError ? rg::kIrqError : rg::kIrqDone;
        registers_[rg::kErrorCode] = static_cast<std::uint32_t>(config_.error_code);
        registers_[rg::kErrorAddr] = config_.error_addr;
        break;
      case Outcome::kHang:
        registers_[rg::kStatus] = rg::kStatusBusy;
        break;
    }
  }

  FakeConfig config_;
  std::vector<std::uint8_t> dram_;
  std::map<std::uint32_t, std::uint32_t> registers_;
};

// The FirmwareError `f` throws, or "" (with a test failure) when it throws nothing.
std::string firmware_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const FirmwareError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a FirmwareError";
  return "";
}

// --- Register programming --------------------------------------------------------

TEST(FirmwareRegisters, BootEnablesInterruptsOnceBeforeAnyStart) {
  FakeHal hal;
  Firmware fw(hal);
  const std::size_t boot_accesses = hal.log.size();
  fw.infer(0);

  std::vector<std::size_t> enables, starts;
  for (std::size_t i = 0; i < hal.log.size(); ++i) {
    if (!hal.log[i].write) continue;
    if (hal.log[i].offset == rg::kIrqEnable) enables.push_back(i);
    if (hal.log[i].offset == rg::kCtrl) starts.push_back(i);
  }
  ASSERT_EQ(enables.size(), 1u);
  EXPECT_EQ(hal.log[enables[0]].value, rg::kIrqDone | rg::kIrqError);
  EXPECT_LT(enables[0], boot_accesses) << "IRQ_ENABLE is written at boot";
  ASSERT_FALSE(starts.empty());
  EXPECT_LT(enables[0], starts[0]);
  // The ID register is checked before the firmware relies on anything else there.
  ASSERT_FALSE(hal.log.empty());
  EXPECT_EQ(hal.log[0], (Access{false, rg::kId, rg::kIdValue}));
}

TEST(FirmwareRegisters, EachLayerProgramsStartsWaitsAndClears) {
  FakeHal hal;
  Firmware fw(hal);
  const std::size_t boot_accesses = hal.log.size();
  fw.infer(0);
  const std::size_t layers = fw.model().layers.size();
  ASSERT_EQ(layers, 8u);
  ASSERT_EQ(hal.started.size(), layers) << "START written exactly once per layer";

  // Per layer, exactly: every descriptor register in encode_registers order, one
  // START, then IRQ_STATUS read, STATUS read, and IRQ_STATUS cleared with the value
  // read. Expected values come from the registers as latched at START; what they
  // hold is checked by the tiling and DRAM tests.
  std::vector<Access> expected;
  for (std::size_t k = 0; k < layers; ++k) {
    EXPECT_EQ(hal.started[k].index, k);
    for (const auto& r : encode_registers(hal.started[k])) expected.push_back({true, r.offset, r.value});
    expected.push_back({true, rg::kCtrl, rg::kCtrlStart});
    expected.push_back({false, rg::kIrqStatus, rg::kIrqDone});
    expected.push_back({false, rg::kStatus, rg::kStatusDone});
    expected.push_back({true, rg::kIrqStatus, rg::kIrqDone});
  }
  const std::vector<Access> actual(hal.log.begin() + static_cast<std::ptrdiff_t>(boot_accesses), hal.log.end());
  const std::size_t common = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < common; ++i)
    ASSERT_EQ(actual[i], expected[i]) << "register access " << i << " of the inference";
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_EQ(hal.timeouts.size(), layers) << "one wait per layer";
}

// --- Tiling ----------------------------------------------------------------------

struct ExpectedTiles {
  const char* name;
  std::uint32_t out_channels, rows, in_channels;
};

TEST(FirmwareTiling, DefaultHardwareTilesMatchTheReferenceSimulator) {
  // Measured from the reference simulator with the default design.
  const ExpectedTiles expected[] = {{"conv1", 32, 16, 3},   {"conv2", 96, 16, 64}, {"conv3", 192, 8, 24},
                                    {"conv4", 256, 8, 24},  {"conv5", 256, 8, 16}, {"fc6", 256, 1, 128},
                                    {"fc7", 128, 1, 256},   {"fc8", 10, 1, 128}};
  FakeHal hal;
  Firmware fw(hal);
  fw.infer(0);
  ASSERT_EQ(hal.started.size(), std::size(expected));
  for (std::size_t k = 0; k < std::size(expected); ++k) {
    const LayerDescriptor& d = hal.started[k];
    const ExpectedTiles& e = expected[k];
    SCOPED_TRACE(fmt::format("layer {} ({})", k, e.name));
    EXPECT_EQ(fw.model().layers[k].name, e.name);
    EXPECT_EQ(d.tile_out_channels, e.out_channels);
    EXPECT_EQ(d.tile_rows, e.rows);
    EXPECT_EQ(d.tile_in_channels, e.in_channels);
    EXPECT_FALSE(first_overflow(buffer_needs(d), sizes_of(kDefaultHw)).has_value());
    EXPECT_EQ(descriptor_problem(d), "");
  }
}

// full, full/2, full/4, ... rounded up, down to 1 (2 for pooled rows, which must be
// even): the candidates the planner searches, written out independently here.
std::vector<std::uint32_t> halving_candidates(std::uint32_t full, bool even) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t div = 1; div <= 2 * full; div *= 2) {
    std::uint32_t v = (full + div - 1) / div;
    if (even && v % 2 != 0) v = std::min(v + 1, full);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// The least traffic over every valid, fitting plan with the given candidates.
std::optional<std::uint64_t> least_traffic(LayerDescriptor d, const HardwareInfo& hw,
                                           const std::vector<std::uint32_t>& ocs,
                                           const std::vector<std::uint32_t>& rows,
                                           const std::vector<std::uint32_t>& ics) {
  std::optional<std::uint64_t> best;
  for (std::uint32_t oc : ocs)
    for (std::uint32_t r : rows)
      for (std::uint32_t ic : ics) {
        d.tile_out_channels = oc;
        d.tile_rows = r;
        d.tile_in_channels = ic;
        if (!descriptor_problem(d).empty() || !fits(buffer_needs(d), sizes_of(hw))) continue;
        best = std::min(best.value_or(UINT64_MAX), estimated_dram_bytes(d));
      }
  return best;
}

std::vector<std::uint32_t> one_to(std::uint32_t n) {
  std::vector<std::uint32_t> out(n);
  for (std::uint32_t i = 0; i < n; ++i) out[i] = i + 1;
  return out;
}

TEST(FirmwareTiling, SmallBuffersFitWithTheLeastTrafficTheSearchAllows) {
  FakeConfig config;
  config.hw = {16, 16, 8192, 8192, 8192};
  FakeHal hal(config);
  Firmware fw(hal);
  fw.infer(0);
  ASSERT_EQ(hal.started.size(), fw.model().layers.size());
  for (std::size_t k = 0; k < hal.started.size(); ++k) {
    const LayerDescriptor& d = hal.started[k];
    SCOPED_TRACE(fmt::format("layer {} ({}): tiles {}/{}/{}", k, fw.model().layers[k].name, d.tile_out_channels,
                             d.tile_rows, d.tile_in_channels));
    EXPECT_FALSE(first_overflow(buffer_needs(d), sizes_of(config.hw)).has_value());
    EXPECT_EQ(descriptor_problem(d), "");
    // The planner halves each tile side; among those plans none moves less.
    const auto best = least_traffic(d, config.hw, halving_candidates(d.out_channels, false),
                                    halving_candidates(d.out_height(), d.pool()),
                                    halving_candidates(d.in_channels, false));
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(estimated_dram_bytes(d), *best);
  }
  // fc8 is small enough to try every tile size, not only halvings: still none better.
  const LayerDescriptor& fc8 = hal.started.back();
  ASSERT_EQ(fw.model().layers.back().name, "fc8");
  const auto best = least_traffic(fc8, config.hw, one_to(fc8.out_channels), {1}, one_to(fc8.in_channels));
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(estimated_dram_bytes(fc8), *best);
}

// --- DRAM placement --------------------------------------------------------------

bool overlaps(std::uint64_t a, std::uint64_t a_bytes, std::uint64_t b, std::uint64_t b_bytes) {
  return a < b + b_bytes && b < a + a_bytes;
}

TEST(FirmwareDram, ActivationsArePlacedInTheHeapWithoutOverlap) {
  FakeHal hal;
  Firmware fw(hal);
  const InferenceResult result = fw.infer(0);
  const QuantModel& model = fw.model();
  ASSERT_EQ(hal.started.size(), model.layers.size());
  const std::uint64_t heap_end = hal.heap_addr + hal.heap_bytes;

  // The quantised input is at the heap's start.
  const std::vector<std::uint8_t> input = func::quantize_input(model, hal.image.data());
  EXPECT_EQ(result.input_addr, hal.heap_addr);
  EXPECT_EQ(result.input_addr % DramHeap::kDefaultAlign, 0u);
  EXPECT_EQ(hal.started[0].in_addr, result.input_addr);
  EXPECT_TRUE(std::equal(input.begin(), input.end(), hal.dram(result.input_addr)));

  std::vector<std::pair<std::uint64_t, std::uint64_t>> regions = {{result.input_addr, input.size()}};
  const std::vector<std::uint8_t>& file = shipped_model_file();
  const QuantModel decoded = decode_model(file.data(), file.size(), "shipped model");
  for (std::size_t k = 0; k < hal.started.size(); ++k) {
    const LayerDescriptor& d = hal.started[k];
    SCOPED_TRACE(fmt::format("layer {} ({}) at {:#x}", k, model.layers[k].name, d.out_addr));
    // The shape is the model's; the tensors stay where the loader put the file.
    const LayerDescriptor shape = layer_shape(decoded.layers[k], static_cast<std::uint32_t>(k));
    EXPECT_EQ(d.type, shape.type);
    EXPECT_EQ(d.flags, shape.flags);
    EXPECT_EQ(d.in_channels, shape.in_channels);
    EXPECT_EQ(d.in_height, shape.in_height);
    EXPECT_EQ(d.out_channels, shape.out_channels);
    EXPECT_EQ(d.kernel, shape.kernel);
    EXPECT_EQ(d.shift, shape.shift);
    EXPECT_EQ(d.weight_addr, mm::kModel + decoded.layers[k].weight_file_offset);
    EXPECT_EQ(d.bias_addr, mm::kModel + decoded.layers[k].bias_file_offset);
    if (k > 0) {
      EXPECT_EQ(d.in_addr, hal.started[k - 1].out_addr) << "each layer reads the previous one's result";
    }

    EXPECT_EQ(d.out_addr % DramHeap::kDefaultAlign, 0u);
    EXPECT_GE(d.out_addr, hal.heap_addr);
    EXPECT_LE(d.out_addr + d.result_bytes(), heap_end);
    for (const auto& [addr, bytes] : regions)
      EXPECT_FALSE(overlaps(d.out_addr, d.result_bytes(), addr, bytes)) << fmt::format("overlaps {:#x}", addr);
    regions.emplace_back(d.out_addr, d.result_bytes());
  }

  // The logits are what the last layer wrote at its out_addr.
  const std::size_t last = hal.started.size() - 1;
  ASSERT_EQ(result.logits.size(), hal.started[last].result_bytes());
  for (std::size_t i = 0; i < result.logits.size(); ++i)
    EXPECT_EQ(result.logits[i], FakeHal::result_byte(last, i)) << "logit " << i;
  EXPECT_EQ(result.predicted, static_cast<int>(result.logits.size()) - 1);
}

TEST(FirmwareDram, HeapAllocatesAlignedUpToItsEndThenThrows) {
  DramHeap heap(0x1000, 0x100);
  EXPECT_EQ(heap.allocate(100), 0x1000u);
  EXPECT_EQ(heap.allocate(64), 0x1080u);  // 0x1064 rounded up to 64
  EXPECT_EQ(heap.allocate(64), 0x10C0u);  // ends exactly at the heap's end
  const std::string error = firmware_error([&] { heap.allocate(1); });
  EXPECT_NE(error.find("DRAM heap exhausted"), std::string::npos) << error;
}

// Bytes of heap one inference needs: the input, then every layer's result, each
// starting on a 64-byte line.
std::uint64_t heap_needed(const QuantModel& model) {
  const auto align = [](std::uint64_t a) { return (a + 63) / 64 * 64; };
  std::uint64_t end = static_cast<std::uint64_t>(model.input_channels) * model.input_height * model.input_width;
  for (std::size_t k = 0; k < model.layers.size(); ++k)
    end = align(end) + layer_shape(model.layers[k], static_cast<std::uint32_t>(k)).result_bytes();
  return end;
}

TEST(FirmwareDram, InferenceNeedsExactlyTheHeapItsActivationsTake) {
  const std::vector<std::uint8_t>& file = shipped_model_file();
  const std::uint64_t needed = heap_needed(decode_model(file.data(), file.size(), "shipped model"));

  FakeConfig enough;
  enough.heap_bytes = static_cast<std::uint32_t>(needed);
  FakeHal fits_hal(enough);
  Firmware fits_fw(fits_hal);
  EXPECT_NO_THROW(fits_fw.infer(0));

  FakeConfig short_by_one;
  short_by_one.heap_bytes = static_cast<std::uint32_t>(needed - 1);
  FakeHal hal(short_by_one);
  Firmware fw(hal);
  const std::string error = firmware_error([&] { fw.infer(0); });
  EXPECT_NE(error.find("DRAM heap exhausted"), std::string::npos) << error;
  // Every layer is planned, its result placed, before the first starts.
  EXPECT_EQ(hal.started.size(), 0u) << "a heap too small for the last layer's result starts nothing";
}

// --- Faults ----------------------------------------------------------------------

TEST(FirmwareFaults, WatchdogExpiryNamesTheHungLayer) {
  for (const std::size_t hung : {std::size_t{0}, std::size_t{4}, std::size_t{7}}) {
    FakeConfig config;
    config.outcomes[hung] = Outcome::kHang;
    FakeHal hal(config);
    Firmware fw(hal);
    const std::string name = fw.model().layers.at(hung).name;
    SCOPED_TRACE(fmt::format("hang at layer {} ({})", hung, name));
    const std::string error = firmware_error([&] { fw.infer(0); });
    EXPECT_NE(error.find(fmt::format("hang at layer {} ({})", hung, name)), std::string::npos) << error;
    // The firmware stops at the hung layer, having waited on each layer as long as
    // its work warrants.
    ASSERT_EQ(hal.started.size(), hung + 1);
    ASSERT_EQ(hal.timeouts.size(), hung + 1);
    for (std::size_t k = 0; k <= hung; ++k)
      EXPECT_EQ(hal.timeouts[k], watchdog_cycles(hal.started[k], kDefaultHw)) << "layer " << k;
  }
}

TEST(FirmwareFaults, LayerErrorIsReportedWithCodeAndAddress) {
  FakeConfig config;
  config.outcomes[2] = Outcome::kError;
  config.error_code = rg::ErrorCode::kDmaBusError;
  config.error_addr = 0x1234;
  FakeHal hal(config);
  Firmware fw(hal);
  const std::string error = firmware_error([&] { fw.infer(0); });
  EXPECT_NE(error.find("layer 2 (conv3)"), std::string::npos) << error;
  EXPECT_NE(error.find("DMA bus error"), std::string::npos) << error;
  EXPECT_NE(error.find("0x1234"), std::string::npos) << error;
  EXPECT_EQ(hal.started.size(), 3u) << "nothing is started after a failed layer";
  // The error interrupt is still acknowledged, so the next inference starts clean.
  const auto clear = std::find_if(hal.log.rbegin(), hal.log.rend(),
                                  [](const Access& a) { return a.write && a.offset == rg::kIrqStatus; });
  ASSERT_NE(clear, hal.log.rend());
  EXPECT_EQ(clear->value, rg::kIrqError);
}

TEST(FirmwareFaults, ErrorInStatusAloneStillFails) {
  FakeConfig config;
  config.outcomes[5] = Outcome::kErrorStatusOnly;
  config.error_code = rg::ErrorCode::kBufferOverflow;
  config.error_addr = 0x20000;
  FakeHal hal(config);
  Firmware fw(hal);
  const std::string error = firmware_error([&] { fw.infer(0); });
  EXPECT_NE(error.find("layer 5 (fc6)"), std::string::npos) << error;
  EXPECT_NE(error.find("tile overflows an on-chip buffer"), std::string::npos) << error;
  EXPECT_NE(error.find("0x20000"), std::string::npos) << error;
}

TEST(FirmwareFaults, BootRejectsABadIdRegister) {
  FakeConfig config;
  config.id = 0xDEADBEEF;
  FakeHal hal(config);
  const std::string error = firmware_error([&] { Firmware fw(hal); });
  EXPECT_NE(error.find("bad ID"), std::string::npos) << error;
  EXPECT_TRUE(std::none_of(hal.log.begin(), hal.log.end(), [](const Access& a) { return a.write; }))
      << "nothing is written to a device that is not the accelerator";
}

TEST(FirmwareFaults, BootRejectsMissingBootInformation) {
  FakeConfig config;
  config.boot_magic = 0;
  FakeHal hal(config);
  const std::string error = firmware_error([&] { Firmware fw(hal); });
  EXPECT_NE(error.find("magic"), std::string::npos) << error;
}

TEST(FirmwareFaults, ImageIndexBeyondTheLoadedImagesIsRejected) {
  FakeHal hal;
  Firmware fw(hal);
  ASSERT_EQ(fw.image_count(), 1u);
  const std::string error = firmware_error([&] { fw.infer(1); });
  EXPECT_NE(error.find("image 1 of 1"), std::string::npos) << error;
  EXPECT_TRUE(hal.started.empty());
}

// --- Hand-counted formulas -------------------------------------------------------

// conv 3x3, 2 -> 4 channels on 4x4, ReLU and max-pool; tiles 2 out channels, 2 rows,
// 1 in channel.
LayerDescriptor small_conv() {
  LayerDescriptor d;
  d.type = 1;
  d.flags = rg::kFlagRelu | rg::kFlagMaxPool;
  d.in_channels = 2;
  d.in_height = d.in_width = 4;
  d.out_channels = 4;
  d.kernel = 3;
  d.tile_out_channels = 2;
  d.tile_rows = 2;
  d.tile_in_channels = 1;
  return d;
}

TEST(FirmwareFormulas, EstimatedDramBytesByHand) {
  // Conv: row tiles ceil(4/2) = 2, output-channel tiles ceil(4/2) = 2.
  //   weights 4*2*3*3 = 72, loaded once per row tile:                 72 * 2 = 144
  //   input rows 4 + 2*padding(1)*(2-1) = 6, so 2*6*4 = 48 bytes,
  //   loaded once per output-channel tile:                            48 * 2 =  96
  //   bias 4 bytes * 4 channels per row tile:                         16 * 2 =  32
  //   result 4 channels * 2*2 after pooling:                                    16
  //                                                                  total     288
  const LayerDescriptor conv = small_conv();
  ASSERT_EQ(descriptor_problem(conv), "");
  EXPECT_EQ(estimated_dram_bytes(conv), 288u);

  // Dense 128 -> 10, tiles 5 out, 1 row, 64 in: one row tile, two output tiles.
  //   weights 1280 * 1 + inputs 128 * 2 + bias 4*10 * 1 + result 10 = 1586
  LayerDescriptor dense;
  dense.type = 2;
  dense.in_channels = 128;
  dense.out_channels = 10;
  dense.tile_out_channels = 5;
  dense.tile_rows = 1;
  dense.tile_in_channels = 64;
  ASSERT_EQ(descriptor_problem(dense), "");
  EXPECT_EQ(estimated_dram_bytes(dense), 1586u);
}

TEST(FirmwareFormulas, WatchdogCyclesByHand) {
  // MACs 4 out * 2 in * 3*3 * 4*4 = 1152; DRAM bytes 288 (above); steps 2 * 2 * 2 = 8.
  // 2x2 array: 64 * (1152/4 + 288) + 1024 * 8 + 1,000,000 = 36,864 + 8,192 + 1,000,000.
  const LayerDescriptor conv = small_conv();
  EXPECT_EQ(watchdog_cycles(conv, {2, 2, 65536, 131072, 131072}), 1'045'056u);
  // 16x16 array: 1152/256 = 4 (rounded down): 64 * (4 + 288) + 8,192 + 1,000,000.
  EXPECT_EQ(watchdog_cycles(conv, kDefaultHw), 1'026'880u);
}

}  // namespace
}  // namespace qacc::sw
