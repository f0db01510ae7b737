#pragma once
// Short text as a VCD signal: SystemC traces no strings, so a name (a layer's, a
// buffer's, a stall's cause) travels as 16 ASCII bytes, first character in the most
// significant byte, which GTKWave shows as text with the ASCII format (@820 in the
// .gtkw file Platform::trace writes).
#include <cstddef>
#include <string_view>

#include <systemc>

namespace qacc {

inline constexpr std::size_t kTraceTextChars = 16;
using TraceText = sc_dt::sc_bv<8 * kTraceTextChars>;

// `text` padded with NULs, cut at kTraceTextChars.
inline TraceText trace_text(std::string_view text) {
  TraceText bits;  // all zero
  for (std::size_t i = 0; i < text.size() && i < kTraceTextChars; ++i) {
    const int high = static_cast<int>(8 * (kTraceTextChars - i)) - 1;
    bits.range(high, high - 7) = static_cast<unsigned char>(text[i]);
  }
  return bits;
}

}  // namespace qacc
