#pragma once
// A DRAM bank and command timing model ("banked"): DRAMSys's controller and its JEDEC
// timing checks redone as a plain C++ event-driven model, cheap enough to run under the
// platform at a few hundred nanoseconds of wall time per burst. It reads DRAMSys's own
// configuration files, so both models describe the same device (docs/timing.md §6).
//
// What is modelled (mirroring DRAMSys 5.1, src/libdramsys/DRAMSys/controller/):
// - per bank: open row or precharged, earliest next ACT/RD/WR/PRE; per bank group and
//   per rank the same for the group- and rank-wide rules (tRRD_S/L, tCCD_S/L, tWTR_S/L,
//   read-to-write, tFAW over the last four ACTs); rank-to-rank switches (tRTRS); one
//   command per command-bus slot; no two bursts overlapping on the data bus;
// - the controller: a request buffer per bank (Bankwise) or per channel (Shared,
//   ReadWrite); per bank FR-FCFS (oldest row hit, else the oldest), FIFO or FR-FCFS-Grp;
//   among the banks, the command that can start first, the oldest request on a tie
//   (CmdMux Oldest); page policies Open, OpenAdaptive, Closed, ClosedAdaptive (auto
//   precharge as RDA/WRA); responses in command order (RespQueue Fifo);
// - all-bank refresh every tREFI per rank, staggered across ranks as DRAMSys does: at
//   the due time the rank's banks stop, open banks are closed (PREAB), then REFAB blocks
//   the rank for tRFC. While no request is queued, refresh is accounted lazily (at the
//   next push(), run_until() or schedule_until()), so an idle model has no events.
// - energy per command from the memspec's IDD/VDD values (see DramEnergies).
// Not modelled: power-down and self-refresh, refresh postponing/pulling-in
// (RefreshMaxPostponed/Pulledin: every refresh is forced at its due time, pessimistic
// for bursts of traffic), per-bank refresh, refresh management, masked writes,
// background (standby) energy and I/O energy (optimistic for energy), the CmdMux
// Strict and RespQueue Reorder variants (rejected), and the base protocol's handshakes
// between initiator, arbiter and controller beyond one request accepted per clock.
//
// Times at the interface are picoseconds; inside, everything is a whole number of DRAM
// clock cycles (tCK from the memspec).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qacc {

enum class DramStandard { kDdr3, kDdr4, kLpddr4 };
enum class PagePolicy { kOpen, kOpenAdaptive, kClosed, kClosedAdaptive };
enum class DramScheduler { kFifo, kFrFcfs, kFrFcfsGrp };
enum class RequestBuffer { kBankwise, kShared, kReadWrite };

// JEDEC timing parameters in DRAM clock cycles, as the memspec's memtimingspec names them
// (LPDDR4: rp = RPPB, rp_ab = RPAB, rc = RCPB, rfc = RFCAB; one value for the _S/_L pairs
// where the standard has no bank groups).
struct DramTimings {
  unsigned rcd = 0, rp = 0, rp_ab = 0, ras = 0, rc = 0;
  unsigned rl = 0, wl = 0, al = 0;
  unsigned rrd_s = 0, rrd_l = 0, faw = 0;
  unsigned ccd_s = 0, ccd_l = 0;
  unsigned wtr_s = 0, wtr_l = 0, rtp = 0, wr = 0;
  unsigned rfc = 0, refi = 0;
  unsigned rtrs = 0, rpre = 0, wpre = 0, rpst = 0;
  unsigned dqsck = 0, dqss = 0, dqs2dq = 0, ppd = 0;
  unsigned rtw = 0;  // read-to-write from the memspec's "RTW" if it has one; 0: derived
};

// Energy per event for one rank (all its devices), in pJ, from the Micron/DRAMPower
// current-based formulas (Micron TN-41-01 "Calculating Memory System Power for DDR3";
// DRAMPower, Chandrasekar et al.), per supply rail (VDD, and VDD2/VPP where the memspec
// has one), with I in mA and t in ns:
//   act = IDD0 tRC - (IDD3N tRAS + IDD2N (tRC - tRAS))   one ACT with its PRE
//   rd  = (IDD4R - IDD3N) BL/dataRate tCK                  one read burst
//   wr  = (IDD4W - IDD3N) BL/dataRate tCK                  one write burst
//   ref = (IDD5 - IDD3N) tRFC                              one all-bank refresh
// each times V and devices per rank; a negative rail term counts as zero.
struct DramEnergies {
  double act_pj = 0, rd_pj = 0, wr_pj = 0, ref_pj = 0;
};

