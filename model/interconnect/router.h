#pragma once
// The bus: decodes an address against one address map, rebases it to the target,
// forwards, and restores it. A miss is answered TLM_ADDRESS_ERROR_RESPONSE. Counts
// transactions and bytes per target. DMI and debug transport are forwarded too.
// Both transport styles pass: b_transport (the CPU's loosely-timed path) and the
// approximately-timed nb_transport (the DMA's), whose backward calls are routed to
// the initiator that began the transaction; the router adds no time of its own.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace qacc {

struct AddressRegion {
  std::string name;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
};

struct RouterTargetStats {
  std::uint64_t transactions = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
};

class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> in;
  // Bind out to the targets in the order of `map`.
  tlm_utils::multi_passthrough_initiator_socket<Router> out;

  // Throws qacc::Error if two regions overlap or one is empty.
  Router(sc_core::sc_module_name name, std::vector<AddressRegion> map);

  const std::vector<AddressRegion>& map() const { return map_; }
  const RouterTargetStats& stats(std::size_t target) const { return stats_.at(target); }
  std::uint64_t misses() const { return misses_; }

 private:
  // Index of the region holding [addr, addr + len), or -1.
  int decode(std::uint64_t addr, std::uint64_t len) const;
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // Decodes, counts and rebases a transaction; -1 (and the error response) on a miss.
  int route(tlm::tlm_generic_payload& trans);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<AddressRegion> map_;
  std::vector<RouterTargetStats> stats_;
  std::uint64_t misses_ = 0;
  // Approximately-timed transactions in flight: who began them, their address. A
  // handful at a time (the DMA's outstanding bursts): a linear search beats hashing.
  struct Route {
    const tlm::tlm_generic_payload* trans = nullptr;
    int initiator = 0, target = 0;
    std::uint64_t address = 0;
  };
  std::vector<Route> in_flight_;
  std::vector<Route>::iterator find_route(const tlm::tlm_generic_payload& trans);
  void forget(std::vector<Route>::iterator route);
};

}  // namespace qacc
