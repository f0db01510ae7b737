#pragma once
// The one description of a design: every hardware parameter the platform, the cost
// model and the firmware's tiling read. Loaded from YAML, overridable key by key from
// the command line, validated, printed at start, passed by const reference.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace qacc {

// What stays in the PEs while the rest streams through (docs/timing.md §2): weights
// (ws), output sums (os) or input windows (is).
enum class Dataflow { kWeightStationary, kOutputStationary, kInputStationary };
// How an output-stationary array gives up its sums: shifted down the columns, R
// cycles per output block (shift), or read out of every PE at once (parallel).
enum class OsDrain { kShift, kParallel };
// simple: latency + bytes / bandwidth, latencies overlapped, one shared data bus
// (docs/timing.md); dramsys: DRAMSys's controller and JEDEC timings underneath;
// banked: the project's own bank model of the same device (model/memory/bank_model.h).
enum class DramModel { kSimple, kDramSys, kBanked };
// banked: how requests are scheduled. controller: DRAMSys's controller as configured
// (request buffer, scheduler, answers once final; the same cycles as DRAMSys);
// in_order: each transaction's commands at once, in arrival order (BankModel::serve),
// answered in its BEGIN_REQ call as the simple model's, for sweeps (docs/timing.md §6).
enum class DramScheduling { kController, kInOrder };
// What computes a pass: the cost model's formulas and the integer core (cost), or the
// PE array's RTL (rtl/pe_pass.sv, verilated into the platform; built with Verilator at
// the square sizes of kRtlPeSizes).
enum class PeModel { kCost, kRtl };
inline constexpr int kRtlPeSizes[] = {4, 8, 16};
// ideal: buffer accesses cost no time; ported: each buffer's banks have ports of a
// width in bytes per cycle, shared by the PE array or PPU and the DMA (docs/timing.md).
enum class SramModel { kIdeal, kPorted };
// Per bank: one port for reads and writes (1rw), or a read port and a write port (1r1w).
enum class SramPortKind { k1RW, k1R1W };
// Who chooses a layer's tiles (docs/architecture.md §6): the firmware's own planner
// (least DRAM traffic over halvings), the host's mapper (a search scored by the cost
// model), or one pass per layer where the buffers hold it. Pinned layers
// (mapping.<layer>) keep their pins whatever the mode.
enum class MappingMode { kFirmware, kSearch, kWholeLayer };
enum class MappingObjective { kLatency, kEnergy, kEdp };
// A layer's tiles: output channels, output rows, input channels per pass, the
// controller's walk over them (row tiles outer instead of output-channel tiles) and
// where the bias lies (the output buffer instead of the weight halves). Written
// OC/ROWS/IC, then "/rows" for the row-outer walk and "/bias-out" (mapping.<layer>).
struct TileChoice {
  std::uint32_t out_channels = 0, rows = 0, in_channels = 0;
  bool rows_outer = false;
  bool bias_apart = false;
  bool operator==(const TileChoice& o) const {
    return out_channels == o.out_channels && rows == o.rows && in_channels == o.in_channels &&
           rows_outer == o.rows_outer && bias_apart == o.bias_apart;
  }
};
std::string to_string(const TileChoice& tiles);

const char* to_string(Dataflow dataflow);

struct ArchConfig {
  double clock_mhz = 1000.0;
  int pe_rows = 16;
  int pe_cols = 16;
  Dataflow dataflow = Dataflow::kWeightStationary;
  PeModel pe_model = PeModel::kCost;
  OsDrain os_drain = OsDrain::kShift;
  // OS: a tile of one output block keeps its sums in the PEs from one input-channel
  // chunk to the next, draining them after the last (docs/timing.md §2).
  bool os_keep_sums = false;
  // The next fold's fill overlaps the previous fold's drain within a pass.
  bool fold_overlap = false;
  // WS: the next fold's weights load into shadow registers while the current streams.
  bool ws_weight_double_buffer = false;
  std::uint32_t input_buffer_bytes = 64 * 1024;
  std::uint32_t weight_buffer_bytes = 128 * 1024;
  std::uint32_t output_buffer_bytes = 128 * 1024;  // int32 partial sums + result staging
  SramModel sram_model = SramModel::kIdeal;
  SramPortKind sram_ports = SramPortKind::k1RW;
  std::uint32_t sram_banks = 2;  // per buffer, each a contiguous slice of its addresses
  // Bytes per cycle through one port of one bank.
  std::uint32_t input_buffer_width = 64;
  std::uint32_t weight_buffer_width = 64;
  std::uint32_t output_buffer_width = 256;  // int32 partial sums: 64 per cycle
  std::uint32_t ppu_lanes = 16;                    // post-processing elements per cycle
  std::uint32_t dma_bus_bytes = 16;                // bytes per bus beat
  std::uint32_t dma_burst_bytes = 256;             // largest burst
  std::uint32_t dma_setup_cycles = 4;              // per burst
  std::uint32_t dma_max_outstanding = 8;           // bursts in flight, reads and writes together
  DramModel dram_model = DramModel::kSimple;
  // dramsys and banked: one of DRAMSys's shipped configurations by name
  // (ddr4-example, ...) or a path to a DRAMSys configuration JSON.
  std::string dram_memspec = "ddr4-example";
  DramScheduling dram_scheduling = DramScheduling::kController;
  std::uint32_t dram_latency_cycles = 40;          // per access
  std::uint32_t dram_bytes_per_cycle = 16;
  std::uint32_t dram_bytes = 64u << 20;
  std::uint32_t quantum_cycles = 10000;  // CPU temporal-decoupling quantum
  // A START is queued while a layer runs, which then starts the next at once with its
  // first weights prefetched (docs/timing.md §7); the firmware programs ahead.
  bool layer_overlap = false;
  MappingMode mapping = MappingMode::kFirmware;
  MappingObjective mapping_objective = MappingObjective::kLatency;
  std::map<std::string, TileChoice> mapping_pins;  // by layer name: mapping.<layer>: OC/ROWS/IC

  // Energy per event and area per unit, for the proxies of model/timing/energy_model.h.
  // Defaults and their sources: docs/design-space.md.
  double energy_mac_pj = 0.3;            // one int8 x int8 multiply and int32 add
  double energy_sram_byte_pj = 2.5;      // one byte read or written in an on-chip buffer
  double energy_dram_byte_pj = 160.0;    // one byte read or written in DRAM
  double energy_register_pj = 1.0;       // one 32-bit register access over the bus
  double area_pe_um2 = 1070.0;           // one PE of rtl/pe.sv, synthesised (rtl/README.md)
  double area_sram_byte_um2 = 4.6;       // one byte of buffer, cells and periphery

  double cycle_ns() const { return 1000.0 / clock_mhz; }
};

// Throws qacc::UsageError naming the key and the reason.
void validate(const ArchConfig& config);

// Applies "key=value" (keys as in the YAML file, e.g. pe_rows=32, dataflow=os; and
// pe=ROWSxCOLS for both dimensions at once).
void apply_override(ArchConfig& config, const std::string& assignment);

// The file's keys over `base` (the defaults unless a tool has its own).
ArchConfig load_arch_config(const std::filesystem::path& path, const ArchConfig& base = ArchConfig{});
// The same from YAML text; `what` names it in errors.
ArchConfig parse_arch_config(const std::string& yaml, const std::string& what, const ArchConfig& base = ArchConfig{});

// key: value lines, alphabetical by key (the key table is a std::map); the same keys
// load_arch_config reads.
std::vector<std::pair<std::string, std::string>> describe(const ArchConfig& config);

}  // namespace qacc