// Where an address lands. bank and bank_group are flat indices over the whole device
// (channel, rank, group, bank), as DRAMSys numbers them.
struct DramAddress {
  unsigned channel = 0, rank = 0, bank_group = 0, bank = 0;
  std::uint32_t row = 0, column = 0;
};

struct DramDevice {
  std::string name;  // the memspec's memoryId
  DramStandard standard = DramStandard::kDdr4;
  double tck_ps = 0;
  unsigned channels = 1, ranks = 1, bank_groups = 1, banks_per_group = 1;  // groups per rank
  unsigned rows = 0, columns = 0, device_width = 0, devices_per_rank = 0;
  unsigned burst_length = 0, data_rate = 0;
  DramTimings t;

  PagePolicy page_policy = PagePolicy::kOpen;
  DramScheduler scheduler = DramScheduler::kFrFcfs;
  RequestBuffer buffer = RequestBuffer::kBankwise;
  unsigned queue_size = 8, queue_size_read = 8, queue_size_write = 8;
  bool refresh = true;  // RefreshPolicy AllBank (true) or NoRefresh
  // Controller delays in cycles (McConfig ThinkDelayFw + ArbitrationDelayFw before a
  // request can be scheduled; PhyDelayFw/Bw + ThinkDelayBw + ArbitrationDelayBw after
  // its data).
  unsigned request_delay = 1, response_delay = 0;

  // Address bits of each field, least significant first: field bit i is address bit
  // bits[i].bit XOR the parity of (address & bits[i].xor_with). A DRAMSys XOR entry
  // [a, b, c] is bit a with xor_with = bits b and c.
  struct MappedBit {
    unsigned bit = 0;
    std::uint64_t xor_with = 0;
  };
  struct Mapping {
    std::vector<MappedBit> channel, rank, bank_group, bank, row, column, byte;
  } mapping;

  DramEnergies energy;

  unsigned banks() const { return channels * ranks * bank_groups * banks_per_group; }
  unsigned bus_bytes() const { return device_width * devices_per_rank / 8; }
  std::uint64_t bytes_per_burst() const { return std::uint64_t{bus_bytes()} * burst_length; }
  unsigned burst_cycles() const { return burst_length / data_rate; }
  std::uint64_t row_bytes() const { return std::uint64_t{columns} * bus_bytes(); }
  std::uint64_t capacity_bytes() const {
    return std::uint64_t{channels} * ranks * bank_groups * banks_per_group * rows * row_bytes();
  }
  double peak_bytes_per_ps() const { return double(channels) * bus_bytes() * data_rate / tck_ps; }
  DramAddress decode(std::uint64_t address) const;
};

// Reads a DRAMSys configuration: `config` is a top-level file (ddr4-example.json, ...)
// whose "simulation" object names (or holds inline) its memspec, addressmapping and
// mcconfig; named files are read from config_dir/memspec/ etc., each wrapping its object
// under the key of the same name. Supports DDR3, DDR4 and LPDDR4 memspecs, timings
// derived as DRAMSys's MemSpec<standard>.cpp does. Throws qacc::UsageError, one line
// naming the file and the key, for a missing file, malformed JSON, a missing or bad
// value, an unsupported feature, inconsistent timings or a mapping that does not cover
// each address bit exactly once.
DramDevice load_dramsys_device(const std::filesystem::path& config, const std::filesystem::path& config_dir);

// The checks load_dramsys_device makes, for a device built by hand; `source` names it
// in the messages.
void validate(const DramDevice& device, const std::string& source);

