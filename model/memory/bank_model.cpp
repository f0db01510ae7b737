#include "model/memory/bank_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"

namespace qacc {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
__extension__ typedef unsigned __int128 Wide;  // cycle x femtoseconds overflows 64 bits after hours

[[noreturn]] void bad(const fs::path& file, const std::string& key, const std::string& what) {
  throw UsageError(fmt::format("{}: {}: {}", file.string(), key, what));
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// DRAMSys parses its files with comments allowed; so do we.
json read_json(const fs::path& file, const fs::path& named_in, const std::string& key) {
  std::ifstream in(file);
  if (!in) bad(named_in, key, fmt::format("cannot open {}", file.string()));
  try {
    return json::parse(in, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {
    throw UsageError(fmt::format("{}: malformed JSON: {}", file.string(), one_line(e.what())));
  }
}

// One JSON object of one file; every error names the file and the key's path.
class Obj {
 public:
  Obj(const json& j, fs::path file, std::string path) : j_(j), file_(std::move(file)), path_(std::move(path)) {
    if (!j_.is_object()) bad(file_, path_.empty() ? "(top level)" : path_, "expected an object");
  }
  std::string where(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const fs::path& file() const { return file_; }
  bool has(const std::string& key) const { return j_.contains(key); }
  const json& at(const std::string& key) const {
    if (!has(key)) bad(file_, where(key), "missing");
    return j_.at(key);
  }
  Obj child(const std::string& key) const { return Obj(at(key), file_, where(key)); }
  double number(const std::string& key) const {
    const json& v = at(key);
    if (!v.is_number()) bad(file_, where(key), fmt::format("expected a number, got {}", v.dump()));
    return v.get<double>();
  }
  double number_or(const std::string& key, double otherwise) const { return has(key) ? number(key) : otherwise; }
  unsigned whole(const std::string& key, unsigned at_least = 0) const {
    const double v = number(key);
    if (v < at_least || v != std::floor(v) || v > 1e9)
      bad(file_, where(key), fmt::format("must be a whole number >= {} (got {})", at_least, v));
    return static_cast<unsigned>(v);
  }
  unsigned whole_or(const std::string& key, unsigned otherwise, unsigned at_least = 0) const {
    return has(key) ? whole(key, at_least) : otherwise;
  }
  // The first of several names the standards use for one value (RL or CL, ...).
  unsigned whole_any(std::initializer_list<const char*> keys) const {
    for (const char* k : keys)
      if (has(k)) return whole(k);
    bad(file_, where(*keys.begin()), "missing");
  }
  std::string text_or(const std::string& key, const std::string& otherwise) const {
    if (!has(key)) return otherwise;
    const json& v = j_.at(key);
    if (!v.is_string()) bad(file_, where(key), fmt::format("expected a string, got {}", v.dump()));
    return v.get<std::string>();
  }

 private:
  const json& j_;
  fs::path file_;
  std::string path_;
};

// A part of the configuration: DRAMSys lets "simulation" hold it inline or name a file
// in config_dir/<key>/ that wraps it under <key> (DRAMSysConfiguration.cpp, from_path).
struct Part {
  json value;
  fs::path file;
};

Part part(const Obj& sim, const fs::path& config_dir, const std::string& key) {
  const json& v = sim.at(key);
  if (v.is_object()) return {v, sim.file()};
  if (!v.is_string()) bad(sim.file(), sim.where(key), "expected a file name or an object");
  const fs::path file = config_dir / key / v.get<std::string>();
  json whole = read_json(file, sim.file(), sim.where(key));
  if (!whole.is_object() || !whole.contains(key) || !whole.at(key).is_object())
    bad(file, key, "missing: the file must hold its object under this key");
  return {whole.at(key), file};
}

template <typename E>
E choice(const Obj& o, const std::string& key, E otherwise, std::initializer_list<std::pair<const char*, E>> known,
         std::initializer_list<const char*> not_modelled) {
  if (!o.has(key)) return otherwise;
  const std::string v = o.text_or(key, "");
  for (const auto& [name, value] : known)
    if (v == name) return value;
  for (const char* name : not_modelled)
    if (v == name) bad(o.file(), o.where(key), fmt::format("{} is not modelled by the banked DRAM model", v));
  std::string names;
  for (const auto& k : known) names += (names.empty() ? "" : ", ") + std::string(k.first);
  bad(o.file(), o.where(key), fmt::format("unknown value '{}' (expected {})", v, names));
}

std::vector<DramDevice::MappedBit> mapped_bits(const Obj& m, const std::string& key) {
  std::vector<DramDevice::MappedBit> out;
  if (!m.has(key)) return out;
  const json& list = m.at(key);
  if (!list.is_array()) bad(m.file(), key, "expected a list of address bits");
  auto bit_number = [&](const json& b) {
    if (!b.is_number_unsigned() || b.get<std::uint64_t>() > 63)
      bad(m.file(), key, fmt::format("{} is not an address bit (0..63)", b.dump()));
    return b.get<unsigned>();
  };
  for (const json& e : list) {
    DramDevice::MappedBit mb;
    if (e.is_array()) {
      // XOR entry (AddressDecoder.cpp, decodeAddress): the first bit takes the parity of all.
      if (e.empty()) bad(m.file(), key, "empty XOR entry");
      mb.bit = bit_number(e[0]);
      for (std::size_t i = 1; i < e.size(); ++i) mb.xor_with |= std::uint64_t{1} << bit_number(e[i]);
    } else {
      mb.bit = bit_number(e);
    }
    out.push_back(mb);
  }
  return out;
}

// Per supply rail: the memspec's idd<x> with vdd, and idd<x>2 with vdd2 (DDR4's VPP,
// LPDDR4's VDD2); a missing current is zero, as DRAMSys passes it to DRAMPower
// (MemSpecDDR4.cpp, toDramPowerMemSpec). Formulas: DRAMPower MemoryPowerModel.cc
// (engy_act + engy_pre, engy_read_cmd, engy_write_cmd, engy_ref), which are Micron
// TN-41-01's; in mA x ns x V = pJ.
DramEnergies energies(const Obj& power, const DramDevice& d) {
  const double tck_ns = d.tck_ps / 1000.0;
  const double t_rc = d.t.rc * tck_ns, t_ras = d.t.ras * tck_ns, t_rfc = d.t.rfc * tck_ns;
  const double t_burst = double(d.burst_length) / d.data_rate * tck_ns;
  DramEnergies e;
  for (const std::string rail : {"", "2"}) {
    const double v = power.number_or("vdd" + rail, 0);
    auto idd = [&](const std::string& name) { return power.number_or("idd" + name + rail, 0); };
    const double idd0 = idd("0"), idd2n = idd("2n"), idd3n = idd("3n");
    e.act_pj += std::max(0.0, (idd0 * t_rc - (idd3n * t_ras + idd2n * (t_rc - t_ras))) * v);
    e.rd_pj += std::max(0.0, (idd("4r") - idd3n) * t_burst * v);
    e.wr_pj += std::max(0.0, (idd("4w") - idd3n) * t_burst * v);
    e.ref_pj += std::max(0.0, (idd("5") - idd3n) * t_rfc * v);
  }
  for (double* x : {&e.act_pj, &e.rd_pj, &e.wr_pj, &e.ref_pj}) *x *= d.devices_per_rank;
  return e;
}

// The memspec's timing keys per standard, as MemSpecDDR3/DDR4/LPDDR4.cpp read them.
void read_timings(const Obj& t, DramDevice& d) {
  DramTimings& x = d.t;
  x.rcd = t.whole("RCD");
  x.ras = t.whole("RAS");
  x.rl = t.whole_any({"RL", "CL"});
  x.wl = t.whole_any({"WL", "CWL"});
  x.faw = t.whole("FAW");
  x.rtp = t.whole("RTP");
  x.wr = t.whole("WR");
  x.rtrs = t.whole("RTRS");
  x.rtw = t.whole_or("RTW", 0);
  switch (d.standard) {
    case DramStandard::kDdr4: {
      x.rp = x.rp_ab = t.whole("RP");
      x.rc = t.whole("RC");
      x.al = t.whole("AL");
      x.rrd_s = t.whole("RRD_S");
      x.rrd_l = t.whole("RRD_L");
      x.ccd_s = t.whole("CCD_S");
      x.ccd_l = t.whole("CCD_L");
      x.wtr_s = t.whole("WTR_S");
      x.wtr_l = t.whole("WTR_L");
      x.rpre = t.whole("RPRE");
      x.wpre = t.whole("WPRE");
      // Fine-granularity refresh: REFM 2 or 4 refreshes twice or four times as often,
      // each shorter (MemSpecDDR4.cpp, tREFI and tRFC).
      const unsigned refm = t.whole_or("REFM", 1);
      if (refm != 1 && refm != 2 && refm != 4)
        bad(t.file(), t.where("REFM"), fmt::format("must be 1, 2 or 4 (got {})", refm));
      x.refi = static_cast<unsigned>(std::lround(double(t.whole("REFI")) / refm));
      x.rfc = t.whole(refm == 4 ? "RFC4" : refm == 2 ? "RFC2" : "RFC");
      break;
    }
    case DramStandard::kDdr3:
      x.rp = x.rp_ab = t.whole("RP");
      x.rc = t.whole("RC");
      x.al = t.whole("AL");
      x.rrd_s = x.rrd_l = t.whole("RRD");
      x.ccd_s = x.ccd_l = t.whole("CCD");
      x.wtr_s = x.wtr_l = t.whole("WTR");
      x.refi = t.whole("REFI");
      x.rfc = t.whole("RFC");
      break;
    case DramStandard::kLpddr4:
      x.rp = t.whole("RPPB");
      x.rp_ab = t.whole("RPAB");
      x.rc = t.whole("RCPB");
      x.rrd_s = x.rrd_l = t.whole("RRD");
      x.ccd_s = x.ccd_l = t.whole("CCD");
      x.wtr_s = x.wtr_l = t.whole("WTR");
      x.refi = t.whole("REFI");
      x.rfc = t.whole("RFCAB");
      x.dqsck = t.whole("DQSCK");
      x.dqss = t.whole("DQSS");
      x.dqs2dq = t.whole("DQS2DQ");
      x.wpre = t.whole("WPRE");
      x.rpst = t.whole("RPST");
      x.ppd = t.whole("PPD");
      break;
  }
}

struct Sources {
  std::string memspec, mapping, mcconfig;
};

const char* key_rc(DramStandard s) { return s == DramStandard::kLpddr4 ? "RCPB" : "RC"; }
const char* key_rfc(DramStandard s) { return s == DramStandard::kLpddr4 ? "RFCAB" : "RFC"; }

void check_memspec(const DramDevice& d, const std::string& src) {
  auto at_least_one = [&](unsigned v, const char* key) {
    if (v == 0) bad(src, fmt::format("memarchitecturespec.{}", key), "must be at least 1");
  };
  at_least_one(d.channels, "nbrOfChannels");
  at_least_one(d.ranks, "nbrOfRanks");
  at_least_one(d.bank_groups, "nbrOfBankGroups");
  at_least_one(d.banks_per_group, "nbrOfBanks");
  at_least_one(d.rows, "nbrOfRows");
  at_least_one(d.columns, "nbrOfColumns");
  at_least_one(d.device_width, "width");
  at_least_one(d.devices_per_rank, "nbrOfDevices");
  at_least_one(d.burst_length, "burstLength");
  at_least_one(d.data_rate, "dataRate");
  if (d.burst_length % d.data_rate != 0)
    bad(src, "memarchitecturespec.burstLength",
        fmt::format("{} is not a multiple of dataRate {}", d.burst_length, d.data_rate));
  if (d.device_width * d.devices_per_rank % 8 != 0)
    bad(src, "memarchitecturespec.width", "width x devices is not a whole number of bytes");
  if (!(d.tck_ps > 0)) bad(src, "memtimingspec.tCK", "must be positive");
  const DramTimings& t = d.t;
  if (t.ras < t.rcd) bad(src, "memtimingspec.RAS", fmt::format("tRAS ({}) is shorter than tRCD ({})", t.ras, t.rcd));
  if (t.rc < t.ras + t.rp)
    bad(src, fmt::format("memtimingspec.{}", key_rc(d.standard)),
        fmt::format("tRC ({}) is shorter than tRAS + tRP ({} + {})", t.rc, t.ras, t.rp));
  if (t.rcd < t.al) bad(src, "memtimingspec.AL", fmt::format("AL ({}) exceeds tRCD ({})", t.al, t.rcd));
  if (t.rl == 0 || t.wl == 0) bad(src, "memtimingspec.RL", "RL and WL must be at least 1");
  if (t.rrd_l < t.rrd_s || t.ccd_l < t.ccd_s || t.wtr_l < t.wtr_s)
    bad(src, "memtimingspec.RRD_L", "a bank-group (_L) timing is shorter than its _S counterpart");
  if (d.refresh && t.refi <= t.rfc + t.rp_ab + t.ras)
    bad(src, fmt::format("memtimingspec.{}", key_rfc(d.standard)),
        fmt::format("tREFI ({}) leaves no time after a refresh (tRFC {})", t.refi, t.rfc));
}

void check_mapping(const DramDevice& d, const std::string& src) {
  const DramDevice::Mapping& m = d.mapping;
  struct Field {
    const char* key;
    const std::vector<DramDevice::MappedBit>* bits;
    std::uint64_t wanted;
    const char* what;
  };
  const Field fields[] = {
      {"CHANNEL_BIT", &m.channel, d.channels, "nbrOfChannels"},
      {"RANK_BIT", &m.rank, d.ranks, "nbrOfRanks"},
      {"BANKGROUP_BIT", &m.bank_group, d.bank_groups, "nbrOfBankGroups"},
      {"BANK_BIT", &m.bank, d.banks_per_group, "banks per bank group"},
      {"ROW_BIT", &m.row, d.rows, "nbrOfRows"},
      {"COLUMN_BIT", &m.column, d.columns, "nbrOfColumns"},
      {"BYTE_BIT", &m.byte, d.bus_bytes(), "bytes per beat (width x devices / 8)"},
  };
  // Every address bit below the top one in exactly one field (AddressDecoder.cpp,
  // plausibilityCheck).
  std::vector<const char*> owner(64, nullptr);
  auto owned_by = [&](std::size_t bit, const char* key) {
    return bit < owner.size() && owner[bit] != nullptr && std::string(owner[bit]) == key;
  };
  std::size_t total = 0;
  for (const Field& f : fields) {
    for (const auto& b : *f.bits) {
      if (b.bit >= owner.size()) bad(src, f.key, fmt::format("{} is not an address bit (0..63)", b.bit));
      if (owner[b.bit] != nullptr) bad(src, f.key, fmt::format("address bit {} is also in {}", b.bit, owner[b.bit]));
      owner[b.bit] = f.key;
    }
    total += f.bits->size();
    if (f.bits->size() > 40 || (std::uint64_t{1} << f.bits->size()) != f.wanted)
      bad(src, f.key,
          fmt::format("{} bits address {} but the memspec has {} {}", f.bits->size(),
                      f.bits->size() > 40 ? 0 : std::uint64_t{1} << f.bits->size(), f.wanted, f.what));
  }
  for (std::size_t bit = 0; bit < total; ++bit)
    if (bit >= owner.size() || owner[bit] == nullptr)
      bad(src, "addressmapping",
          fmt::format("address bit {} is in no field (the fields have {} bits: 0..{} must each be in one)", bit, total,
                      total - 1));
  for (std::size_t i = 0; i < m.byte.size(); ++i)
    if (!owned_by(i, "BYTE_BIT")) bad(src, "BYTE_BIT", "byte bits must be address bits 0, 1, ...");
  // A burst's columns must be the address bits right above the bytes.
  for (unsigned i = 0; (1u << i) < d.burst_length; ++i)
    if (!owned_by(m.byte.size() + i, "COLUMN_BIT"))
      bad(src, "COLUMN_BIT",
          fmt::format("address bit {} must be a column bit: a burst of {} covers it", m.byte.size() + i,
                      d.burst_length));
}

void check_mcconfig(const DramDevice& d, const std::string& src) {
  if (d.queue_size == 0 || d.queue_size_read == 0 || d.queue_size_write == 0)
    bad(src, "RequestBufferSize", "must be at least 1");
}

void check(const DramDevice& d, const Sources& s) {
  check_memspec(d, s.memspec);
  check_mapping(d, s.mapping);
  check_mcconfig(d, s.mcconfig);
}

const char* name(DramStandard s) {
  switch (s) {
    case DramStandard::kDdr3:
      return "DDR3";
    case DramStandard::kDdr4:
      return "DDR4";
    case DramStandard::kLpddr4:
      return "LPDDR4";
  }
  return "?";
}

unsigned clamp0(long v) { return v < 0 ? 0u : static_cast<unsigned>(v); }

std::uint64_t field(std::uint64_t address, const std::vector<DramDevice::MappedBit>& bits) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    const std::uint64_t b =
        ((address >> bits[i].bit) ^ static_cast<std::uint64_t>(__builtin_parityll(address & bits[i].xor_with))) & 1u;
    v |= b << i;
  }
  return v;
}

// The bank's, its group's and its rank's earliest next commands after a column command
// at t (the same bank's column commands are bounded by its ACT alone). Inlined: called
// per burst.
[[gnu::always_inline]] inline void after_cas(const DramConstraints& c, bool write, std::uint64_t t,
                                             std::uint64_t& bank_pre, std::uint64_t& group_rd, std::uint64_t& group_wr,
                                             std::uint64_t& rank_rd, std::uint64_t& rank_wr,
                                             std::uint64_t& rank_preab) {
  auto later = [t](std::uint64_t& x, unsigned gap) { x = std::max(x, t + gap); };
  later(bank_pre, write ? c.wr_to_pre : c.rd_to_pre);
  later(group_rd, write ? c.wr_to_rd_bg : c.rd_to_rd_bg);
  later(group_wr, write ? c.wr_to_wr_bg : c.rd_to_wr);
  later(rank_rd, write ? c.wr_to_rd : c.rd_to_rd);
  later(rank_wr, write ? c.wr_to_wr : c.rd_to_wr);
  later(rank_preab, write ? c.wr_to_preab : c.rd_to_preab);
}

// The earliest a column command may start from `from`, given its bank's, group's and
// rank's earliest for its direction, the command bus and the data bus.
std::uint64_t earliest_cas(const DramConstraints& c, bool write, std::uint64_t from, std::uint64_t bank,
                           std::uint64_t group, std::uint64_t rank, std::uint64_t cmd_free, std::uint64_t data_free) {
  const std::uint64_t data_begin = write ? c.write_data_begin : c.read_data_begin;
  const std::uint64_t bus = data_free > data_begin ? data_free - data_begin : 0;
  return std::max({from, bank, group, rank, cmd_free, bus});
}

}  // namespace

DramAddress DramDevice::decode(std::uint64_t address) const {
  DramAddress a;
  a.channel = static_cast<unsigned>(field(address, mapping.channel));
  a.rank = static_cast<unsigned>(field(address, mapping.rank));
  const auto group = static_cast<unsigned>(field(address, mapping.bank_group));
  const auto bank = static_cast<unsigned>(field(address, mapping.bank));
  a.row = static_cast<std::uint32_t>(field(address, mapping.row));
  a.column = static_cast<std::uint32_t>(field(address, mapping.column));
  // Flat numbering over the device, as AddressDecoder::decodeAddress does.
  a.bank_group = (a.channel * ranks + a.rank) * bank_groups + group;
  a.bank = a.bank_group * banks_per_group + bank;
  return a;
}

DramDevice load_dramsys_device(const fs::path& config, const fs::path& config_dir) {
  const json top = read_json(config, config, "simulation");
  const Obj root(top, config, "");
  const Obj sim = root.child("simulation");
  const Part memspec_part = part(sim, config_dir, "memspec");
  const Part mapping_part = part(sim, config_dir, "addressmapping");
  const Part mc_part = part(sim, config_dir, "mcconfig");

  DramDevice d;
  const Obj ms(memspec_part.value, memspec_part.file, "");
  d.name = ms.text_or("memoryId", config.stem().string());
  const std::string type = ms.text_or("memoryType", "");
  if (type == "DDR4") {
    d.standard = DramStandard::kDdr4;
  } else if (type == "DDR3") {
    d.standard = DramStandard::kDdr3;
  } else if (type == "LPDDR4") {
    d.standard = DramStandard::kLpddr4;
  } else {
    bad(ms.file(), "memoryType",
        fmt::format("'{}' is not modelled by the banked DRAM model (DDR3, DDR4, LPDDR4); use dram_model dramsys",
                    type));
  }

  const Obj arch = ms.child("memarchitecturespec");
  d.channels = arch.whole_or("nbrOfChannels", 1, 1);
  d.ranks = arch.whole("nbrOfRanks", 1);
  const unsigned banks = arch.whole("nbrOfBanks", 1);
  d.bank_groups = d.standard == DramStandard::kDdr4 ? arch.whole("nbrOfBankGroups", 1) : 1;
  if (banks % d.bank_groups != 0)
    bad(ms.file(), arch.where("nbrOfBanks"),
        fmt::format("{} banks do not split into {} bank groups", banks, d.bank_groups));
  d.banks_per_group = banks / d.bank_groups;
  d.rows = arch.whole("nbrOfRows", 1);
  d.columns = arch.whole("nbrOfColumns", 1);
  d.device_width = arch.whole("width", 1);
  d.devices_per_rank = arch.has("nbrOfDevices") ? arch.whole("nbrOfDevices", 1) : arch.whole("nbrOfDevicesOnDIMM", 1);
  d.burst_length = arch.whole("burstLength", 1);
  d.data_rate = arch.whole("dataRate", 1);

  const Obj timing = ms.child("memtimingspec");
  if (timing.has("tCK")) {
    d.tck_ps = timing.number("tCK");
  } else {
    const double mhz = timing.number("clkMhz");
    if (!(mhz > 0)) bad(ms.file(), timing.where("clkMhz"), "must be positive");
    d.tck_ps = 1e6 / mhz;
  }
  if (!(d.tck_ps > 0)) bad(ms.file(), timing.where("tCK"), "must be positive");
  read_timings(timing, d);

  const Obj mc(mc_part.value, mc_part.file, "");
  d.page_policy = choice(mc, "PagePolicy", PagePolicy::kOpen,
                         {{"Open", PagePolicy::kOpen},
                          {"OpenAdaptive", PagePolicy::kOpenAdaptive},
                          {"Closed", PagePolicy::kClosed},
                          {"ClosedAdaptive", PagePolicy::kClosedAdaptive}},
                         {});
  d.scheduler = choice(
      mc, "Scheduler", DramScheduler::kFrFcfs,
      {{"Fifo", DramScheduler::kFifo}, {"FrFcfs", DramScheduler::kFrFcfs}, {"FrFcfsGrp", DramScheduler::kFrFcfsGrp}},
      {"GrpFrFcfs", "GrpFrFcfsWm"});
  d.buffer = choice(mc, "SchedulerBuffer", RequestBuffer::kBankwise,
                    {{"Bankwise", RequestBuffer::kBankwise},
                     {"Shared", RequestBuffer::kShared},
                     {"ReadWrite", RequestBuffer::kReadWrite}},
                    {});
  d.queue_size = mc.whole_or("RequestBufferSize", 8);
  d.queue_size_read = mc.whole_or("RequestBufferSizeRead", 8);
  d.queue_size_write = mc.whole_or("RequestBufferSizeWrite", 8);
  d.refresh = choice(mc, "RefreshPolicy", true, {{"AllBank", true}, {"Rankwise", true}, {"NoRefresh", false}},
                     {"PerBank", "Bankwise", "Per2Bank", "SameBank", "Groupwise"});
  choice(mc, "CmdMux", 0, {{"Oldest", 0}}, {"Strict"});
  choice(mc, "RespQueue", 0, {{"Fifo", 0}}, {"Reorder"});
  // McConfig.cpp's defaults: ThinkDelayFw 1, every other delay 0.
  d.request_delay = mc.whole_or("ThinkDelayFw", 1) + mc.whole_or("ArbitrationDelayFw", 0);
  d.response_delay = mc.whole_or("PhyDelayFw", 0) + mc.whole_or("PhyDelayBw", 0) + mc.whole_or("ThinkDelayBw", 0) +
                     mc.whole_or("ArbitrationDelayBw", 0);

  const Obj map(mapping_part.value, mapping_part.file, "");
  for (const char* key : {"STACK_BIT", "PSEUDOCHANNEL_BIT"})
    if (map.has(key)) bad(map.file(), key, "HBM stacks and pseudo channels are not modelled by the banked DRAM model");
  d.mapping.channel = mapped_bits(map, "CHANNEL_BIT");
  d.mapping.rank = mapped_bits(map, "RANK_BIT");
  d.mapping.bank_group = mapped_bits(map, "BANKGROUP_BIT");
  d.mapping.bank = mapped_bits(map, "BANK_BIT");
  d.mapping.row = mapped_bits(map, "ROW_BIT");
  d.mapping.column = mapped_bits(map, "COLUMN_BIT");
  d.mapping.byte = mapped_bits(map, "BYTE_BIT");

  check(d, {memspec_part.file.string(), mapping_part.file.string(), mc_part.file.string()});

  // DRAMSys only warns about a memspec without power figures; so do we, with zeros.
  if (ms.has("mempowerspec")) d.energy = energies(ms.child("mempowerspec"), d);
  return d;
}

void validate(const DramDevice& device, const std::string& source) { check(device, {source, source, source}); }

// The command-to-command distances of DRAMSys's timing checkers
// (src/libdramsys/DRAMSys/controller/checker/Checker<standard>.cpp: the derived
// tRDWR, tWRRD, tWRPRE, ... in the constructor, and one rule per "// Bank|BankGroup|Rank|
// Channel (A,B) distance" comment in insert()). Deviations, both JEDEC's way:
// - ACT to ACT in one bank is tRC (CheckerDDR4 has tRCD, which tRAS + tRP covers unless
//   tRC is longer);
// - an auto-precharge starts when both tRTP/tWR and tRAS allow (JESD79-4's tRAS lockout), so a
//   closed-page ACT-to-ACT is at least tRC (DRAMSys's RDA to ACT ignores tRAS: shorter).
DramConstraints dram_constraints(const DramDevice& d) {
  const DramTimings& t = d.t;
  const long burst = d.burst_length / d.data_rate;
  const long rl = t.rl, wl = t.wl, al = t.al;
  DramConstraints c{};
  c.burst = static_cast<unsigned>(burst);
  c.act_cycles = c.pre_cycles = c.cas_cycles = c.ref_cycles = 1;
  c.act_to_act = t.rc;
  c.faw = t.faw;
  c.act_to_act_bg = t.rrd_l;
  c.act_to_act_rank = t.rrd_s;
  c.rd_to_rd_bg = t.ccd_l;
  c.wr_to_wr_bg = t.ccd_l;
  c.rd_to_rd = t.ccd_s;
  c.wr_to_wr = t.ccd_s;
  c.rd_to_rd_rank_switch = clamp0(burst + t.rtrs);
  c.wr_to_wr_rank_switch = clamp0(burst + t.rtrs);
  c.refab_to_refab = t.rfc;
  if (d.standard == DramStandard::kLpddr4) {
    // CheckerLPDDR4.cpp: ACT takes 4 command cycles, PRE and REF 2, RD and WR 4
    // (MemSpecLPDDR4.cpp, commandLengthInCycles); the +-2 below come from there.
    c.act_cycles = 4;
    c.pre_cycles = 2;
    c.cas_cycles = 4;
    c.ref_cycles = 2;
    const long wr_pre = 2 + wl + 1 + burst + t.wr;  // tWRPRE
    c.act_to_rdwr = t.rcd;
    c.act_to_pre = t.ras + 2;
    // "Bank (RD,PREPB) tRRD + 2tCK" in DRAMSys 5.1, mirrored; JEDEC's read-to-precharge
    // (tRDPRE = tRTP + BL/2 - 6, used for PREAB) is shorter.
    c.rd_to_pre = t.rrd_s + 2;
    c.wr_to_pre = clamp0(wr_pre);
    c.pre_to_act = clamp0(long(t.rp) - 2);
    c.wr_to_rd_bg = clamp0(wl + 1 + burst + t.wtr_s);  // tWRRD
    c.wr_to_rd = c.wr_to_rd_bg;
    c.rd_to_wr = t.rtw != 0 ? t.rtw : clamp0(rl + t.dqsck + burst - wl + t.wpre + t.rpst);  // tRDWR
    c.pre_to_pre = t.ppd;
    c.act_to_preab = t.ras + 2;
    c.rd_to_preab = clamp0(long(t.rtp) + burst - 6);  // tRDPRE
    c.wr_to_preab = clamp0(wr_pre);
    c.act_to_refab = t.rc + 2;
    c.pre_to_refab = t.rp;
    c.preab_to_act = clamp0(long(t.rp_ab) - 2);
    c.preab_to_refab = t.rp_ab;
    c.refab_to_act = clamp0(long(t.rfc) - 2);
    c.rd_to_wr_rank_switch = clamp0(rl + burst + t.rtrs - wl);
    c.wr_to_rd_rank_switch = clamp0(wl + burst + t.rtrs - rl);
    c.read_data_begin = t.rl + t.dqsck + 3;  // MemSpecLPDDR4.cpp, getIntervalOnDataStrobe
    c.write_data_begin = t.wl + t.dqss + t.dqs2dq + 3;
    return c;
  }
  // DDR3 and DDR4 (CheckerDDR3.cpp and CheckerDDR4.cpp; DDR3 has no bank groups and
  // no read preamble term).
  const bool ddr4 = d.standard == DramStandard::kDdr4;
  const long wr_pre = wl + burst + t.wr;  // tWRPRE
  c.act_to_rdwr = clamp0(long(t.rcd) - al);
  c.act_to_pre = t.ras;
  c.rd_to_pre = t.al + t.rtp;
  c.wr_to_pre = clamp0(wr_pre);
  c.pre_to_act = t.rp;
  c.wr_to_rd_bg = clamp0(wl + burst + t.wtr_l - al);                                                    // tWRRD_L
  c.wr_to_rd = clamp0(wl + burst + t.wtr_s - al);                                                       // tWRRD_S
  c.rd_to_wr = t.rtw != 0 ? t.rtw : clamp0(ddr4 ? rl + burst + 1 - wl + t.wpre : rl + burst + 2 - wl);  // tRDWR
  c.pre_to_pre = 0;
  c.act_to_preab = t.ras;
  c.rd_to_preab = t.al + t.rtp;
  c.wr_to_preab = clamp0(wr_pre);
  c.act_to_refab = t.rc;
  c.pre_to_refab = t.rp;
  c.preab_to_act = t.rp;
  c.preab_to_refab = t.rp;
  c.refab_to_act = t.rfc;
  c.rd_to_wr_rank_switch = clamp0(rl + burst + t.rtrs - wl + (ddr4 ? long(t.wpre) : 0));  // tRDWR_R
  c.wr_to_rd_rank_switch = clamp0(wl + burst + t.rtrs - rl + (ddr4 ? long(t.rpre) : 0));  // tWRRD_R
  // MemSpecDDR4.cpp, getIntervalOnDataStrobe: data from RL (WL) after the command.
  c.read_data_begin = t.rl;
  c.write_data_begin = t.wl;
  return c;
}

std::string describe(const DramDevice& d) {
  const char* policy[] = {"open", "open-adaptive", "closed", "closed-adaptive"};
  const char* scheduler[] = {"FIFO", "FR-FCFS", "FR-FCFS-Grp"};
  const char* buffer[] = {"per bank", "shared", "read/write"};
  return fmt::format(
      "banked {} {}: {} MiB, {} ch x {} rank x {} bank groups x {} banks, {} B bursts, tCK {} ps, {} page, {}, "
      "{}-entry buffer {}{}",
      name(d.standard), d.name, d.capacity_bytes() >> 20, d.channels, d.ranks, d.bank_groups, d.banks_per_group,
      d.bytes_per_burst(), d.tck_ps, policy[int(d.page_policy)], scheduler[int(d.scheduler)], d.queue_size,
      buffer[int(d.buffer)], d.refresh ? "" : ", no refresh");
}

// ---------------------------------------------------------------------------------------
// BankModel

BankModel::BankModel(DramDevice device) : device_(std::move(device)) {
  validate(device_, fmt::format("DramDevice '{}'", device_.name));
  c_ = dram_constraints(device_);
  capacity_ = device_.capacity_bytes();
  tck_fs_ = static_cast<std::uint64_t>(std::llround(device_.tck_ps * 1000.0));
  if (tck_fs_ % 1000 == 0) tck_whole_ps_ = tck_fs_ / 1000;
  const DramDevice::Mapping& m = device_.mapping;
  simple_mapping_ = true;
  auto compile = [&](const std::vector<DramDevice::MappedBit>& bits) {
    FieldDecoder f;
    f.shift = bits.empty() ? 0 : bits[0].bit;
    f.mask = (std::uint64_t{1} << bits.size()) - 1;
    for (std::size_t i = 0; i < bits.size(); ++i)
      if (bits[i].xor_with != 0 || bits[i].bit != f.shift + i) simple_mapping_ = false;
    return f;
  };
  channel_field_ = compile(m.channel);
  rank_field_ = compile(m.rank);
  group_field_ = compile(m.bank_group);
  bank_field_ = compile(m.bank);
  row_field_ = compile(m.row);
  bank_row_bits_ = ~std::uint64_t{0};
  if (simple_mapping_) {
    bank_row_bits_ = 0;
    for (const FieldDecoder* f : {&channel_field_, &rank_field_, &group_field_, &bank_field_, &row_field_})
      bank_row_bits_ |= f->mask << f->shift;
  }
  // FR-FCFS with a fixed page policy needs only the oldest request and the oldest row hit.
  scan_all_ = device_.scheduler != DramScheduler::kFrFcfs ||
              (device_.page_policy != PagePolicy::kOpen && device_.page_policy != PagePolicy::kClosed);
  uniform_commands_ = c_.act_cycles == 1 && c_.pre_cycles == 1 && c_.cas_cycles == 1 && c_.ref_cycles == 1;
  one_bank_applies_ = uniform_commands_ &&
                      (device_.scheduler == DramScheduler::kFrFcfs || device_.scheduler == DramScheduler::kFifo) &&
                      (device_.page_policy == PagePolicy::kOpen || device_.page_policy == PagePolicy::kClosed);
  stream_ = one_bank_applies_ && device_.page_policy == PagePolicy::kOpen && device_.channels == 1;

  const unsigned banks_per_rank = device_.bank_groups * device_.banks_per_group;
  banks_.resize(device_.banks());
  for (std::uint32_t b = 0; b < banks_.size(); ++b) {
    banks_[b].group = b / device_.banks_per_group;
    banks_[b].rank = b / banks_per_rank;
  }
  groups_.resize(std::size_t{device_.channels} * device_.ranks * device_.bank_groups);
  ranks_.resize(std::size_t{device_.channels} * device_.ranks);
  channels_.resize(device_.channels);
  // Ranks refresh in bit-reversed order, spread over tREFI (RefreshManagerIF.h,
  // getTimeForFirstTrigger).
  unsigned rank_bits = 0;
  while ((1u << rank_bits) < device_.ranks) ++rank_bits;
  for (std::uint32_t r = 0; r < ranks_.size(); ++r) {
    Rank& rk = ranks_[r];
    rk.channel = r / device_.ranks;
    const unsigned in_channel = r % device_.ranks;
    unsigned reversed = 0;
    for (unsigned i = 0; i < rank_bits; ++i) reversed |= ((in_channel >> i) & 1u) << (rank_bits - 1 - i);
    const double first = device_.t.refi - reversed * (double(device_.t.refi) / device_.ranks);
    rk.refresh_due = device_.refresh ? static_cast<Cycle>(std::ceil(first)) : kNever;
    next_refresh_due_ = std::min(next_refresh_due_, rk.refresh_due);
  }
  refresh_scratch_.resize(ranks_.size());

  std::size_t capacity = 0;
  switch (device_.buffer) {
    case RequestBuffer::kBankwise:
      capacity = std::size_t{device_.queue_size} * banks_.size();
      break;
    case RequestBuffer::kShared:
      capacity = std::size_t{device_.queue_size} * channels_.size();
      break;
    case RequestBuffer::kReadWrite:
      capacity = std::size_t{device_.queue_size_read + device_.queue_size_write} * channels_.size();
      break;
  }
  slots_.resize(capacity);
  free_slots_.reserve(capacity);
  for (std::size_t s = capacity; s-- > 0;) free_slots_.push_back(static_cast<std::int32_t>(s));
  // Rings of a power-of-two size, indexed with a mask.
  auto ring = [](std::size_t n) {
    std::size_t size = 16;
    while (size < n) size *= 2;
    return size;
  };
  unready_.resize(ring(capacity));
  done_.resize(ring(capacity));
  active_banks_.reserve(banks_.size());
  candidate_op_.assign(banks_.size(), kNoCandidate);
}

DramAddress BankModel::decode(std::uint64_t address) const {
  if (!simple_mapping_) return device_.decode(address);
  auto get = [address](const FieldDecoder& f) { return static_cast<unsigned>((address >> f.shift) & f.mask); };
  DramAddress a;
  a.channel = get(channel_field_);
  a.rank = get(rank_field_);
  a.bank_group = (a.channel * device_.ranks + a.rank) * device_.bank_groups + get(group_field_);
  a.bank = a.bank_group * device_.banks_per_group + get(bank_field_);
  a.row = get(row_field_);
  return a;
}

BankModel::Cycle BankModel::cycle_ceil(std::uint64_t t_ps) const {
  if (tck_whole_ps_ != 0) return (t_ps + tck_whole_ps_ - 1) / tck_whole_ps_;
  return static_cast<Cycle>((Wide{t_ps} * 1000 + tck_fs_ - 1) / tck_fs_);
}

BankModel::Cycle BankModel::cycle_floor(std::uint64_t t_ps) const {
  // The last cycle whose ps() is not after t_ps.
  if (tck_whole_ps_ != 0) return t_ps / tck_whole_ps_;
  return static_cast<Cycle>(((Wide{t_ps} + 1) * 1000 - 1) / tck_fs_);
}

std::uint64_t BankModel::ps(Cycle c) const {
  if (tck_whole_ps_ != 0 && c < kNever / tck_whole_ps_) return c * tck_whole_ps_;
  return static_cast<std::uint64_t>(Wide{c} * tck_fs_ / 1000);
}

std::uint32_t BankModel::command_cycles(Op op) const {
  switch (op) {
    case Op::kAct:
      return c_.act_cycles;
    case Op::kPre:
    case Op::kPreAll:
      return c_.pre_cycles;
    case Op::kRead:
    case Op::kWrite:
      return c_.cas_cycles;
    case Op::kRefresh:
      return c_.ref_cycles;
  }
  return 1;
}

void BankModel::push(std::uint64_t id, bool write, std::uint64_t address, std::uint64_t arrival_ps) {
  if (arrival_ps < last_arrival_ps_)
    throw Error(fmt::format("BankModel: request {} arrives at {} ps, before the previous one ({} ps)", id, arrival_ps,
                            last_arrival_ps_));
  if (address >= capacity_)
    throw Error(
        fmt::format("BankModel: address {:#x} is beyond the {} MiB device", address, device_.capacity_bytes() >> 20));
  const DramAddress a = decode(address);
  Bank& bk = banks_[a.bank];
  Channel& ch = channels_[a.channel];
  const bool room = device_.buffer == RequestBuffer::kBankwise ? bk.count < device_.queue_size
                    : device_.buffer == RequestBuffer::kShared ? ch.queued < device_.queue_size
                    : write                                    ? ch.writes < device_.queue_size_write
                                                               : ch.reads < device_.queue_size_read;
  if (!room) throw Error(fmt::format("BankModel: request {} pushed into a full request buffer", id));

  // Schedulable from the next clock edge plus the controller's delay (Arbiter.cpp
  // aligns to the clock, Controller.cpp adds ThinkDelayFw), one request per clock (the
  // arbiter's "do not send two requests in the same cycle"), never before decisions
  // already made.
  const Cycle ready = std::max({cycle_ceil(arrival_ps) + device_.request_delay, last_ready_ + 1, horizon_ + 1});
  if (queued_ == 0) catch_up_refresh(ready);

  const std::int32_t s = free_slots_.back();
  free_slots_.pop_back();
  Slot& slot = slots_[s];
  slot = Slot{};
  slot.id = id;
  slot.seq = seq_++;
  slot.address = address;
  slot.ready = ready;
  slot.bank = a.bank;
  slot.row = a.row;
  slot.write = write;
  slot.prev = bk.tail;
  if (bk.tail >= 0) {
    slots_[bk.tail].next = s;
  } else {
    bk.head = s;
  }
  bk.tail = s;
  if (bk.count++ == 0) {
    bk.active_index = static_cast<std::int32_t>(active_banks_.size());
    active_banks_.push_back(a.bank);
  }
  ++ch.queued;
  ++(write ? ch.writes : ch.reads);
  unready_[(unready_head_ + unready_size_) & (unready_.size() - 1)] = {ready, s};
  ++unready_size_;
  ++queued_;
  last_bank_ = a.bank;
  last_ready_ = ready;
  last_arrival_ps_ = arrival_ps;
  ++version_;
}

bool BankModel::full() const {
  const Bank& bk = banks_[last_bank_];
  if (device_.buffer == RequestBuffer::kBankwise) return bk.count >= device_.queue_size;
  const Channel& ch = channels_[ranks_[bk.rank].channel];
  if (device_.buffer == RequestBuffer::kShared) return ch.queued >= device_.queue_size;
  return ch.reads >= device_.queue_size_read || ch.writes >= device_.queue_size_write;
}

// What bank b would do next, as DRAMSys's BankMachine<policy>::evaluate with the
// scheduler's getNextRequest, and the earliest time the checker allows it.
bool BankModel::bank_candidate(std::uint32_t b, Cycle now, Decision& out) const {
  const Bank& bk = banks_[b];
  const Rank& rk = ranks_[bk.rank];
  const Channel& ch = channels_[rk.channel];
  const bool open = bk.open_row >= 0;
  const auto open_row = static_cast<std::uint32_t>(bk.open_row);
  std::int32_t oldest = -1, hit = -1, grouped_hit = -1;
  unsigned ready = 0, hits = 0;
  for (std::int32_t s = bk.head; s >= 0 && slots_[s].ready <= now; s = slots_[s].next) {
    const Slot& slot = slots_[s];
    if (++ready == 1) oldest = s;
    if (device_.scheduler == DramScheduler::kFifo) {
      // FIFO serves the oldest only; "a further row hit" is the second in line.
      if (ready == 1 && open && slot.row == open_row) hit = s, hits = 1;
      if (ready == 2 && hit >= 0 && slot.row == open_row) hits = 2;
      continue;
    }
    if (!open) {
      if (!scan_all_) break;  // an ACT for the oldest
      continue;
    }
    if (slot.row != open_row) continue;
    ++hits;
    if (hit < 0) hit = s;
    if (!scan_all_) break;  // the oldest row hit
    // FR-FCFS-Grp: the oldest row hit in the direction of the last CAS whose address no
    // older row hit has (SchedulerFrFcfsGrp.cpp, getNextRequest).
    if (device_.scheduler == DramScheduler::kFrFcfsGrp && grouped_hit < 0 && slot.write == ch.last_cas_write) {
      bool hazard = false;
      for (std::int32_t o = bk.head; o != s; o = slots_[o].next)
        if (slots_[o].row == open_row && slots_[o].address == slot.address) hazard = true;
      if (!hazard) grouped_hit = s;
    }
  }
  if (oldest < 0) return false;
  if (grouped_hit >= 0) hit = grouped_hit;

  Decision d;
  d.issue = true;
  d.target = b;
  if (!open) {
    d.op = Op::kAct;
    d.slot = oldest;
    d.time = act_time(bk, now);
  } else if (hit >= 0) {
    const bool write = slots_[hit].write;
    d.op = write ? Op::kWrite : Op::kRead;
    d.slot = hit;
    switch (device_.page_policy) {
      case PagePolicy::kOpen:
        d.auto_precharge = false;
        break;
      case PagePolicy::kClosed:
        d.auto_precharge = true;
        break;
      case PagePolicy::kOpenAdaptive:  // close when others wait and none of them hits
        d.auto_precharge = ready >= 2 && hits < 2;
        break;
      case PagePolicy::kClosedAdaptive:  // keep open only for a further hit
        d.auto_precharge = hits < 2;
        break;
    }
    d.time = cas_time(bk, write, now);
  } else {
    d.op = Op::kPre;
    d.slot = oldest;
    d.time = pre_time(bk, now);
  }
  // From its due time on, a refresh stops the rank's banks (RefreshManagerAllBank.cpp,
  // evaluate: forced refresh blocks every bank machine).
  if (d.time >= rk.refresh_due) return false;
  out = d;
  return true;
}

// The earliest bank bk may start an ACT, or a PRE, from `now`.
BankModel::Cycle BankModel::act_time(const Bank& bk, Cycle now) const {
  return std::max({now, bk.next_act, groups_[bk.group].next_act, ranks_[bk.rank].next_act,
                   channels_[ranks_[bk.rank].channel].cmd_free});
}

BankModel::Cycle BankModel::pre_time(const Bank& bk, Cycle now) const {
  return std::max({now, bk.next_pre, ranks_[bk.rank].next_pre, channels_[ranks_[bk.rank].channel].cmd_free});
}

// The earliest bank bk may start a column command from `now`.
[[gnu::always_inline]] inline BankModel::Cycle BankModel::cas_time(const Bank& bk, bool write, Cycle now) const {
  const Group& g = groups_[bk.group];
  const Rank& rk = ranks_[bk.rank];
  const Channel& ch = channels_[rk.channel];
  return write ? earliest_cas(c_, true, now, bk.next_wr, g.next_wr, rk.next_wr, ch.cmd_free, ch.data_free)
               : earliest_cas(c_, false, now, bk.next_rd, g.next_rd, rk.next_rd, ch.cmd_free, ch.data_free);
}

// decide() in closed form when one bank holds every queued request, under FR-FCFS or
// FIFO with the open or closed page policy and one-slot commands. Requests there become
// schedulable in age order (ready times rise along the bank's queue), so the general
// search comes down to this: from when the oldest is ready, the column command of the
// oldest ready row hit (FIFO: of the oldest, if it hits); else, with the bank open, a
// PRE for the oldest unless a row hit becomes ready by the PRE's time (the search looks
// again then, and the hit goes first); with the bank closed, an ACT for the oldest
// (a younger request changes nothing). Only while every time found is before the next
// refresh: otherwise the general search decides (the refresh may win).
bool BankModel::one_bank(Cycle now, Decision& out) const {
  if (!one_bank_applies_ || !closed_forms_ || active_banks_.size() != 1) return false;
  const std::uint32_t b = active_banks_[0];
  const Bank& bk = banks_[b];
  const Slot& head = slots_[bk.head];
  now = std::max(now, head.ready);
  out.issue = true;
  out.target = b;
  out.slot = bk.head;
  out.auto_precharge = false;
  if (bk.open_row < 0) {
    out.op = Op::kAct;
    out.time = act_time(bk, now);
    return out.time < next_refresh_due_;
  }
  const auto open_row = static_cast<std::uint32_t>(bk.open_row);
  if (head.row != open_row) {
    const Cycle pre = pre_time(bk, now);
    if (pre >= next_refresh_due_) return false;
    std::int32_t hit = -1;
    if (device_.scheduler == DramScheduler::kFrFcfs) {
      for (std::int32_t s = head.next; s >= 0 && slots_[s].ready <= pre; s = slots_[s].next)
        if (slots_[s].row == open_row) {
          hit = s;
          break;
        }
    }
    if (hit < 0) {
      out.op = Op::kPre;
      out.time = pre;
      return true;
    }
    out.slot = hit;
    now = std::max(now, slots_[hit].ready);
  }
  const bool write = slots_[out.slot].write;
  out.op = write ? Op::kWrite : Op::kRead;
  out.auto_precharge = device_.page_policy == PagePolicy::kClosed;
  out.time = cas_time(bk, write, now);
  return out.time < next_refresh_due_;
}

// The controller's next command from `now`: among the banks' and the refresh managers'
// commands, the one that can start first, the oldest request on a tie (the refresh
// first); CmdMux Oldest orders by start plus command length, which only matters for
// LPDDR4's multi-cycle commands. Time moves on first to any request becoming
// schedulable before that command could start, as it may change the choice.
BankModel::Decision BankModel::decide(Cycle now) const {
  if (Decision closed; one_bank(now, closed)) return closed;
  std::size_t unready = 0;  // requests not yet schedulable at `now` start here in unready_
  const std::size_t mask = unready_.size() - 1;
  for (;;) {
    while (unready < unready_size_ && unready_[(unready_head_ + unready) & mask].ready <= now) ++unready;
    Cycle next_ready = unready < unready_size_ ? unready_[(unready_head_ + unready) & mask].ready : kNever;
    Decision best;
    Cycle best_key = kNever, future = kNever;
    std::uint64_t best_age = ~std::uint64_t{0};
    auto consider = [&](const Decision& d, std::uint64_t age) {
      const Cycle key = d.time + (uniform_commands_ ? 0 : command_cycles(d.op));
      if (d.time > now) future = std::min(future, d.time);
      if (key < best_key || (key == best_key && age < best_age)) {
        best = d;
        best_key = key;
        best_age = age;
      }
    };
    Decision d;
    for (const std::uint32_t b : active_banks_) {
      candidate_op_[b] = kNoCandidate;
      if (bank_candidate(b, now, d)) {
        candidate_op_[b] = static_cast<std::uint8_t>(d.op);
        consider(d, slots_[d.slot].seq);
      }
    }
    if (device_.refresh) {
      for (std::uint32_t r = 0; r < ranks_.size(); ++r) {
        const Rank& rk = ranks_[r];
        // With uniform commands a refresh not due by the best time so far cannot win.
        if (uniform_commands_ && rk.refresh_due > best_key) continue;
        d.issue = true;
        d.target = r;
        d.slot = -1;
        d.auto_precharge = false;
        // Open banks are closed first (PREAB), then REFAB.
        d.op = rk.open_banks > 0 ? Op::kPreAll : Op::kRefresh;
        d.time = std::max(
            {now, rk.refresh_due, rk.open_banks > 0 ? rk.next_preab : rk.next_refab, channels_[rk.channel].cmd_free});
        consider(d, 0);
      }
    }
    // Requests becoming schedulable by then that cannot change their bank's candidate
    // (a younger request than those it has) are passed over without looking again.
    if (uniform_commands_ && best_key != kNever) {
      while (next_ready <= best.time && !may_change_candidate(unready_[(unready_head_ + unready) & mask].slot)) {
        ++unready;
        next_ready = unready < unready_size_ ? unready_[(unready_head_ + unready) & mask].ready : kNever;
      }
    }
    if (best_key == kNever || next_ready <= best.time) {
      if (next_ready == kNever) return Decision{};
      now = next_ready;
      continue;
    }
    if (uniform_commands_ || best.time == now) return best;
    // The winner cannot start yet: DRAMSys issues nothing now and looks again at the
    // next time some command could start.
    now = std::min(future, next_ready);
  }
}

// Whether slot s, schedulable from now on and younger than every other request of its
// bank, can change what bank_candidate chose for that bank, with uniform commands
// (every candidate then starts no earlier than the chosen one, so a later `now` moves
// none of them).
bool BankModel::may_change_candidate(std::int32_t s) const {
  const Slot& slot = slots_[s];
  const std::uint8_t op = candidate_op_[slot.bank];
  if (op == kNoCandidate) return true;  // none ready before it (or held by a refresh)
  const bool fixed_policy = device_.page_policy == PagePolicy::kOpen || device_.page_policy == PagePolicy::kClosed;
  if (!fixed_policy) return true;  // the count of ready requests and hits matters
  switch (device_.scheduler) {
    case DramScheduler::kFifo:  // the oldest only
      return false;
    case DramScheduler::kFrFcfs:  // an older row hit stays first; a PRE gives way to a hit
      return static_cast<Op>(op) == Op::kPre && static_cast<std::int64_t>(slot.row) == banks_[slot.bank].open_row;
    case DramScheduler::kFrFcfsGrp:
      return true;
  }
  return true;
}

const BankModel::Decision& BankModel::decide_cached(Cycle now) const {
  if (cached_version_ != version_ || cached_now_ != now) {
    cached_ = decide(now);
    cached_version_ = version_;
    cached_now_ = now;
  }
  return cached_;
}

// Takes slot s, whose column command has issued, out of its bank's queue and the
// request buffer.
void BankModel::unlink(std::int32_t s) {
  Slot& slot = slots_[s];
  Bank& bk = banks_[slot.bank];
  Channel& ch = channels_[ranks_[bk.rank].channel];
  --ch.queued;
  --(slot.write ? ch.writes : ch.reads);
  --queued_;
  if (slot.prev >= 0) {
    slots_[slot.prev].next = slot.next;
  } else {
    bk.head = slot.next;
  }
  if (slot.next >= 0) {
    slots_[slot.next].prev = slot.prev;
  } else {
    bk.tail = slot.prev;
  }
  if (--bk.count == 0) {
    const std::uint32_t moved = active_banks_.back();
    active_banks_[bk.active_index] = moved;
    banks_[moved].active_index = bk.active_index;
    active_banks_.pop_back();
    bk.active_index = -1;
  }
  free_slots_.push_back(s);
}

void BankModel::close_bank(std::uint32_t b, Cycle at) {
  Bank& bk = banks_[b];
  Rank& rk = ranks_[bk.rank];
  bk.open_row = -1;
  --rk.open_banks;
  bk.next_act = std::max(bk.next_act, at + c_.pre_to_act);
  rk.next_refab = std::max(rk.next_refab, at + c_.pre_to_refab);
  ++counters_.precharges;
}

// The other ranks on rk's channel after a column command of rk at t: the data bus
// changes hands (tRTRS).
void BankModel::rank_switch(const Rank& rk, bool write, Cycle t) {
  const std::uint32_t first = rk.channel * device_.ranks;
  for (std::uint32_t r = first; r < first + device_.ranks; ++r) {
    if (&ranks_[r] == &rk) continue;
    Rank& other = ranks_[r];
    other.next_rd = std::max(other.next_rd, t + (write ? c_.wr_to_rd_rank_switch : c_.rd_to_rd_rank_switch));
    other.next_wr = std::max(other.next_wr, t + (write ? c_.wr_to_wr_rank_switch : c_.rd_to_wr_rank_switch));
  }
}

void BankModel::push_done(std::uint64_t id, Cycle done) {
  if (done_size_ == done_.size()) {
    std::vector<Completion> grown(done_.size() * 2);
    for (std::size_t i = 0; i < done_size_; ++i) grown[i] = done_[(done_head_ + i) & (done_.size() - 1)];
    done_ = std::move(grown);
    done_head_ = 0;
  }
  done_[(done_head_ + done_size_) & (done_.size() - 1)] = {id, done};
  ++done_size_;
}

void BankModel::finish_cas(const Decision& d, Cycle t) {
  const Slot& slot = slots_[d.slot];
  column_command(slot, d.auto_precharge, t);
  push_done(slot.id, last_done_);
  unlink(d.slot);
}

// What a column command at t for slot's request leaves: its bank's, group's and rank's
// timing, its data on the bus, the response time (last_done_), the counters, and with
// auto-precharge the bank closed. Inlined: serve() and finish_cas() call it per burst.
[[gnu::always_inline]] inline void BankModel::column_command(const Slot& slot, bool auto_precharge, Cycle t) {
  Bank& bk = banks_[slot.bank];
  Group& g = groups_[bk.group];
  Rank& rk = ranks_[bk.rank];
  Channel& ch = channels_[rk.channel];
  const bool write = slot.write;
  after_cas(c_, write, t, bk.next_pre, g.next_rd, g.next_wr, rk.next_rd, rk.next_wr, rk.next_preab);
  if (device_.ranks > 1) rank_switch(rk, write, t);
  const Cycle data_end = t + (write ? c_.write_data_begin : c_.read_data_begin) + c_.burst;
  ch.data_free = std::max(ch.data_free, data_end);
  ch.last_cas_write = write;
  // Responses leave in command order (RespQueueFifo.cpp).
  last_done_ = std::max(last_done_, data_end + device_.response_delay);
  tally_cas(slot, counters_);
  if (auto_precharge) close_bank(slot.bank, std::max(t + (write ? c_.wr_to_pre : c_.rd_to_pre), bk.next_pre));
}

// A column command for slot's request in the counters: a burst, a row hit unless an ACT
// or PRE was issued for it, its energy.
void BankModel::tally_cas(const Slot& slot, DramCounters& n) const {
  const Kind kind = slot.classified ? slot.kind : Kind::kHit;
  ++(kind == Kind::kHit ? n.row_hits : kind == Kind::kMiss ? n.row_misses : n.row_conflicts);
  ++(slot.write ? n.writes : n.reads);
  n.energy_pj += slot.write ? device_.energy.wr_pj : device_.energy.rd_pj;
}

void BankModel::issue(const Decision& d) {
  const Cycle t = d.time;
  if (trace_ != nullptr) trace_->push_back({d.op, d.auto_precharge, d.target, t});
  switch (d.op) {
    case Op::kAct: {
      Bank& bk = banks_[d.target];
      Rank& rk = ranks_[bk.rank];
      Slot& slot = slots_[d.slot];
      bk.open_row = slot.row;
      ++rk.open_banks;
      bk.next_rd = std::max(bk.next_rd, t + c_.act_to_rdwr);
      bk.next_wr = std::max(bk.next_wr, t + c_.act_to_rdwr);
      bk.next_pre = std::max(bk.next_pre, t + c_.act_to_pre);
      bk.next_act = std::max(bk.next_act, t + c_.act_to_act);
      Group& g = groups_[bk.group];
      g.next_act = std::max(g.next_act, t + c_.act_to_act_bg);
      rk.next_act = std::max(rk.next_act, t + c_.act_to_act_rank);
      // At most four ACTs in any tFAW: the fifth waits for the first plus tFAW.
      Cycle& oldest = rk.recent_acts[rk.acts_seen % 3];
      if (rk.acts_seen >= 3) rk.next_act = std::max(rk.next_act, oldest + c_.faw);
      oldest = t;
      ++rk.acts_seen;
      rk.next_preab = std::max(rk.next_preab, t + c_.act_to_preab);
      rk.next_refab = std::max(rk.next_refab, t + c_.act_to_refab);
      if (!slot.classified) slot.kind = Kind::kMiss, slot.classified = true;
      ++counters_.activates;
      counters_.energy_pj += device_.energy.act_pj;
      break;
    }
    case Op::kPre: {
      Rank& rk = ranks_[banks_[d.target].rank];
      close_bank(d.target, t);
      rk.next_pre = std::max(rk.next_pre, t + c_.pre_to_pre);
      rk.next_preab = std::max(rk.next_preab, t + c_.pre_to_pre);
      Slot& slot = slots_[d.slot];
      if (!slot.classified) slot.kind = Kind::kConflict, slot.classified = true;
      break;
    }
    case Op::kRead:
    case Op::kWrite:
      finish_cas(d, t);
      break;
    case Op::kPreAll: {
      Rank& rk = ranks_[d.target];
      const unsigned per_rank = device_.bank_groups * device_.banks_per_group;
      for (std::uint32_t b = d.target * per_rank; b < (d.target + 1) * per_rank; ++b)
        if (banks_[b].open_row >= 0) banks_[b].open_row = -1, ++counters_.precharges;
      rk.open_banks = 0;
      rk.next_act = std::max(rk.next_act, t + c_.preab_to_act);
      rk.next_refab = std::max(rk.next_refab, t + c_.preab_to_refab);
      break;
    }
    case Op::kRefresh: {
      Rank& rk = ranks_[d.target];
      rk.next_act = std::max(rk.next_act, t + c_.refab_to_act);
      rk.next_refab = std::max(rk.next_refab, t + c_.refab_to_refab);
      // The next one is due a whole tREFI after this one was (RefreshManagerAllBank.cpp, update).
      rk.refresh_due += device_.t.refi;
      next_refresh_due_ = kNever;
      for (const Rank& other : ranks_) next_refresh_due_ = std::min(next_refresh_due_, other.refresh_due);
      ++counters_.refreshes;
      counters_.energy_pj += device_.energy.ref_pj;
      break;
    }
  }
  const std::uint32_t channel =
      d.op == Op::kPreAll || d.op == Op::kRefresh ? ranks_[d.target].channel : ranks_[banks_[d.target].rank].channel;
  Channel& ch = channels_[channel];
  ch.cmd_free = std::max(ch.cmd_free, t + command_cycles(d.op));
  ++version_;
}

// Refreshes due by `until` while no request was queued: the first of each rank as the
// controller would do it (closing open banks), the rest in closed form, since every bank
// is then closed and each refresh starts on its due cycle.
void BankModel::catch_up_refresh(Cycle until) {
  if (!device_.refresh || until < next_refresh_due_) return;
  std::vector<char>& done_first = refresh_scratch_;
  std::fill(done_first.begin(), done_first.end(), 0);
  for (;;) {
    std::uint32_t pick = 0;
    Cycle due = kNever;
    for (std::uint32_t r = 0; r < ranks_.size(); ++r)
      if (!done_first[r] && ranks_[r].refresh_due <= until && ranks_[r].refresh_due < due)
        pick = r, due = ranks_[r].refresh_due;
    if (due == kNever) break;
    done_first[pick] = 1;
    Rank& rk = ranks_[pick];
    Decision d;
    d.issue = true;
    d.target = pick;
    if (rk.open_banks > 0) {
      d.op = Op::kPreAll;
      d.time = std::max({due, rk.next_preab, channels_[rk.channel].cmd_free});
      issue(d);
    }
    d.op = Op::kRefresh;
    d.time = std::max({due, rk.next_refab, channels_[rk.channel].cmd_free});
    issue(d);
  }
  for (Rank& rk : ranks_) {
    while (rk.refresh_due <= until && rk.refresh_due < rk.next_refab) {
      Decision d;  // not yet clear of the previous refresh: one more the long way
      d.issue = true;
      d.op = Op::kRefresh;
      d.target = static_cast<std::uint32_t>(&rk - ranks_.data());
      d.time = std::max({rk.refresh_due, rk.next_refab, channels_[rk.channel].cmd_free});
      issue(d);
    }
    if (rk.refresh_due > until) continue;
    const Cycle n = (until - rk.refresh_due) / device_.t.refi + 1;
    const Cycle last = rk.refresh_due + (n - 1) * device_.t.refi;
    rk.next_act = std::max(rk.next_act, last + c_.refab_to_act);
    rk.next_refab = std::max(rk.next_refab, last + c_.refab_to_refab);
    rk.refresh_due = last + device_.t.refi;
    counters_.refreshes += n;
    counters_.energy_pj += double(n) * device_.energy.ref_pj;
    Channel& ch = channels_[rk.channel];
    ch.cmd_free = std::max(ch.cmd_free, last + c_.ref_cycles);
  }
  next_refresh_due_ = kNever;
  for (const Rank& rk : ranks_) next_refresh_due_ = std::min(next_refresh_due_, rk.refresh_due);
  ++version_;
}

std::optional<std::uint64_t> BankModel::next_event_ps() const {
  Cycle best = done_size_ > 0 ? done_[done_head_].second : kNever;
  if (queued_ > 0) best = std::min(best, decide_cached(now_).time);
  if (best == kNever) return std::nullopt;
  return ps(best);
}

std::optional<std::uint64_t> BankModel::earliest_unscheduled_done_ps() const {
  if (queued_ == 0) return std::nullopt;
  const Decision& d = decide_cached(now_);
  if (!d.issue) return std::nullopt;
  return ps(d.time + min_done_gap());
}

std::uint64_t BankModel::earliest_done_ps(std::uint64_t arrival_ps) const {
  return ps(cycle_ceil(arrival_ps) + device_.request_delay + min_done_gap());
}

// finish_cas: the data ends data_begin + burst after the column command, the response
// response_delay later.
BankModel::Cycle BankModel::min_done_gap() const {
  return std::min(c_.read_data_begin, c_.write_data_begin) + c_.burst + device_.response_delay;
}

std::optional<std::uint64_t> BankModel::decided_before_ps(std::uint64_t arrival_ps) const {
  if (arrival_ps == ~std::uint64_t{0}) return arrival_ps;
  // push(): such a request is ready no earlier than cycle_ceil(arrival) + request_delay,
  // and run_until(t) leaves the next one ready after cycle_floor(t).
  const Cycle ready = cycle_ceil(arrival_ps) + device_.request_delay;
  if (ready == 0) return std::nullopt;
  return ps(ready - 1);
}

void BankModel::offer(std::uint64_t id, bool write, std::uint64_t address, std::uint64_t arrival_ps) {
  const bool none_held = held_head_ == held_.size();
  if (none_held && !full()) {
    push(id, write, address, std::max(arrival_ps, last_arrival_ps_));
    return;
  }
  held_.push_back({id, address, std::max(arrival_ps, none_held ? last_arrival_ps_ : held_.back().arrival_ps), write});
}

std::uint64_t BankModel::serve(bool write, std::uint64_t address, std::uint64_t arrival_ps, unsigned bursts) {
  const std::uint64_t burst = device_.bytes_per_burst();
  const std::uint64_t first = address / burst * burst;
  if (queued_ > 0 || held_head_ < held_.size()) throw Error("BankModel: serve() while requests are queued");
  if (arrival_ps < last_arrival_ps_)
    throw Error(fmt::format("BankModel: a request arrives at {} ps, before the previous one ({} ps)", arrival_ps,
                            last_arrival_ps_));
  if (bursts == 0 || first >= capacity_ || first + std::uint64_t{bursts} * burst > capacity_)
    throw Error(fmt::format("BankModel: {} bursts from {:#x} do not fit the {} MiB device", bursts, address,
                            device_.capacity_bytes() >> 20));
  last_arrival_ps_ = arrival_ps;
  const Cycle arrival_ready = cycle_ceil(arrival_ps) + device_.request_delay;
  const bool auto_precharge = device_.page_policy == PagePolicy::kClosed;
  // A slot of the request buffer, never queued, holds the burst being served: issue()
  // reads its row and notes in it how the burst found the bank.
  const std::int32_t s = free_slots_.back();
  Slot& slot = slots_[s];
  slot.write = write;
  DramAddress d;
  std::uint64_t decoded = ~first;  // the address d holds; a burst that differs from it
                                   // only in column bits lies in the same bank and row
  for (std::uint64_t a = first; a < first + bursts * burst; a += burst) {
    if (((a ^ decoded) & bank_row_bits_) != 0) {
      d = decode(a);
      decoded = a;
      slot.bank = d.bank;
      slot.row = d.row;
    }
    slot.classified = false;
    last_ready_ = std::max(arrival_ready, last_ready_ + 1);  // the arbiter's one request per clock
    Bank& bk = banks_[d.bank];
    Channel& ch = channels_[ranks_[bk.rank].channel];
    for (;;) {
      // The burst's next command, no earlier than the last one issued; from its due
      // time on, a refresh goes first (and may close the bank).
      const Cycle from = std::max(now_, last_ready_);
      if (bk.open_row == static_cast<std::int64_t>(d.row)) {
        const Cycle t = cas_time(bk, write, from);
        if (t >= next_refresh_due_) {
          catch_up_refresh(t);
          continue;
        }
        now_ = t;
        if (trace_ != nullptr) trace_->push_back({write ? Op::kWrite : Op::kRead, auto_precharge, d.bank, t});
        column_command(slot, auto_precharge, t);
        ch.cmd_free = std::max(ch.cmd_free, t + c_.cas_cycles);
        break;
      }
      Decision next;
      next.issue = true;
      next.target = d.bank;
      next.slot = s;
      if (bk.open_row >= 0) {
        next.op = Op::kPre;
        next.time = pre_time(bk, from);
      } else {
        next.op = Op::kAct;
        next.time = act_time(bk, from);
      }
      if (next.time >= next_refresh_due_) {
        catch_up_refresh(next.time);
        continue;
      }
      now_ = next.time;
      issue(next);
    }
  }
  ++version_;
  return ps(last_done_);
}

// The held requests enter after the commands of cycle `c`, as DRAMSys's arbiter retries
// them once a command has made room: schedulable from the next cycle on.
void BankModel::feed_held(Cycle c) {
  horizon_ = std::max(horizon_, c);
  while (held_head_ < held_.size() && !full()) {
    const Held h = held_[held_head_++];
    push(h.id, h.write, h.address, h.arrival_ps);
  }
  if (held_head_ == held_.size()) {
    held_.clear();
    held_head_ = 0;
  } else if (held_head_ >= 1024 && 2 * held_head_ >= held_.size()) {
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(held_head_));
    held_head_ = 0;
  }
}

// advance() while decide() would take one_bank()'s closed form for a row hit, with the
// open page policy on one channel: the same commands, issued in a loop that keeps the
// bank's, group's, rank's and channel's timing in locals rather than going through
// decide(), issue() and finish_cas() for each (a test compares the two).
// Returns true when advance() must stop (the limit, or `stop` set and time moving on);
// false when the general search takes over: the oldest request misses the open row, a
// refresh is due first, another bank has requests, or the queue has emptied.
bool BankModel::stream_row_hits(Cycle limit, const Scheduled* on_scheduled, bool& stop) {
  const std::uint32_t b = active_banks_[0];
  Bank& bk = banks_[b];
  Group& g = groups_[bk.group];
  Rank& rk = ranks_[bk.rank];
  Channel& ch = channels_[rk.channel];
  if (bk.open_row < 0) return false;
  const auto open_row = static_cast<std::uint32_t>(bk.open_row);
  Cycle bk_pre = bk.next_pre;  // a column command leaves the bank's next_rd/next_wr as they are
  Cycle g_rd = g.next_rd, g_wr = g.next_wr;
  Cycle rk_rd = rk.next_rd, rk_wr = rk.next_wr, rk_preab = rk.next_preab;
  Cycle cmd_free = ch.cmd_free, data_free = ch.data_free, last_done = last_done_;
  bool last_write = ch.last_cas_write;
  DramCounters n = counters_;
  bool limited = false, handed_over = false;
  Decision next;
  while (!handed_over) {
    const std::int32_t s = bk.head;
    const Slot& slot = slots_[s];
    if (slot.row != open_row) break;
    const bool write = slot.write;
    const Cycle from = std::max(now_, slot.ready);
    const Cycle t = write ? earliest_cas(c_, true, from, bk.next_wr, g_wr, rk_wr, cmd_free, data_free)
                          : earliest_cas(c_, false, from, bk.next_rd, g_rd, rk_rd, cmd_free, data_free);
    if (t >= next_refresh_due_) break;
    if (t > limit || (stop && t > now_)) {
      // decide() would return this command next: kept for decide_cached() below.
      limited = true;
      next.issue = true;
      next.op = write ? Op::kWrite : Op::kRead;
      next.target = b;
      next.slot = s;
      next.auto_precharge = false;
      next.time = t;
      break;
    }
    now_ = t;
    while (unready_size_ > 0 && unready_[unready_head_].ready <= t) {
      unready_head_ = (unready_head_ + 1) & (unready_.size() - 1);
      --unready_size_;
    }
    if (trace_ != nullptr) trace_->push_back({write ? Op::kWrite : Op::kRead, false, b, t});
    // finish_cas() for this bank's group, rank and channel.
    after_cas(c_, write, t, bk_pre, g_rd, g_wr, rk_rd, rk_wr, rk_preab);
    if (device_.ranks > 1) rank_switch(rk, write, t);
    const Cycle data_end = t + (write ? c_.write_data_begin : c_.read_data_begin) + c_.burst;
    data_free = std::max(data_free, data_end);
    last_write = write;
    last_done = std::max(last_done, data_end + device_.response_delay);
    cmd_free = std::max(cmd_free, t + c_.cas_cycles);
    tally_cas(slot, n);
    const std::uint64_t id = slot.id;
    unlink(s);
    if (queued_ == 0) handed_over = true;  // a request pushed now may catch up with refreshes first
    if (on_scheduled != nullptr) {
      if ((*on_scheduled)(id, ps(last_done))) stop = true;
    } else {
      push_done(id, last_done);
    }
    if (held_head_ < held_.size()) {
      if (handed_over) break;  // fed below, after the write-back
      feed_held(t);
      if (active_banks_.size() != 1) handed_over = true;
    }
  }
  bk.next_pre = bk_pre;
  g.next_rd = g_rd, g.next_wr = g_wr;
  rk.next_rd = rk_rd, rk.next_wr = rk_wr, rk.next_preab = rk_preab;
  ch.cmd_free = cmd_free, ch.data_free = data_free, ch.last_cas_write = last_write;
  last_done_ = last_done;
  counters_ = n;
  ++version_;
  if (limited) {
    cached_ = next;
    cached_now_ = now_;
    cached_version_ = version_;
  }
  if (queued_ == 0 && held_head_ < held_.size()) feed_held(now_);
  return limited;
}

bool BankModel::advance(Cycle limit, const Scheduled* on_scheduled) {
  bool stop = false;
  while (queued_ > 0) {
    if (stream_ && closed_forms_ && active_banks_.size() == 1 && stream_row_hits(limit, on_scheduled, stop)) break;
    if (queued_ == 0) break;
    const Decision d = decide_cached(now_);
    if (!d.issue || d.time > limit || (stop && d.time > now_)) break;
    now_ = d.time;
    while (unready_size_ > 0 && unready_[unready_head_].ready <= now_) {
      unready_head_ = (unready_head_ + 1) & (unready_.size() - 1);
      --unready_size_;
    }
    issue(d);
    if (on_scheduled != nullptr) {
      for (; done_size_ > 0; --done_size_) {
        const Completion c = done_[done_head_];
        done_head_ = (done_head_ + 1) & (done_.size() - 1);
        if ((*on_scheduled)(c.first, ps(c.second))) stop = true;
      }
    }
    if (held_head_ < held_.size()) {
      // After the last command of this cycle; with one channel this was it (a command
      // takes the command bus for at least this cycle).
      if (channels_.size() == 1) {
        feed_held(now_);
      } else {
        const Decision& next = decide_cached(now_);
        if (queued_ == 0 || !next.issue || next.time > now_) feed_held(now_);
      }
    }
  }
  return stop;
}

void BankModel::run_until(std::uint64_t now_ps, std::vector<Completion>& completed) {
  const Cycle limit = cycle_floor(now_ps);
  advance(limit, nullptr);
  if (queued_ == 0) catch_up_refresh(limit);
  horizon_ = std::max(horizon_, limit);
  while (done_size_ > 0 && done_[done_head_].second <= limit) {
    const Completion& c = done_[done_head_];
    completed.emplace_back(c.first, ps(c.second));
    done_head_ = (done_head_ + 1) & (done_.size() - 1);
    --done_size_;
  }
}

bool BankModel::schedule_until(std::uint64_t limit_ps, const Scheduled& on_scheduled) {
  // Requests run_until has not reported yet first.
  for (; done_size_ > 0; --done_size_) {
    const Completion c = done_[done_head_];
    done_head_ = (done_head_ + 1) & (done_.size() - 1);
    on_scheduled(c.first, ps(c.second));
  }
  const Cycle limit = limit_ps == kNever ? kNever : cycle_floor(limit_ps);
  if (advance(limit, &on_scheduled)) {
    horizon_ = std::max(horizon_, now_);
    return true;
  }
  if (limit == kNever) return false;
  if (queued_ == 0) catch_up_refresh(limit);
  horizon_ = std::max(horizon_, limit);
  return false;
}

}  // namespace qacc
