#include "model/cpu/tlm_hal.h"

#include <algorithm>

#include <fmt/format.h>

namespace qacc {

namespace {
// Largest single bus access the HAL issues for block reads and writes.
constexpr std::size_t kMaxAccessBytes = 256;
}  // namespace

TlmHal::TlmHal(tlm::tlm_initiator_socket<>& bus, sc_core::sc_in<bool>& irq, const Clock& clock,
               std::uint64_t quantum_cycles)
    : bus_(bus), irq_(irq), clock_(clock) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(clock_.time(quantum_cycles));
  keeper_.reset();
}

void TlmHal::access(tlm::tlm_command command, std::uint64_t addr, void* data, std::size_t bytes) {
  tlm::tlm_generic_payload t;
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t len = std::min(kMaxAccessBytes, bytes - done);
    t.set_command(command);
    t.set_address(addr + done);
    t.set_data_ptr(static_cast<unsigned char*>(data) + done);
    t.set_data_length(static_cast<unsigned>(len));
    t.set_streaming_width(static_cast<unsigned>(len));
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = keeper_.get_local_time() + clock_.period();  // one cycle to issue
    const std::uint64_t issued = now();
    bus_->b_transport(t, delay);
    keeper_.set(delay);
    if (timeline_ != nullptr && timeline_->shows(Timeline::Detail::kPass))
      timeline_->slice(track_, command == tlm::TLM_READ_COMMAND ? "read" : "write", issued, now(),
                       {{"address", fmt::format("{:#x}", addr + done)}, {"bytes", std::uint64_t{len}}});
    if (t.is_response_error())
      throw BusError(fmt::format("bus {} of {} bytes at {:#x}: {}", command == tlm::TLM_READ_COMMAND ? "read" : "write",
                                     len, addr + done, t.get_response_string()),
                         addr + done);
    if (keeper_.need_sync()) keeper_.sync();
    done += len;
  }
}

std::uint32_t TlmHal::read32(std::uint64_t addr) {
  std::uint32_t v = 0;
  access(tlm::TLM_READ_COMMAND, addr, &v, sizeof v);
  return v;
}

void TlmHal::write32(std::uint64_t addr, std::uint32_t value) { access(tlm::TLM_WRITE_COMMAND, addr, &value, sizeof value); }

void TlmHal::read(std::uint64_t addr, void* dst, std::size_t bytes) { access(tlm::TLM_READ_COMMAND, addr, dst, bytes); }

void TlmHal::write(std::uint64_t addr, const void* src, std::size_t bytes) {
  access(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(src), bytes);
}

bool TlmHal::wait_irq(std::uint64_t timeout_cycles) {
  // Everything issued so far becomes visible before the CPU sleeps.
  keeper_.sync();
  if (irq_.read()) return true;
  const std::uint64_t slept = now();
  sc_core::wait(clock_.time(timeout_cycles), irq_.posedge_event());
  keeper_.reset();
  if (timeline_ != nullptr) timeline_->slice(track_, "wait for interrupt", slept, now());
  return irq_.read();
}

void TlmHal::record(Timeline* timeline) {
  timeline_ = timeline;
  if (timeline_ != nullptr) track_ = timeline_->track("CPU");
}

void TlmHal::phase(std::string_view name) {
  if (timeline_ == nullptr || name == phase_) return;
  const std::uint64_t at = now();
  if (!phase_.empty()) timeline_->slice(track_, phase_, phase_start_, at);
  phase_ = name;
  phase_start_ = at;
}

}  // namespace qacc
