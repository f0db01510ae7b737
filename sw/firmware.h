#pragma once
// The firmware: plain C++ against the HAL, never SystemC. It reads the exported model
// from DRAM (header and layer table only: the tensors stay where the loader put them
// and the accelerator's DMA reads them there), quantises the input image, then for
// each layer plans the tiling, programs the descriptor registers, starts the
// accelerator, waits for its interrupt under a watchdog, checks the status, and moves
// on. The logits are read back at the end.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract/hal.h"
#include "contract/layer_descriptor.h"
#include "model/io/model_file.h"
#include "sw/dram_heap.h"
#include "sw/tiling.h"

namespace qacc::sw {

struct LayerRun {
  std::string name;
  LayerDescriptor descriptor;  // as programmed, tile sizes included
  std::uint64_t timeout_cycles = 0;
};

struct InferenceResult {
  std::uint64_t input_addr = 0;  // the quantised input in DRAM
  std::vector<LayerRun> layers;  // each layer's result at descriptor.out_addr
  std::vector<std::uint8_t> logits;  // quantised, zero point and exponent of the last layer
  int predicted = -1;
};

// Watchdog bound for one layer, from its work: a generous multiple of its MACs over
// the array size plus its DRAM traffic at one byte per cycle, 1,024 cycles per step
// (a PE pass and its transfers), plus a constant.
std::uint64_t watchdog_cycles(const LayerDescriptor& d, const HardwareInfo& hw);

// Boots once (boot information, accelerator ID and parameters, the model's header
// and layer table), then runs any of the images the loader placed. Throws
// FirmwareError (naming the layer) or BusError.
class Firmware {
 public:
  explicit Firmware(Hal& hal);
  std::size_t image_count() const { return image_count_; }
  const QuantModel& model() const { return model_; }
  InferenceResult infer(std::size_t image);

 private:
  Hal& hal_;
  HardwareInfo hw_;
  bool overlap_ = false;  // FEATURES: the next layer can be queued while one runs
  QuantModel model_;
  std::uint64_t model_addr_ = 0, image_addr_ = 0, heap_addr_ = 0, heap_bytes_ = 0;
  std::uint32_t image_bytes_ = 0, image_count_ = 0;
  // The host's tiles per layer (kBootPlan); an entry of zeros, or none: plan_tiles.
  std::vector<TilePlan> host_plan_;
};

}  // namespace qacc::sw
