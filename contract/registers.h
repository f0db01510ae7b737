#pragma once
// The accelerator's register map: the one declaration the model, the firmware and
// the tests all include. Plain C++ (no SystemC) so firmware can use it on a real core.
// All registers are 32 bits wide and must be accessed as aligned 32-bit words.
#include <cstdint>

namespace qacc::regs {

inline constexpr std::uint32_t kRegisterBytes = 4;  // every register is one aligned 32-bit word

// Offsets from the accelerator's base address.
enum : std::uint32_t {
  kId = 0x000,          // RO  kIdValue
  kVersion = 0x004,     // RO  kVersionValue
  kCtrl = 0x008,        // WO-like: kCtrlStart (write 1 starts a layer; always reads 0);
                        // START while busy queues the layer when kFeatureLayerOverlap
                        // is on and none is queued; else TLM_COMMAND_ERROR_RESPONSE,
                        // as with overlap while IRQ_STATUS.ERROR is set
  kStatus = 0x00C,      // RO  kStatusBusy | kStatusDone | kStatusError | kStatusQueued
  kIrqStatus = 0x010,   // W1C kIrqDone | kIrqError
  kIrqEnable = 0x014,   // RW  kIrqDone | kIrqError
  kErrorCode = 0x018,   // RO  ErrorCode of the last failed layer
  kErrorAddr = 0x01C,   // RO  kDmaBusError: DRAM address; kBufferOverflow: bytes needed
                        //     (plan rejected) or end offset of the refused SRAM access
  kCycles = 0x020,      // RO  cycles the last layer took (saturates at 2^32-1)
  kDoneCount = 0x024,   // RO  layers finished (done or failed) since reset, wrapping

  // Hardware parameters, so firmware can plan tiles without a copy of the config.
  kPeRows = 0x030,        // RO
  kPeCols = 0x034,        // RO
  kInputBufBytes = 0x038,  // RO
  kWeightBufBytes = 0x03C,  // RO
  kOutputBufBytes = 0x040,  // RO
  kFeatures = 0x044,        // RO  kFeatureLayerOverlap

  // Layer descriptor (RW), latched when kCtrlStart is written: the next layer may be
  // programmed while one runs.
  kLayerIndex = 0x080,   // for traces and statistics
  kLayerType = 0x084,    // LayerType: 1 conv2d, 2 dense
  kLayerFlags = 0x088,   // kFlagRelu | kFlagMaxPool | kLayoutFlags
  kInChannels = 0x08C,
  kInHeight = 0x090,
  kInWidth = 0x094,
  kOutChannels = 0x098,
  kKernel = 0x09C,       // conv: 1 or 3 (padding kernel/2, stride 1)
  kShift = 0x0A0,        // requantisation right shift, two's complement
  kInZeroPoint = 0x0A4,
  kOutZeroPoint = 0x0A8,
  kInAddr = 0x0AC,       // DRAM: input activations, CHW uint8
  kWeightAddr = 0x0B0,   // DRAM: int8 weights, [out][in][ky][kx]
  kBiasAddr = 0x0B4,     // DRAM: int32 bias
  kOutAddr = 0x0B8,      // DRAM: result, CHW uint8 (after pooling)
  kTileOutChannels = 0x0BC,  // output channels per tile
  kTileRows = 0x0C0,         // output rows per tile (before pooling; even with max-pool)
  kTileInChannels = 0x0C4,   // input channels (dense: input features) per chunk

  kRegisterSpace = 0x100,
};

inline constexpr std::uint32_t kIdValue = 0x51414343;  // "QACC"
inline constexpr std::uint32_t kVersionValue = 0x00010000;

inline constexpr std::uint32_t kCtrlStart = 1u << 0;
inline constexpr std::uint32_t kStatusBusy = 1u << 0;
inline constexpr std::uint32_t kStatusDone = 1u << 1;
inline constexpr std::uint32_t kStatusError = 1u << 2;
inline constexpr std::uint32_t kStatusQueued = 1u << 3;  // a START waits for the running layer
// The next layer's START is accepted while one runs (layer_overlap: on): the
// controller starts it the moment the running one ends, its first weights already
// loading.
inline constexpr std::uint32_t kFeatureLayerOverlap = 1u << 0;
inline constexpr std::uint32_t kIrqDone = 1u << 0;
inline constexpr std::uint32_t kIrqError = 1u << 1;
inline constexpr std::uint32_t kFlagRelu = 1u << 0;
inline constexpr std::uint32_t kFlagMaxPool = 1u << 1;
// The controller's walk (docs/architecture.md §5): output-channel tiles outer and row
// tiles inner, or with this bit row tiles outer; input-channel chunks innermost always
// (a tile's partial sums stay in the output buffer until its last chunk).
inline constexpr std::uint32_t kFlagRowsOuter = 1u << 2;
// Keep an operand in its buffer half when the next step needs the same block (same
// output channels and input channels for the weights and bias, same rows and input
// channels for the inputs) instead of loading it again, as NVDLA's weight and data
// reuse bits do. Only a step whose chunk spans every input channel can share a block
// with the next.
inline constexpr std::uint32_t kFlagReuse = 1u << 3;
// The bias in the output buffer (two slots after the result tiles, alternating with
// the weight halves) instead of after the weights in each weight half: a tile's
// weights may then fill a whole half.
inline constexpr std::uint32_t kFlagBiasApart = 1u << 4;
// The flags of how a layer is laid out and walked: the host's mapping chooses them
// (the boot plan's fourth word, memory_map.h), not the model.
inline constexpr std::uint32_t kLayoutFlags = kFlagRowsOuter | kFlagReuse | kFlagBiasApart;

enum class ErrorCode : std::uint32_t {
  kNone = 0,
  kDmaBusError = 1,      // a DMA burst got a TLM error response (kErrorAddr: DRAM address)
  kBadDescriptor = 2,    // inconsistent layer descriptor
  kBufferOverflow = 3,   // a tile does not fit its on-chip buffer
};

}  // namespace qacc::regs
