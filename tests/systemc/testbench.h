#pragma once
// What the SystemC testbenches share. SystemC elaborates once per process, so each
// executable builds one bench in sc_main and its GoogleTest cases drive that bench
// step by step: a step runs in the Stimulus thread (so it may wait, issue
// b_transport and call blocks that wait), and Stimulus::run returns once the step is
// done and nothing else is left to simulate.
#include <cstdint>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/config/arch_config.h"

namespace qacc::test {

// `n` clock cycles of `config` as simulated time.
sc_core::sc_time cycles(const ArchConfig& config, std::uint64_t n);

class Stimulus : public sc_core::sc_module {
 public:
  explicit Stimulus(sc_core::sc_module_name name);

  // Runs `step` in this module's thread from the current simulated time and
  // simulates until nothing is left to do; rethrows what the step threw. Fails if
  // the simulation starved while the step was still waiting.
  void run(std::function<void()> step);

 private:
  void thread();

  std::function<void()> step_;
  std::exception_ptr error_;
  bool done_ = true;
  sc_core::sc_event go_;
};

struct Access {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_core::sc_time delay;  // what the target annotated
  bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
};

struct Word {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  std::uint32_t value = 0;
};

// A bus master for steps. Without `local`, an access waits the delay the target
// annotated, so sc_time_stamp() shows its cost. With `local`, it behaves like a
// temporally decoupled initiator (the CPU's quantum keeper): the access starts
// *local ahead of sc_time_stamp(), and the delay is added to *local, not waited.
class Initiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Initiator> out;
  // DMI invalidations received on the backward path, as [start, end].
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidations;

  explicit Initiator(sc_core::sc_module_name name);

  // Sends `trans` exactly as the caller prepared it.
  Access transport(tlm::tlm_generic_payload& trans, sc_core::sc_time* local = nullptr);
  Access read(std::uint64_t addr, void* data, unsigned bytes, sc_core::sc_time* local = nullptr);
  Access write(std::uint64_t addr, const void* data, unsigned bytes, sc_core::sc_time* local = nullptr);
  Word read32(std::uint64_t addr, sc_core::sc_time* local = nullptr);
  tlm::tlm_response_status write32(std::uint64_t addr, std::uint32_t value, sc_core::sc_time* local = nullptr);

  // transport_dbg; returns the bytes the target handled.
  unsigned debug_read(std::uint64_t addr, void* data, unsigned bytes);
  unsigned debug_write(std::uint64_t addr, const void* data, unsigned bytes);
  bool dmi(std::uint64_t addr, tlm::tlm_dmi& region);

 private:
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
};

// The one elaboration of a test executable: sc_main constructs it before the first
// sc_start and the tests reach the bench through bench().
template <typename Bench>
class Elaboration {
 public:
  template <typename... Args>
  explicit Elaboration(Args&&... args) : bench_("bench", std::forward<Args>(args)...) {
    current_ = &bench_;
  }
  ~Elaboration() { current_ = nullptr; }
  Elaboration(const Elaboration&) = delete;
  Elaboration& operator=(const Elaboration&) = delete;

  static Bench& bench() { return *current_; }

 private:
  Bench bench_;
  static inline Bench* current_ = nullptr;
};

}  // namespace qacc::test