// Minimum distances in cycles between the starts of two commands, derived from the
// timings as DRAMSys's Checker<standard>.cpp does (see bank_model.cpp).
struct DramConstraints {
  unsigned act_to_rdwr, act_to_pre, act_to_act, rd_to_pre, wr_to_pre, pre_to_act;     // same bank
  unsigned act_to_act_bg, rd_to_rd_bg, wr_to_wr_bg, wr_to_rd_bg;                      // same group
  unsigned act_to_act_rank, faw, rd_to_rd, wr_to_wr, rd_to_wr, wr_to_rd, pre_to_pre;  // same rank
  unsigned act_to_preab, rd_to_preab, wr_to_preab, act_to_refab, pre_to_refab;
  unsigned preab_to_act, preab_to_refab, refab_to_act, refab_to_refab;
  unsigned rd_to_rd_rank_switch, rd_to_wr_rank_switch, wr_to_wr_rank_switch, wr_to_rd_rank_switch;
  unsigned read_data_begin, write_data_begin, burst;        // data on the bus, from the RD/WR start
  unsigned act_cycles, pre_cycles, cas_cycles, ref_cycles;  // command-bus slots per command
};
DramConstraints dram_constraints(const DramDevice& device);

// The device in one line, for reports.
std::string describe(const DramDevice& device);

// A command the model issued, for tests and debugging (BankModel::trace).
enum class DramOp : std::uint8_t { kAct, kPre, kRead, kWrite, kPreAll, kRefresh };
struct DramCommand {
  DramOp op;
  bool auto_precharge;  // RDA/WRA
  unsigned target;      // flat bank; the flat rank for kPreAll and kRefresh
  std::uint64_t cycle;
};

struct DramCounters {
  std::uint64_t reads = 0, writes = 0;  // bursts
  std::uint64_t activates = 0;
  std::uint64_t precharges = 0;     // rows closed: PRE, auto-precharge, and each bank a PREAB closed
  std::uint64_t refreshes = 0;      // REFAB, over all ranks
  std::uint64_t row_hits = 0;       // served from the row the bank had open
  std::uint64_t row_misses = 0;     // the bank was closed: ACT only
  std::uint64_t row_conflicts = 0;  // another row was open: PRE and ACT
  double energy_pj = 0;
};

class BankModel {
 public:
  using Completion = std::pair<std::uint64_t, std::uint64_t>;  // {id, done_ps}

  // Throws qacc::UsageError if the device fails validate().
  explicit BankModel(DramDevice device);

  // One burst-sized request (the address is decoded to the burst containing it),
  // arriving at arrival_ps; arrivals must not decrease. It can be scheduled one request
  // delay after the next clock edge, at most one request per clock (DRAMSys's arbiter).
  // Requests arriving by t must be pushed before run_until(t). Throws qacc::Error if
  // arrivals go back in time, the address is beyond the device, or its buffer is full.
  void push(std::uint64_t id, bool write, std::uint64_t address, std::uint64_t arrival_ps);
  // The request buffer the last push went to is full, as DRAMSys's controller checks
  // before it accepts the next request: hold the next one back. (A buffer only fills
  // through a push to it, so while this is false the next push fits, whatever its bank.)
  bool full() const;
  // When the model next issues a command or completes a request; nullopt when idle.
  // Valid until the next push(), which may bring it forward.
  std::optional<std::uint64_t> next_event_ps() const;
  // Issues every command due up to and including now_ps, and appends {id, done_ps} for
  // each request whose data transfer ended by now_ps, in order. Call it with the end
  // time before reading counters(): refresh while idle is accounted here.
  void run_until(std::uint64_t now_ps, std::vector<Completion>& completed);

  // For a caller that runs the model ahead of its own clock (the SystemC adapter,
  // banked_backend.cpp) and answers each request as soon as its completion is final,
  // which is once its column command has issued: responses leave in command order, and
  // a later command only ends later.
  //
  // Like push(), without checking full() first: a request that finds the buffer full
  // waits, in arrival order, and enters right after the command cycle that makes room
  // (then schedulable from the next cycle on), as DRAMSys's controller takes a request
  // it held back with END_REQ.
  void offer(std::uint64_t id, bool write, std::uint64_t address, std::uint64_t arrival_ps);
  // Issues every command due up to and including limit_ps (~0: no limit) as run_until
  // does, and passes each request whose column command issues to on_scheduled(id,
  // done_ps) at once (first any that run_until has not reported); run_until reports
  // none of them. Returns true, after the command cycle in which on_scheduled first
  // returned true; false when it reached limit_ps (or ran out of requests).
  // on_scheduled must not call back into the model (push, offer, ...).
  using Scheduled = std::function<bool(std::uint64_t id, std::uint64_t done_ps)>;
  bool schedule_until(std::uint64_t limit_ps, const Scheduled& on_scheduled);
  // The earliest a queued request whose column command has not issued can complete: the
  // next command plus the shortest column-command-to-response time; nullopt when none is
  // queued. Valid until the next push or offer.
  std::optional<std::uint64_t> earliest_unscheduled_done_ps() const;
  // The earliest a request arriving at arrival_ps can complete.
  std::uint64_t earliest_done_ps(std::uint64_t arrival_ps) const;
  // The latest time run_until or schedule_until may reach when no further request
  // arrives before arrival_ps (~0: none ever): a request arriving then is schedulable
  // only after it, so nothing decided by then depends on it. nullopt: not even time 0.
  std::optional<std::uint64_t> decided_before_ps(std::uint64_t arrival_ps) const;

