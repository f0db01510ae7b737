// The reference side of the DRAMSys integration test: DRAMSys driven straight by a
// minimal approximately-timed initiator, no DMA, bus or adapter of ours in between.
// Runs the patterns sim_memtest runs (sequential and strided 64-byte reads, in that
// order, in one simulation) and prints, per pattern, "name bytes picoseconds".
// tests/compare_memtest.cmake holds sim_memtest's figures to these.
// Usage: dramsys_direct CONFIG.json OUTSTANDING SEQ_BYTES STRIDED_ROWS STRIDE
#include <cstdint>
#include <cstdio>
#include <deque>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <DRAMSys/config/DRAMSysConfiguration.h>
#include <DRAMSys/simulation/DRAMSys.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/sim/payload_pool.h"
#include "tools/systemc_main.h"

namespace {

constexpr unsigned kBytes = 64;

struct Pattern {
  std::string name;
  std::vector<std::uint64_t> addresses;
};

class Initiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};

  Initiator(sc_core::sc_module_name name, unsigned outstanding, std::vector<Pattern> patterns)
      : sc_module(name), outstanding_(outstanding), patterns_(std::move(patterns)), peq_(this, &Initiator::on_phase) {
    socket.register_nb_transport_bw(this, &Initiator::nb_transport_bw);
    SC_HAS_PROCESS(Initiator);
    SC_THREAD(run);
  }

 private:
  void run() {
    for (const Pattern& p : patterns_) {
      const sc_core::sc_time t0 = sc_core::sc_time_stamp();
      for (const std::uint64_t addr : p.addresses) {
        while (in_flight_ >= outstanding_ || waiting_end_request_) sc_core::wait(changed_);
        tlm::tlm_generic_payload* t = pool_.allocate();
        t->set_command(tlm::TLM_READ_COMMAND);
        t->set_address(addr);
        t->set_data_ptr(data_);
        t->set_data_length(kBytes);
        t->set_streaming_width(kBytes);
        t->set_byte_enable_ptr(nullptr);
        t->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        ++in_flight_;
        waiting_end_request_ = true;
        socket->nb_transport_fw(*t, phase, delay);  // DRAMSys answers TLM_ACCEPTED
      }
      while (in_flight_ > 0) sc_core::wait(changed_);
      const double ps = (sc_core::sc_time_stamp() - t0).to_seconds() * 1e12;
      std::printf("%s %llu %.0f\n", p.name.c_str(), static_cast<unsigned long long>(p.addresses.size() * kBytes), ps);
    }
    sc_core::sc_stop();
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
    peq_.notify(t, phase, delay);
    if (phase != tlm::BEGIN_RESP) return tlm::TLM_ACCEPTED;
    phase = tlm::END_RESP;
    return tlm::TLM_UPDATED;
  }

  void on_phase(tlm::tlm_generic_payload& t, const tlm::tlm_phase& phase) {
    if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) waiting_end_request_ = false;
    if (phase == tlm::BEGIN_RESP) {
      if (t.is_response_error()) std::fprintf(stderr, "error response at %#llx\n", (unsigned long long)t.get_address());
      t.release();
      --in_flight_;
    }
    changed_.notify(sc_core::SC_ZERO_TIME);
  }

  unsigned outstanding_;
  std::vector<Pattern> patterns_;
  tlm_utils::peq_with_cb_and_phase<Initiator> peq_;
  qacc::PayloadPool pool_;
  unsigned char data_[kBytes] = {};
  unsigned in_flight_ = 0;
  bool waiting_end_request_ = false;
  sc_core::sc_event changed_;
};

}  // namespace

int sc_main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: dramsys_direct CONFIG.json OUTSTANDING SEQ_BYTES STRIDED_ROWS STRIDE\n");
    return 2;
  }
  const unsigned outstanding = static_cast<unsigned>(std::stoul(argv[2]));
  const std::uint64_t seq_bytes = std::stoull(argv[3]), rows = std::stoull(argv[4]), stride = std::stoull(argv[5]);
  std::vector<Pattern> patterns(2);
  patterns[0].name = "seq-read";
  for (std::uint64_t a = 0; a < seq_bytes; a += kBytes) patterns[0].addresses.push_back(a);
  patterns[1].name = "strided";
  for (std::uint64_t r = 0; r < rows; ++r) patterns[1].addresses.push_back(r * stride);

  DRAMSys::Config::Configuration config = DRAMSys::Config::from_path(argv[1]);
  config.simconfig.DatabaseRecording = false;
  config.simconfig.SimulationProgressBar = false;
  config.simconfig.StoreMode = DRAMSys::Config::StoreModeType::NoStorage;
  // DRAMSys's banner and tables go to std::cout; our figures go to stdout with printf.
  std::ostringstream sink;
  std::streambuf* console = std::cout.rdbuf(sink.rdbuf());
  DRAMSys::DRAMSys dramsys("dramsys", config);
  Initiator initiator("initiator", outstanding, std::move(patterns));
  initiator.socket.bind(dramsys.tSocket);
  sc_core::sc_start();
  std::cout.rdbuf(console);
  return 0;
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
