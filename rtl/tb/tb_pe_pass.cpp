// Verilator testbench of rtl/pe_pass.sv at 4x4, 8x8 and 16x16: every dataflow and
// option, random passes and VGG-lite's, checking (a) every int32 sum against a plain
// C++ reference (start value + sum of products) and (b) the cycles from start to done
// against timing::compute_cycles, the cost model's own code compiled in.
//
// Usage: tb_pe_pass [--size 4|8|16|3] [--random N] [--no-vgg] [--seed S] (3: the 3x5 array)
// Exit status 0 when all sums are right and every cycle count equals the model's,
// outside the cases rtl/README.md lists as ones the hardware cannot match.
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vpe_pass_16.h"
#include "Vpe_pass_3x5.h"
#include "Vpe_pass_4.h"
#include "Vpe_pass_8.h"
#include "model/config/arch_config.h"
#include "model/pe_array/pass_beats.h"
#include "model/timing/cost_model.h"

namespace {

using Words = std::vector<std::uint32_t>;

// Lanes of `width` bits each, lane 0 in the low bits, as Verilator lays a packed vector.
Words pack(const std::vector<std::int32_t>& lanes, int width) {
  Words w((lanes.size() * width + 31) / 32, 0);
  for (std::size_t l = 0; l < lanes.size(); ++l)
    for (int b = 0; b < width; ++b)
      if ((static_cast<std::uint32_t>(lanes[l]) >> b) & 1u) {
        const std::size_t bit = l * width + b;
        w[bit / 32] |= 1u << (bit % 32);
      }
  return w;
}

void load(std::uint32_t& s, const Words& w) { s = w[0]; }
void load(std::uint64_t& s, const Words& w) { s = w[0] | (w.size() > 1 ? std::uint64_t{w[1]} << 32 : 0); }
template <std::size_t N>
void load(VlWide<N>& s, const Words& w) {
  for (std::size_t i = 0; i < N; ++i) s[i] = w[i];
}
template <std::size_t N>
std::int32_t lane32(const VlWide<N>& s, int lane) {
  return static_cast<std::int32_t>(s[lane]);
}

struct Options {
  qacc::Dataflow dataflow;
  bool parallel, overlap, dbuf;
};

// arch_config.cpp (with qacc::to_string) pulls in the YAML loader; the names are these.
const char* name(qacc::Dataflow d) {
  switch (d) {
    case qacc::Dataflow::kWeightStationary:
      return "ws";
    case qacc::Dataflow::kOutputStationary:
      return "os";
    case qacc::Dataflow::kInputStationary:
      break;
  }
  return "is";
}

std::string describe(const Options& o) {
  std::string s = name(o.dataflow);
  if (o.dataflow == qacc::Dataflow::kOutputStationary) s += o.parallel ? " drain=parallel" : " drain=shift";
  s += o.overlap ? " overlap=on" : " overlap=off";
  if (o.dataflow != qacc::Dataflow::kOutputStationary) s += o.dbuf ? " dbuf=on" : " dbuf=off";
  return s;
}

struct Shape {
  std::uint32_t k, p, m;
};

struct PassResult {
  std::uint64_t rtl_cycles = 0, model_cycles = 0, folds = 0;
  // The cycle of the pass's last result beat minus its done cycle (no stalls).
  std::int64_t last_beat_lag = 0;
  bool data_ok = true, finished = true;
};

// Drives one model; Top is the Verilated class of one array size.
template <class Top, int R, int C>
class Bench {
 public:
  Bench() : top_(std::make_unique<Top>(&ctx_)) {
    top_->rst_n = 0;
    top_->clk = 0;
    top_->eval();
    for (int i = 0; i < 3; ++i) tick();
    top_->rst_n = 1;
    tick();
  }

