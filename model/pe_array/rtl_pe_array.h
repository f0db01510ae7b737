#pragma once
// pe_model: rtl. The PE array's passes run on its RTL (rtl/pe_pass.sv) verilated with
// --sc: a SystemC module the calling thread clocks a cycle at a time, fed from the
// buffers' operands in the beat order of PassBeats (pass_beats.h). The RTL's sums are
// the pass's results and its cycles the pass's time. Built only with Verilator 5
// (QACC_HAVE_RTL), at the sizes kRtlPeSizes lists (model/config/arch_config.h).
#include <cstdint>
#include <memory>

#include <systemc>

#include "model/config/arch_config.h"

namespace qacc {

// One pass as the RTL takes it: the GEMM of timing::TileShape.
struct RtlPassData {
  std::uint32_t k = 0, p = 0, m = 0;
  const std::int16_t* x = nullptr;       // [K][P]: input terms minus the zero point
  const std::int8_t* w = nullptr;        // [M][K]
  std::int32_t* psum = nullptr;          // [M][P]: the start values, then the results
};

class RtlPeArray : public sc_core::sc_module {
 public:
  // From an SC_THREAD: runs the pass and returns its cycles, from start to the later of
  // done and the last result beat (docs/timing.md §11).
  virtual std::uint64_t run(const RtlPassData& pass) = 0;

 protected:
  explicit RtlPeArray(sc_core::sc_module_name name) : sc_module(name) {}
};

// The RTL of config's array shape; throws UsageError if this build has none of it.
std::unique_ptr<RtlPeArray> make_rtl_pe_array(sc_core::sc_module_name name, const ArchConfig& config);

}  // namespace qacc