  // The alternative to the controller above (dram_scheduling: in_order, docs/timing.md
  // §6): a request of `bursts` consecutive bursts from the one containing address gets
  // its commands at once, in arrival order, each burst's as early as the timings allow
  // and no earlier than the previous command (no request buffer, no reordering, a
  // refresh at its due time as the controller's); returns when the last burst's data
  // has moved. Open and Closed page policies (Closed: auto-precharge); the scheduler
  // and buffer settings are not used. Arrivals must not decrease; not to be mixed with
  // push or offer. Throws qacc::Error as push does.
  std::uint64_t serve(bool write, std::uint64_t address, std::uint64_t arrival_ps, unsigned bursts = 1);

  // Whether decisions may take the closed forms for one bank's requests (one_bank and
  // stream_row_hits in bank_model.cpp) where they apply; off, every decision runs the
  // general search. The commands and completions are the same either way (a test
  // checks): for A/B runs.
  void closed_forms(bool on) { closed_forms_ = on; }

  // Appends each command issued from now on to *log (nullptr: stop).
  void trace(std::vector<DramCommand>* log) { trace_ = log; }

  const DramCounters& counters() const { return counters_; }
  const DramDevice& device() const { return device_; }
  const DramConstraints& constraints() const { return c_; }

 private:
  using Cycle = std::uint64_t;
  static constexpr Cycle kNever = ~Cycle{0};
  using Op = DramOp;
  enum class Kind : std::uint8_t { kHit, kMiss, kConflict };

  struct Slot {
    std::uint64_t id = 0, seq = 0, address = 0;
    Cycle ready = 0;
    std::uint32_t bank = 0, row = 0;
    std::int32_t prev = -1, next = -1;
    bool write = false;
    bool classified = false;
    Kind kind = Kind::kHit;
  };
  struct Bank {
    Cycle next_act = 0, next_rd = 0, next_wr = 0, next_pre = 0;
    std::int64_t open_row = -1;
    std::int32_t head = -1, tail = -1;
    std::uint32_t count = 0;
    std::int32_t active_index = -1;  // place in active_banks_
    std::uint32_t group = 0, rank = 0;
  };
  struct Group {
    Cycle next_act = 0, next_rd = 0, next_wr = 0;
  };
  struct Rank {
    Cycle next_act = 0, next_rd = 0, next_wr = 0, next_pre = 0, next_preab = 0, next_refab = 0;
    Cycle recent_acts[3] = {0, 0, 0};  // the last three ACTs, for tFAW
    unsigned acts_seen = 0;
    unsigned open_banks = 0;
    Cycle refresh_due = kNever;
    std::uint32_t channel = 0;
  };
  struct Channel {
    Cycle cmd_free = 0, data_free = 0;
    unsigned queued = 0, reads = 0, writes = 0;
    bool last_cas_write = false;  // FR-FCFS-Grp groups by the last CAS direction
  };
  // The next command the controller issues; issue false (and time kNever): none.
  struct Decision {
    bool issue = false;
    Op op = Op::kAct;
    std::uint32_t target = 0;  // bank, or rank for kPreAll/kRefresh
    std::int32_t slot = -1;
    bool auto_precharge = false;
    Cycle time = kNever;
  };