  // One pass with random operands: the beats each stream carries, in the order
  // pe_pass.sv's header gives (folds row block outer), and the sums it must leave.
  struct Pass {
    Shape shape;
    Options options;
    std::vector<Words> a_beats, b_beats;
    std::vector<std::vector<std::int64_t>> out_beats;  // per lane: a sum's index, or -1
    std::vector<std::int32_t> psum;                     // start values, then the results
    std::vector<std::uint32_t> expect;
    std::uint64_t model_cycles = 0, folds = 0;
  };

  static Pass make_pass(const Shape& s, const Options& o, std::mt19937& rng) {
    Pass pass{s, o, {}, {}, {}, {}, {}, 0, 0};
    const std::uint32_t K = s.k, P = s.p, M = s.m;
    std::uniform_int_distribution<int> u8(0, 255), i8(-128, 127);
    const int zero_point = u8(rng);
    std::vector<std::int32_t> x(std::size_t{K} * P), w(std::size_t{M} * K);
    pass.psum.resize(std::size_t{P} * M);
    for (auto& v : x) v = u8(rng) - zero_point;
    for (auto& v : w) v = i8(rng);
    std::uniform_int_distribution<std::int32_t> start(INT32_MIN, INT32_MAX);
    for (auto& v : pass.psum) v = start(rng);
    pass.expect.assign(pass.psum.begin(), pass.psum.end());
    for (std::uint32_t p = 0; p < P; ++p)
      for (std::uint32_t m = 0; m < M; ++m)
        for (std::uint32_t k = 0; k < K; ++k)
          pass.expect[std::size_t{p} * M + m] +=
              static_cast<std::uint32_t>(w[std::size_t{m} * K + k] * x[std::size_t{k} * P + p]);
    // The beats in the order the RTL takes them (model/pe_array/pass_beats.h, which the
    // co-simulation wrapper uses too).
    const qacc::PassBeats beats(o.dataflow, R, C, K, P, M);
    auto X = [&](std::uint32_t k, std::uint32_t p) { return x[std::size_t{k} * P + p]; };
    auto W = [&](std::uint32_t m, std::uint32_t k) { return w[std::size_t{m} * K + k]; };
    std::vector<std::int32_t> a(R), b(C);
    for (std::size_t n = 0; n < beats.a_count(); ++n) {
      beats.a(n, X, W, a.data());
      pass.a_beats.push_back(pack(a, 9));
    }
    for (std::size_t n = 0; n < beats.b_count(); ++n) {
      beats.b(n, X, W, b.data());
      pass.b_beats.push_back(pack(b, 9));
    }
    std::vector<std::int64_t> o_idx(C);
    for (std::size_t n = 0; n < beats.out_count(); ++n) {
      beats.out(n, o_idx.data());
      pass.out_beats.push_back(o_idx);
    }
    qacc::ArchConfig cfg;
    cfg.pe_rows = R;
    cfg.pe_cols = C;
    cfg.dataflow = o.dataflow;
    cfg.os_drain = o.parallel ? qacc::OsDrain::kParallel : qacc::OsDrain::kShift;
    cfg.fold_overlap = o.overlap;
    cfg.ws_weight_double_buffer = o.dbuf;
    pass.model_cycles = qacc::timing::compute_cycles(cfg, {K, P, M});
    pass.folds = beats.folds();
    return pass;
  }

