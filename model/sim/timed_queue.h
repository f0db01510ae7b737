#pragma once
// Items that fall due at simulated times, served by one SC_METHOD of the owner made
// sensitive to event(): a binary heap on a vector with one sc_event, so a steady
// stream of pushes allocates nothing (tlm_utils::peq_with_cb_and_phase allocates a
// multimap node per item, which was most of the DMA's cost per burst). Items due at
// the same time come out in the order they were pushed.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include <systemc>

namespace qacc {

template <typename T>
class TimedQueue {
 public:
  // Due at absolute time `at` (not before now).
  void push(const sc_core::sc_time& at, T item) {
    heap_.push(Entry{at, sequence_++, std::move(item)});
    event_.notify(at - sc_core::sc_time_stamp());  // an earlier pending notification wins
  }

  // Calls f(item) for every item due by now, in time order, then arms the event for
  // the next one.
  template <typename F>
  void pop_due(F&& f) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!heap_.empty() && heap_.top().at <= now) {
      T item = heap_.top().item;
      heap_.pop();
      f(item);
    }
    if (!heap_.empty()) event_.notify(heap_.top().at - now);
  }

  const sc_core::sc_event& event() const { return event_; }
  bool empty() const { return heap_.empty(); }

 private:
  struct Entry {
    sc_core::sc_time at;
    std::uint64_t sequence;
    T item;
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : sequence > o.sequence; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::uint64_t sequence_ = 0;
  sc_core::sc_event event_;
};

}  // namespace qacc
