#include "model/interconnect/router.h"

#include <algorithm>

#include "base/error.h"

namespace qacc {

Router::Router(sc_core::sc_module_name name, std::vector<AddressRegion> map)
    : sc_module(name), in("in"), out("out"), map_(std::move(map)), stats_(map_.size()) {
  for (std::size_t i = 0; i < map_.size(); ++i) {
    if (map_[i].size == 0) fail("{}: region {} is empty", this->name(), map_[i].name);
    for (std::size_t j = 0; j < i; ++j) {
      const auto& a = map_[i];
      const auto& b = map_[j];
      if (a.base < b.base + b.size && b.base < a.base + a.size)
        fail("{}: regions {} [{:#x}, {:#x}) and {} [{:#x}, {:#x}) overlap", this->name(), a.name, a.base,
             a.base + a.size, b.name, b.base, b.base + b.size);
    }
  }
  in.register_b_transport(this, &Router::b_transport);
  in.register_nb_transport_fw(this, &Router::nb_transport_fw);
  out.register_nb_transport_bw(this, &Router::nb_transport_bw);
  in.register_transport_dbg(this, &Router::transport_dbg);
  in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

int Router::decode(std::uint64_t addr, std::uint64_t len) const {
  for (std::size_t i = 0; i < map_.size(); ++i) {
    const auto& r = map_[i];
    if (addr >= r.base && addr - r.base < r.size && len <= r.size - (addr - r.base)) return static_cast<int>(i);
  }
  return -1;
}

int Router::route(tlm::tlm_generic_payload& t) {
  const int target = decode(t.get_address(), t.get_data_length());
  if (target < 0) {
    ++misses_;
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return -1;
  }
  auto& s = stats_[static_cast<std::size_t>(target)];
  ++s.transactions;
  (t.is_read() ? s.bytes_read : s.bytes_written) += t.get_data_length();
  t.set_address(t.get_address() - map_[static_cast<std::size_t>(target)].base);
  return target;
}

void Router::b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const std::uint64_t addr = t.get_address();
  const int target = route(t);
  if (target < 0) return;
  out[target]->b_transport(t, delay);
  t.set_address(addr);
}

std::vector<Router::Route>::iterator Router::find_route(const tlm::tlm_generic_payload& t) {
  // The whole list, without stopping at the match: a handful of entries, and the
  // match's place is random, so an early exit costs a mispredicted branch each time.
  std::size_t found = in_flight_.size();
  for (std::size_t i = 0; i < in_flight_.size(); ++i) found = in_flight_[i].trans == &t ? i : found;
  return in_flight_.begin() + static_cast<std::ptrdiff_t>(found);
}

void Router::forget(std::vector<Route>::iterator route) {
  *route = in_flight_.back();
  in_flight_.pop_back();
}

tlm::tlm_sync_enum Router::nb_transport_fw(int id, tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    const std::uint64_t addr = t.get_address();
    const int target = route(t);
    if (target < 0) return tlm::TLM_COMPLETED;  // the error response, at once
    in_flight_.push_back(Route{&t, id, target, addr});
    const tlm::tlm_sync_enum status = out[target]->nb_transport_fw(t, phase, delay);
    if (status == tlm::TLM_COMPLETED) {
      t.set_address(addr);
      forget(find_route(t));
    }
    return status;
  }
  // END_RESP (or a later phase of an extended protocol): to the target holding it.
  const auto it = find_route(t);
  if (it == in_flight_.end()) return tlm::TLM_COMPLETED;
  const int target = it->target;
  if (phase == tlm::END_RESP) forget(it);
  return out[target]->nb_transport_fw(t, phase, delay);
}

tlm::tlm_sync_enum Router::nb_transport_bw(int, tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  const auto it = find_route(t);
  if (it == in_flight_.end()) return tlm::TLM_COMPLETED;
  const int initiator = it->initiator;
  // The initiator sees its own address from the response on.
  if (phase == tlm::BEGIN_RESP) t.set_address(it->address);
  const tlm::tlm_sync_enum status = in[initiator]->nb_transport_bw(t, phase, delay);
  if (status == tlm::TLM_COMPLETED || (status == tlm::TLM_UPDATED && phase == tlm::END_RESP)) forget(find_route(t));
  return status;
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& t) {
  const std::uint64_t addr = t.get_address();
  const int target = decode(addr, t.get_data_length());
  if (target < 0) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  t.set_address(addr - map_[static_cast<std::size_t>(target)].base);
  const unsigned n = out[target]->transport_dbg(t);
  t.set_address(addr);
  return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = t.get_address();
  const int target = decode(addr, 1);
  if (target < 0) return false;
  const auto& r = map_[static_cast<std::size_t>(target)];
  t.set_address(addr - r.base);
  const bool ok = out[target]->get_direct_mem_ptr(t, dmi);
  t.set_address(addr);
  if (!ok) return false;
  // Back into the initiator's address space, clipped to the region before rebasing:
  // a target may grant up to 2^64-1, which would wrap when the base is added.
  dmi.set_start_address(dmi.get_start_address() + r.base);
  dmi.set_end_address(std::min<sc_dt::uint64>(dmi.get_end_address(), r.size - 1) + r.base);
  return ok;
}

void Router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
  const auto& r = map_.at(static_cast<std::size_t>(id));
  // Clipped as in get_direct_mem_ptr: "everything" ends at 2^64-1.
  const sc_dt::uint64 last = std::min<sc_dt::uint64>(end, r.size - 1);
  for (unsigned i = 0; i < in.size(); ++i) in[i]->invalidate_direct_mem_ptr(start + r.base, last + r.base);
}

}  // namespace qacc