  // Runs passes back to back, each started in the cycle the one before says done (as
  // a wrapper that always has the next pass would); stall drops valids and ready at
  // random (the sums must still be right; the cycle counts then are longer).
  std::vector<PassResult> run(std::vector<Pass>& passes, std::mt19937& rng, bool stall) {
    struct Beat {
      std::size_t pass, beat;
    };
    std::vector<Beat> a_q, b_q, out_q;
    std::uint64_t limit = 1000;
    for (std::size_t n = 0; n < passes.size(); ++n) {
      for (std::size_t i = 0; i < passes[n].a_beats.size(); ++i) a_q.push_back({n, i});
      for (std::size_t i = 0; i < passes[n].b_beats.size(); ++i) b_q.push_back({n, i});
      for (std::size_t i = 0; i < passes[n].out_beats.size(); ++i) out_q.push_back({n, i});
      limit += 4 * passes[n].model_cycles + 64 * (R + C);
    }
    std::vector<PassResult> res(passes.size());
    for (std::size_t n = 0; n < passes.size(); ++n) {
      res[n].model_cycles = passes[n].model_cycles;
      res[n].folds = passes[n].folds;
    }
    std::uniform_int_distribution<int> coin(0, 3);
    std::size_t ai = 0, bi = 0, oi = 0, started = 0, done = 0;
    std::vector<std::uint64_t> start_cycle(passes.size());
    std::vector<std::int32_t> pin(C);
    bool finished = true;
    auto drive_start = [&]() {
      // A pass may start once the one before has said done (done == started).
      top_->start = started < passes.size() && done == started;
      if (started >= passes.size()) return;
      const Pass& p = passes[started];
      // The shape ports are 16 bits wide (pe_pass.sv); every shape here fits.
      top_->k = static_cast<std::uint16_t>(p.shape.k);
      top_->p = static_cast<std::uint16_t>(p.shape.p);
      top_->m = static_cast<std::uint16_t>(p.shape.m);
      top_->dataflow = static_cast<std::uint8_t>(p.options.dataflow);
      top_->os_drain_parallel = p.options.parallel;
      top_->fold_overlap = p.options.overlap;
      top_->ws_weight_double_buffer = p.options.dbuf;
    };
    for (std::uint64_t c = 0; done < passes.size() || oi < out_q.size(); ++c) {
      if (c > limit) {
        finished = false;
        break;
      }
      top_->a_valid = ai < a_q.size() && !(stall && coin(rng) == 0);
      if (ai < a_q.size()) load(top_->a_data, passes[a_q[ai].pass].a_beats[a_q[ai].beat]);
      top_->b_valid = bi < b_q.size() && !(stall && coin(rng) == 0);
      if (bi < b_q.size()) load(top_->b_data, passes[b_q[bi].pass].b_beats[b_q[bi].beat]);
      top_->pin_valid = !(stall && coin(rng) == 0);
      for (int j = 0; j < C; ++j) {
        pin[j] = 0;
        if (oi < out_q.size()) {
          const Pass& p = passes[out_q[oi].pass];
          const std::int64_t idx = p.out_beats[out_q[oi].beat][j];
          if (idx >= 0) pin[j] = p.psum[idx];
        }
      }
      load(top_->pin_data, pack(pin, 32));
      top_->pout_ready = !(stall && coin(rng) == 0);
      top_->clk = 0;
      drive_start();
      top_->eval();
      // done does not depend on start (outside a pass without MACs, which is done in
      // the cycle it starts), so it may decide the start of the same cycle.
      if (top_->done && done < started) {
        res[done].rtl_cycles = c - start_cycle[done];
        ++done;
        drive_start();
        top_->eval();
      }
      if (top_->start && top_->start_ready) {
        start_cycle[started] = c;
        ++started;
        if (passes[started - 1].model_cycles == 0) {  // a pass without MACs: done now
          res[done].rtl_cycles = 0;
          ++done;
        }
      }
      if (top_->a_ready) ++ai;
      if (top_->b_ready) ++bi;
      if (top_->pin_ready) {
        if (oi >= out_q.size()) {
          res.back().data_ok = false;  // a beat nobody expects
        } else {
          Pass& p = passes[out_q[oi].pass];
          res[out_q[oi].pass].last_beat_lag = static_cast<std::int64_t>(c);
          for (int j = 0; j < C; ++j) {
            const std::int64_t idx = p.out_beats[out_q[oi].beat][j];
            if (idx >= 0) p.psum[idx] = lane32(top_->pout_data, j);
          }
          ++oi;
        }
      }
      top_->clk = 1;
      top_->eval();
    }
    const bool verbose = std::getenv("TB_VERBOSE") != nullptr;
    if (ai != a_q.size() || bi != b_q.size() || !finished) {
      if (verbose)
        std::fprintf(stderr, "stall=%d: a %zu/%zu b %zu/%zu out %zu/%zu done %zu/%zu\n", stall, ai, a_q.size(), bi,
                     b_q.size(), oi, out_q.size(), done, passes.size());
      for (auto& r : res) r.data_ok = r.finished = false;
    }
    for (std::size_t n = 0; n < passes.size(); ++n) {
      const Pass& p = passes[n];
      for (std::size_t i = 0; i < p.psum.size(); ++i)
        if (static_cast<std::uint32_t>(p.psum[i]) != p.expect[i]) {
          if (res[n].data_ok && verbose)
            std::fprintf(stderr, "K=%u P=%u M=%u %s: sum p=%zu m=%zu is %d, want %d\n", p.shape.k, p.shape.p,
                         p.shape.m, describe(p.options).c_str(), i / p.shape.m, i % p.shape.m, p.psum[i],
                         static_cast<std::int32_t>(p.expect[i]));
          res[n].data_ok = false;
        }
    }
    for (std::size_t n = 0; n < passes.size(); ++n)
      res[n].last_beat_lag -= static_cast<std::int64_t>(start_cycle[n] + res[n].rtl_cycles);
    // Idle long enough that nothing of these passes is left in the array.
    for (int i = 0; i < R + C + 2; ++i) tick();
    return res;
  }