  Decision decide(Cycle now) const;
  const Decision& decide_cached(Cycle now) const;
  bool may_change_candidate(std::int32_t s) const;
  bool one_bank(Cycle now, Decision& out) const;
  Cycle act_time(const Bank& bk, Cycle now) const;
  Cycle pre_time(const Bank& bk, Cycle now) const;
  Cycle cas_time(const Bank& bk, bool write, Cycle now) const;
  bool bank_candidate(std::uint32_t b, Cycle now, Decision& out) const;
  void issue(const Decision& d);
  void close_bank(std::uint32_t b, Cycle at);
  void finish_cas(const Decision& d, Cycle at);
  void column_command(const Slot& slot, bool auto_precharge, Cycle t);
  void tally_cas(const Slot& slot, DramCounters& n) const;
  void rank_switch(const Rank& rk, bool write, Cycle at);
  void push_done(std::uint64_t id, Cycle done);
  bool stream_row_hits(Cycle limit, const Scheduled* on_scheduled, bool& stop);
  void catch_up_refresh(Cycle until);
  // Issues the commands due by `limit`, feeding held requests after each command cycle;
  // with on_scheduled, reports each column command's request at once and stops after the
  // cycle in which it returned true (returns whether it did).
  bool advance(Cycle limit, const Scheduled* on_scheduled);
  void feed_held(Cycle c);
  Cycle min_done_gap() const;
  void unlink(std::int32_t s);
  DramAddress decode(std::uint64_t address) const;
  Cycle cycle_ceil(std::uint64_t ps) const;
  Cycle cycle_floor(std::uint64_t ps) const;
  std::uint64_t ps(Cycle c) const;
  std::uint32_t command_cycles(Op op) const;

  // A mapping field as one shift and mask when its bits are contiguous and plain (every
  // shipped mapping); otherwise DramDevice::decode bit by bit.
  struct FieldDecoder {
    unsigned shift = 0;
    std::uint64_t mask = 0;
  };

  DramDevice device_;
  DramConstraints c_;
  std::uint64_t capacity_;  // device_.capacity_bytes()
  std::uint64_t tck_fs_;
  std::uint64_t tck_whole_ps_ = 0;  // tCK when a whole number of ps: 64-bit conversions
  bool simple_mapping_ = false;
  FieldDecoder channel_field_, rank_field_, group_field_, bank_field_, row_field_;
  std::uint64_t bank_row_bits_;  // the address bits that choose the bank and row (all, if not simple)
  bool scan_all_ = true;   // the scheduler or page policy needs every queued request's row
  bool uniform_commands_;  // every command takes one command-bus slot (DDR3/DDR4)
  bool one_bank_applies_;  // the scheduler and page policy one_bank() stands for
  bool stream_;            // ... and stream_row_hits(): the open page policy on one channel
  bool closed_forms_ = true;

  std::vector<Slot> slots_;
  std::vector<std::int32_t> free_slots_;
  std::vector<Bank> banks_;
  std::vector<Group> groups_;
  std::vector<Rank> ranks_;
  std::vector<Channel> channels_;
  std::vector<std::uint32_t> active_banks_;  // banks with queued requests
  struct Unready {
    Cycle ready;
    std::int32_t slot;
  };
  std::vector<Unready> unready_;             // requests not yet schedulable, FIFO (ready ascending)
  std::size_t unready_head_ = 0, unready_size_ = 0;
  std::vector<Completion> done_;  // FIFO ring of {id, done cycle}
  struct Held {
    std::uint64_t id, address, arrival_ps;
    bool write;
  };
  std::vector<Held> held_;  // offered while the buffer was full, in arrival order, from held_head_
  std::size_t held_head_ = 0;
  std::size_t done_head_ = 0, done_size_ = 0;

  Cycle next_refresh_due_ = kNever;  // the earliest of the ranks' refresh_due
  std::vector<char> refresh_scratch_;
  Cycle now_ = 0;      // the controller's time: decisions before it are final
  Cycle horizon_ = 0;  // the latest run_until, in cycles
  Cycle last_ready_ = 0;
  Cycle last_done_ = 0;
  std::uint64_t last_arrival_ps_ = 0;
  std::uint64_t seq_ = 1;  // request age; 0 is the refresh's, which wins ties
  std::uint32_t queued_ = 0;
  std::uint32_t last_bank_ = 0;
  DramCounters counters_;
  std::vector<DramCommand>* trace_ = nullptr;

  // decide(): each active bank's candidate op (kNoCandidate: none) at the last look.
  static constexpr std::uint8_t kNoCandidate = 0xff;
  mutable std::vector<std::uint8_t> candidate_op_;
  mutable Decision cached_;
  mutable Cycle cached_now_ = kNever;
  mutable std::uint64_t cached_version_ = ~std::uint64_t{0};
  std::uint64_t version_ = 0;
};

}  // namespace qacc
