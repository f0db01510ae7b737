#pragma once
// A memory manager for TLM-2.0 generic payloads (tlm_mm_interface): approximately-timed
// transactions outlive the call that started them, and targets such as DRAMSys
// acquire and release them, so each payload is reference counted and comes back here
// when the last holder lets go. Payloads are reused, never freed while the pool lives.
#include <memory>
#include <vector>

#include <tlm>

namespace qacc {

class PayloadPool : public tlm::tlm_mm_interface {
 public:
  PayloadPool() = default;
  PayloadPool(const PayloadPool&) = delete;
  PayloadPool& operator=(const PayloadPool&) = delete;

  // A cleared payload with this pool as its memory manager and one reference held
  // (the caller's, given back with release()).
  tlm::tlm_generic_payload* allocate() {
    tlm::tlm_generic_payload* p;
    if (free_.empty()) {
      owned_.push_back(std::make_unique<tlm::tlm_generic_payload>(this));
      p = owned_.back().get();
    } else {
      p = free_.back();
      free_.pop_back();
    }
    p->acquire();
    return p;
  }

  void free(tlm::tlm_generic_payload* p) override {
    p->reset();  // also drops extensions that were registered as auto
    free_.push_back(p);
  }

  std::size_t allocated() const { return owned_.size(); }

 private:
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> owned_;
  std::vector<tlm::tlm_generic_payload*> free_;
};

}  // namespace qacc
