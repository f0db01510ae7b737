#include "tests/systemc/testbench.h"

#include <stdexcept>

namespace qacc::test {

sc_core::sc_time cycles(const ArchConfig& config, std::uint64_t n) {
  return static_cast<double>(n) * sc_core::sc_time(config.cycle_ns(), sc_core::SC_NS);
}

Stimulus::Stimulus(sc_core::sc_module_name name) : sc_module(name) {
  SC_HAS_PROCESS(Stimulus);
  SC_THREAD(thread);
  // GoogleTest's assertion machinery and the blocks under test run on this
  // coroutine's stack; SystemC's default is sized for plain models.
  set_stack_size(1 << 20);
}

void Stimulus::run(std::function<void()> step) {
  if (!done_) throw std::logic_error("Stimulus::run: an earlier step never finished");
  step_ = std::move(step);
  error_ = nullptr;
  done_ = false;
  // The thread checks step_ when it first runs, so a step queued before the first
  // sc_start needs no notification.
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) go_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  if (!done_) throw std::runtime_error("Stimulus::run: the simulation starved while the step was waiting");
  if (error_) std::rethrow_exception(error_);
}

void Stimulus::thread() {
  for (;;) {
    while (!step_) sc_core::wait(go_);
    try {
      step_();
    } catch (...) {
      error_ = std::current_exception();
    }
    step_ = nullptr;
    done_ = true;
  }
}

Initiator::Initiator(sc_core::sc_module_name name) : sc_module(name), out("out") {
  out.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate_direct_mem_ptr);
}

Access Initiator::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time* local) {
  sc_core::sc_time delay = local != nullptr ? *local : sc_core::SC_ZERO_TIME;
  const sc_core::sc_time start = delay;
  out->b_transport(trans, delay);
  Access a{trans.get_response_status(), delay - start};
  if (local != nullptr)
    *local = delay;
  else
    sc_core::wait(delay);
  return a;
}

namespace {

void prepare(tlm::tlm_generic_payload& t, tlm::tlm_command command, std::uint64_t addr, void* data, unsigned bytes) {
  t.set_command(command);
  t.set_address(addr);
  t.set_data_ptr(static_cast<unsigned char*>(data));
  t.set_data_length(bytes);
  t.set_streaming_width(bytes);
  t.set_byte_enable_ptr(nullptr);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace

Access Initiator::read(std::uint64_t addr, void* data, unsigned bytes, sc_core::sc_time* local) {
  tlm::tlm_generic_payload t;
  prepare(t, tlm::TLM_READ_COMMAND, addr, data, bytes);
  return transport(t, local);
}

Access Initiator::write(std::uint64_t addr, const void* data, unsigned bytes, sc_core::sc_time* local) {
  tlm::tlm_generic_payload t;
  // TLM's payload holds a non-const pointer for both directions; a write only reads it.
  prepare(t, tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), bytes);
  return transport(t, local);
}

Word Initiator::read32(std::uint64_t addr, sc_core::sc_time* local) {
  Word w;
  w.status = read(addr, &w.value, 4, local).status;
  return w;
}

tlm::tlm_response_status Initiator::write32(std::uint64_t addr, std::uint32_t value, sc_core::sc_time* local) {
  return write(addr, &value, 4, local).status;
}

unsigned Initiator::debug_read(std::uint64_t addr, void* data, unsigned bytes) {
  tlm::tlm_generic_payload t;
  prepare(t, tlm::TLM_READ_COMMAND, addr, data, bytes);
  return out->transport_dbg(t);
}

unsigned Initiator::debug_write(std::uint64_t addr, const void* data, unsigned bytes) {
  tlm::tlm_generic_payload t;
  prepare(t, tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), bytes);
  return out->transport_dbg(t);
}

bool Initiator::dmi(std::uint64_t addr, tlm::tlm_dmi& region) {
  tlm::tlm_generic_payload t;
  prepare(t, tlm::TLM_READ_COMMAND, addr, nullptr, 0);
  region.init();
  return out->get_direct_mem_ptr(t, region);
}

void Initiator::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  invalidations.emplace_back(start, end);
}

}  // namespace qacc::test
