#pragma once
// The host's mapper: what a compiler for the accelerator does before the firmware
// runs. For each layer it picks the tiles (output channels, output rows, input
// channels per pass) by the design's `mapping` mode: the design's pins first, then
// the firmware's own planner (`firmware`: no host choice), a search scored by the
// cost model (`search`, objective `mapping_objective`), or one pass per layer where
// the buffers hold it (`whole-layer`). The result goes to the firmware in the boot
// page (memory_map.h, kBootPlan). Plain C++: no SystemC.
#include <cstdint>
#include <string>
#include <vector>

#include "contract/layer_descriptor.h"
#include "model/config/arch_config.h"
#include "model/io/model_file.h"

namespace qacc {

// The cost model's estimate of a layer run with the descriptor's tiles, as the
// controller runs it (docs/architecture.md §6): the first step's loads, then each step
// as the longer of its pass (and post-processing, at a tile's last chunk) and the DMA
// work queued meanwhile (the next step's loads, the finished tile's store), then the
// last store. DRAM time from the simple model's formulas with dma_max_outstanding
// bursts in flight, on the DRAM model's figures (for banked and dramsys: from the
// device, with its pages; docs/timing.md §7); energy from the proxies of
// design-space.md (MACs, buffer and DRAM bytes).
struct LayerEstimate {
  std::uint64_t cycles = 0;
  double energy_pj = 0;
  std::uint64_t steps = 0;
  // Cycles no run of these tiles can beat: its PE passes and post-processing one after
  // the other, or (simple DRAM) its DMA bursts' setup, port beats, or place-time over
  // the places (sim_mapcheck prunes with it).
  std::uint64_t floor = 0;
};
LayerEstimate estimate_layer(const ArchConfig& config, const LayerDescriptor& tiled);
// The same for a layer without tiles (`shape`) mapped by the host with `tiles`.
LayerEstimate estimate_plan(const ArchConfig& config, const LayerDescriptor& shape, const TileChoice& tiles);

// Who chose a layer's tiles.
enum class MappingSource { kFirmware, kPinned, kSearch, kWholeLayer };
const char* to_string(MappingSource source);  // "firmware", "pinned", "search", "whole-layer"

struct LayerMapping {
  std::string layer;
  TileChoice tiles;        // all zero: the firmware plans the layer
  MappingSource source = MappingSource::kFirmware;
  LayerEstimate estimate;  // of the chosen tiles (zero for the firmware's)
  std::uint64_t candidates = 0;  // plans scored by the search
};

// The layer flags (regs::kLayoutFlags) a mapping hands the firmware with its tiles:
// the walk, and reuse for every layer the host maps (its estimate counts on it); none
// for the firmware's own plans.
std::uint32_t layout_flags(const LayerMapping& mapping);

// Every tile choice of the search for `shape` (a layer without tiles) that the
// accelerator accepts and the buffers hold: for each dimension, every size that
// gives a different number of tiles, and the multiples of the array side it lies on;
// with one chunk per tile and several tiles each way, both walks.
std::vector<TileChoice> candidate_tiles(const ArchConfig& config, const LayerDescriptor& shape);

// The tiles of every layer of `model` on `config`. Throws qacc::UsageError naming
// the layer and its key (mapping.<layer>) when a pin names no layer, does not cover
// the layer or does not fit the buffers.
std::vector<LayerMapping> map_layers(const ArchConfig& config, const QuantModel& model);

}  // namespace qacc
