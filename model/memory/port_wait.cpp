#include "model/memory/port_wait.h"

#include <algorithm>

namespace qacc {

SramStall wait_for_ports(const Clock& clock, std::uint64_t cycles, std::uint64_t own, std::vector<SramUse>& uses) {
  const std::uint64_t start = clock.now();
  clock.wait(own);
  if (uses.empty()) return {own - cycles, 0};
  // DMA bursts keep landing while the pass waits for its ports: count each window's
  // once, until the ports have caught up.
  std::uint64_t seen = start, elapsed = own;
  for (;;) {
    const std::uint64_t now = clock.now();
    std::uint64_t need = 0;
    for (SramUse& u : uses) {
      u.ports->add_dma(u.bytes, seen, now);
      need = std::max(need, u.ports->cycles(u.bytes));
    }
    seen = now;
    elapsed = now - start;
    if (need <= elapsed) break;
    clock.wait(need - elapsed);
  }
  return {own - cycles, elapsed - own};
}

}  // namespace qacc