  PassResult run(const Shape& s, const Options& o, std::mt19937& rng, bool stall) {
    std::vector<Pass> one{make_pass(s, o, rng)};
    return run(one, rng, stall).front();
  }

 private:
  void tick() {
    top_->start = 0;
    top_->a_valid = 0;
    top_->b_valid = 0;
    top_->pin_valid = 1;
    top_->pout_ready = 1;
    top_->clk = 0;
    top_->eval();
    top_->clk = 1;
    top_->eval();
  }

  VerilatedContext ctx_;
  std::unique_ptr<Top> top_;
};

std::vector<Shape> vgg_lite_passes(const std::string& path) {
  std::vector<Shape> shapes;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Shape s{};
    if (ls >> s.k >> s.p >> s.m) shapes.push_back(s);
  }
  return shapes;
}

struct Args {
  int size = 0;  // 0: all
  int random = 40;
  bool vgg = true;
  unsigned seed = 1;
  std::string vgg_file = RTL_TB_DIR "/vgg_lite_passes.txt";
};

template <class Top, int R, int C>
bool run_size(const Args& args, std::mt19937& rng) {
  Bench<Top, R, C> bench;
  constexpr int N = R > C ? R : C;
  const std::vector<Shape> vgg = args.vgg ? vgg_lite_passes(args.vgg_file) : std::vector<Shape>{};
  std::vector<Options> all;
  for (bool ov : {false, true})
    for (bool db : {false, true}) {
      all.push_back({qacc::Dataflow::kWeightStationary, false, ov, db});
      all.push_back({qacc::Dataflow::kInputStationary, false, ov, db});
      all.push_back({qacc::Dataflow::kOutputStationary, db, ov, false});
    }
  bool ok = true;
  std::uniform_int_distribution<std::uint32_t> dim(1, 3 * N + 1);
  for (const Options& o : all) {
    int shapes = 0, equal = 0, data_bad = 0, stalled_bad = 0, unfinished = 0;
    std::int64_t lag_min = INT64_MAX, lag_max = INT64_MIN;
    std::string first_diff;
    auto check = [&](const Shape& s, bool stall) {
      const PassResult r = bench.run(s, o, rng, stall);
      if (!r.finished) ++unfinished;
      if (!r.data_ok) ++(stall ? stalled_bad : data_bad);
      if (stall) return;
      ++shapes;
      if (r.model_cycles > 0) {
        lag_min = std::min(lag_min, r.last_beat_lag);
        lag_max = std::max(lag_max, r.last_beat_lag);
      }
      if (r.rtl_cycles == r.model_cycles) {
        ++equal;
        return;
      }
      if (first_diff.empty()) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "K=%u P=%u M=%u: rtl %llu model %llu", s.k, s.p, s.m,
                      static_cast<unsigned long long>(r.rtl_cycles), static_cast<unsigned long long>(r.model_cycles));
        first_diff = buf;
      }
    };
    check({0, 5, 5}, false);
    for (Shape s : {Shape{1, 1, 1}, Shape{N, N, N}, Shape{N + 1, 1, N + 1}}) check(s, false);
    for (int i = 0; i < args.random; ++i) check({dim(rng), dim(rng), dim(rng)}, false);
    for (const Shape& s : vgg) check(s, false);
    for (int i = 0; i < 4; ++i) check({dim(rng), dim(rng), dim(rng)}, true);
    const bool cycles_ok = equal == shapes;
    const bool pass = cycles_ok && data_bad == 0 && stalled_bad == 0 && unfinished == 0;
    ok = ok && pass;
    char size[16];
    std::snprintf(size, sizeof size, "%dx%d", R, C);
    const std::string& diff = first_diff;
    std::printf("| %-5s | %-30s | %3d (%zu VGG-lite) | %s (%d/%d) | %s | %+lld..%+lld | %s |\n", size,
                describe(o).c_str(), shapes, vgg.size(), equal == shapes ? "yes" : "no", equal, shapes,
                data_bad == 0 && stalled_bad == 0 && unfinished == 0 ? "yes" : "NO", static_cast<long long>(lag_min),
                static_cast<long long>(lag_max), diff.c_str());
    std::fflush(stdout);
  }
  // Passes back to back with random shapes and options, each started in its
  // predecessor's done cycle: cycles and sums as alone, os parallel tails included.
  int chained = 0, equal = 0, bad = 0;
  std::uniform_int_distribution<std::size_t> pick(0, all.size() - 1);
  for (int chain = 0; chain < args.random / 4 + 1; ++chain)
    for (bool stall : {false, true}) {
      std::vector<typename Bench<Top, R, C>::Pass> passes;
      for (int i = 0; i < 6; ++i)
        passes.push_back(Bench<Top, R, C>::make_pass({dim(rng), dim(rng), dim(rng)}, all[pick(rng)], rng));
      const auto results = bench.run(passes, rng, stall);
      for (std::size_t n = 0; n < passes.size(); ++n) {
        if (!results[n].data_ok) ++bad;
        if (stall) continue;
        ++chained;
        if (results[n].rtl_cycles == results[n].model_cycles) ++equal;
      }
    }
  const bool chain_ok = equal == chained && bad == 0;
  ok = ok && chain_ok;
  char size[16];
  std::snprintf(size, sizeof size, "%dx%d", R, C);
  std::printf("| %-5s | %-30s | %3d + stalled | %s (%d/%d) | %s | | |\n", size, "back to back, mixed", chained,
              equal == chained ? "yes" : "no", equal, chained, bad == 0 ? "yes" : "NO");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--size" && i + 1 < argc) args.size = std::atoi(argv[++i]);
    else if (a == "--random" && i + 1 < argc) args.random = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) args.seed = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (a == "--no-vgg") args.vgg = false;
    else {
      std::fprintf(stderr, "usage: %s [--size 4|8|16|3] [--random N] [--no-vgg] [--seed S]\n", argv[0]);
      return 2;
    }
  }
  std::mt19937 rng(args.seed);
  std::printf("| size  | dataflow and options           | shapes | cycles = compute_cycles | sums right | last beat - done | first difference |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  bool ok = true;
  if (args.size == 0 || args.size == 4) ok = run_size<Vpe_pass_4, 4, 4>(args, rng) && ok;
  if (args.size == 0 || args.size == 8) ok = run_size<Vpe_pass_8, 8, 8>(args, rng) && ok;
  if (args.size == 0 || args.size == 16) ok = run_size<Vpe_pass_16, 16, 16>(args, rng) && ok;
  // Not a power of two and not square: R and C kept apart, ceil(x / 3) a real divider.
  if (args.size == 0 || args.size == 3) ok = run_size<Vpe_pass_3x5, 3, 5>(args, rng) && ok;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
