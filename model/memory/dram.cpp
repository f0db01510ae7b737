#include "model/memory/dram.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include "base/error.h"
#include "model/memory/banked_backend.h"
#include "model/memory/dramsys_backend.h"
#include "model/timing/cost_model.h"

namespace qacc {

Dram::Dram(sc_core::sc_module_name name, const ArchConfig& config)
    : sc_module(name),
      in("in"),
      config_(config),
      clock_(config.cycle_ns()),
      size_(config.dram_bytes),
      data_(static_cast<unsigned char*>(std::calloc(config.dram_bytes, 1))) {
  if (!data_) throw std::bad_alloc();
  // Huge pages where the kernel offers them on request: the model and images written
  // at start would otherwise fault in page by page (about a thousand faults per run,
  // most of a short run's system time). madvise wants a page-aligned start.
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(data_.get()) + page - 1) / page * page;
  const auto end = reinterpret_cast<std::uintptr_t>(data_.get()) + size_;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  in.register_b_transport(this, &Dram::b_transport);
  in.register_nb_transport_fw(this, &Dram::nb_transport_fw);
  in.register_transport_dbg(this, &Dram::transport_dbg);
  in.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  if (config.dram_model == DramModel::kDramSys) backend_ = make_dramsys_backend("dramsys", config);
  if (config.dram_model == DramModel::kBanked) backend_ = make_banked_backend("banked", config);
  if (backend_)
    backend_->on_response([this](tlm::tlm_generic_payload& t, const sc_core::sc_time& at) { respond(t, at); });
}

Dram::~Dram() = default;

double Dram::peak_bytes_per_cycle() const {
  return backend_ ? backend_->peak_bytes_per_cycle() : static_cast<double>(config_.dram_bytes_per_cycle);
}

std::string Dram::describe() const {
  return backend_ ? backend_->describe()
                  : fmt::format("simple ({} cycles latency, {} B/cycle)", config_.dram_latency_cycles,
                                config_.dram_bytes_per_cycle);
}

bool Dram::accept(tlm::tlm_generic_payload& t) const {
  // In order: streaming width, byte enables, then the address range.
  if (t.get_streaming_width() != t.get_data_length()) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (t.get_byte_enable_ptr() != nullptr) {
    t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  const std::uint64_t addr = t.get_address(), len = t.get_data_length();
  if (addr > size_ || len > size_ - addr) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (!t.is_read() && !t.is_write()) {
    t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  return true;
}

bool Dram::serve(tlm::tlm_generic_payload& t) {
  if (!accept(t)) return false;
  if (t.get_address() < error_end_ && t.get_address() + t.get_data_length() > error_begin_) {
    t.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return false;
  }
  transport_dbg(t);
  ++transactions_;
  t.set_dmi_allowed(true);
  return true;
}

void Dram::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  if (serve(t)) delay += clock_.time(timing::dram_access_cycles(config_, t.get_data_length()));
}

tlm::tlm_sync_enum Dram::nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                         sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP && backend_) {
    responding_ = false;
    send_next_response();
    return tlm::TLM_COMPLETED;
  }
  // The simple model (and a backend that knows the time at once) completes a
  // transaction in its BEGIN_REQ call, so no other phase reaches it.
  if (phase != tlm::BEGIN_REQ) fail("{}: unexpected phase {} in nb_transport_fw", name(), static_cast<unsigned>(phase));
  if (!serve(t)) return tlm::TLM_COMPLETED;  // an error response, at once
  if (backend_) {
    const std::optional<sc_core::sc_time> done = backend_->begin(t, delay);
    if (!done) {
      phase = tlm::END_REQ;
      return tlm::TLM_UPDATED;
    }
    delay = *done - sc_core::sc_time_stamp();
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;
  }
  const std::uint64_t arrival = clock_.cycles(sc_core::sc_time_stamp() + delay);
  const std::uint64_t data = timing::dram_access_cycles(config_, t.get_data_length()) - config_.dram_latency_cycles;
  bus_free_ = std::max(arrival + config_.dram_latency_cycles, bus_free_) + data;
  delay = clock_.time(bus_free_) - sc_core::sc_time_stamp();
  phase = tlm::BEGIN_RESP;
  return tlm::TLM_COMPLETED;
}

void Dram::respond(tlm::tlm_generic_payload& t, const sc_core::sc_time& at) {
  t.acquire();  // until the initiator has taken the response
  responses_.push_back({&t, at});
  if (!responding_) send_next_response();
}

void Dram::send_next_response() {
  while (!responding_ && !responses_.empty()) {
    tlm::tlm_generic_payload& t = *responses_.front().trans;
    const sc_core::sc_time at = responses_.front().at;
    responses_.pop_front();
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    // A response held back behind another's END_RESP leaves no earlier than now.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    sc_core::sc_time delay = at > now ? at - now : sc_core::SC_ZERO_TIME;
    const tlm::tlm_sync_enum status = in->nb_transport_bw(t, phase, delay);
    // The base protocol's response exclusion: with TLM_ACCEPTED the next response
    // waits for this one's END_RESP.
    responding_ = status == tlm::TLM_ACCEPTED;
    t.release();
  }
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& t) {
  if (!accept(t)) return 0;
  const std::uint64_t addr = t.get_address();
  const unsigned len = t.get_data_length();
  if (t.is_read())
    std::memcpy(t.get_data_ptr(), data_.get() + addr, len);
  else
    std::memcpy(data_.get() + addr, t.get_data_ptr(), len);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.allow_read_write();
  dmi.set_dmi_ptr(data_.get());
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.set_read_latency(clock_.time(config_.dram_latency_cycles));
  dmi.set_write_latency(clock_.time(config_.dram_latency_cycles));
  return true;
}

}  // namespace qacc
