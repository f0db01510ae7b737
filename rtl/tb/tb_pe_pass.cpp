// Verilator testbench of rtl/pe_pass.sv at 4x4, 8x8 and 16x16: every dataflow and
// option, random passes and VGG-lite's, checking (a) every int32 sum against a plain
// C++ reference (start value + sum of products) and (b) the cycles from start to done
// against timing::compute_cycles, the cost model's own code compiled in.
//
// Usage: tb_pe_pass [--size 4|8|16|3] [--random N] [--no-vgg] [--seed S] (3: the 3x5 array)
// Exit status 0 when all sums are right and every cycle count equals the model's,
// outside the cases rtl/README.md lists as ones the hardware cannot match.
#include <verilated.h>

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

  // One pass with random operands; stall drops valids and ready at random (the data
  // must still be right; the cycle count then is longer).
  PassResult run(const Shape& s, const Options& o, std::mt19937& rng, bool stall) {
    const std::uint32_t K = s.k, P = s.p, M = s.m;
    std::uniform_int_distribution<int> u8(0, 255), i8(-128, 127), coin(0, 3);
    const int zero_point = u8(rng);
    std::vector<std::int32_t> x(std::size_t{K} * P), w(std::size_t{M} * K), psum(std::size_t{P} * M);
    for (auto& v : x) v = u8(rng) - zero_point;
    for (auto& v : w) v = i8(rng);
    std::uniform_int_distribution<std::int32_t> start(INT32_MIN, INT32_MAX);
    for (auto& v : psum) v = start(rng);
    std::vector<std::uint32_t> expect(psum.begin(), psum.end());
    for (std::uint32_t p = 0; p < P; ++p)
      for (std::uint32_t m = 0; m < M; ++m)
        for (std::uint32_t k = 0; k < K; ++k)
          expect[std::size_t{p} * M + m] += static_cast<std::uint32_t>(w[std::size_t{m} * K + k] * x[std::size_t{k} * P + p]);
    auto X = [&](std::uint32_t k, std::uint32_t p) { return k < K && p < P ? x[std::size_t{k} * P + p] : 0; };
    auto W = [&](std::uint32_t m, std::uint32_t k) { return m < M && k < K ? w[std::size_t{m} * K + k] : 0; };
    auto index = [&](std::uint32_t p, std::uint32_t m) { return p < P && m < M ? std::int64_t{p} * M + m : -1; };

    // The beats in the order pe_pass.sv's header gives, folds row block outer.
    std::vector<Words> a_beats, b_beats;
    std::vector<std::vector<std::int64_t>> out_beats;
    std::vector<std::int32_t> a(R), b(C);
    std::vector<std::int64_t> o_idx(C);
    const bool os = o.dataflow == qacc::Dataflow::kOutputStationary;
    const bool ws = o.dataflow == qacc::Dataflow::kWeightStationary;
    // A pass without MACs moves nothing (and takes no cycles).
    const std::uint32_t rows = std::uint64_t{K} * P * M == 0 ? 0 : (os ? P : K), cols = ws || os ? M : P;
    for (std::uint32_t rb = 0; rb < (rows + R - 1) / R; ++rb)
      for (std::uint32_t cb = 0; cb < (cols + C - 1) / C; ++cb) {
        const std::uint32_t r0 = rb * R, c0 = cb * C;
        if (os) {
          for (std::uint32_t t = 0; t < K; ++t) {
            for (int i = 0; i < R; ++i) a[i] = X(t, r0 + i);
            for (int j = 0; j < C; ++j) b[j] = W(c0 + j, t);
            a_beats.push_back(pack(a, 9));
            b_beats.push_back(pack(b, 9));
          }
          for (int d = 0; d < R; ++d) {
            for (int j = 0; j < C; ++j) o_idx[j] = index(r0 + R - 1 - d, c0 + j);
            out_beats.push_back(o_idx);
          }
          continue;
        }
        const std::uint32_t T = ws ? P : M;
        for (int q = 0; q < R; ++q) {
          const std::uint32_t row = r0 + R - 1 - q;
          for (int j = 0; j < C; ++j) b[j] = ws ? W(c0 + j, row) : X(row, c0 + j);
          b_beats.push_back(pack(b, 9));
        }
        for (std::uint32_t t = 0; t < T; ++t) {
          for (int i = 0; i < R; ++i) a[i] = ws ? X(r0 + i, t) : W(t, r0 + i);
          a_beats.push_back(pack(a, 9));
          for (int j = 0; j < C; ++j) o_idx[j] = ws ? index(t, c0 + j) : index(c0 + j, t);
          out_beats.push_back(o_idx);
        }
      }

    std::size_t ai = 0, bi = 0, oi = 0;
    std::vector<std::int32_t> pin(C);
    PassResult res;
    qacc::ArchConfig cfg;
    cfg.pe_rows = R;
    cfg.pe_cols = C;
    cfg.dataflow = o.dataflow;
    cfg.os_drain = o.parallel ? qacc::OsDrain::kParallel : qacc::OsDrain::kShift;
    cfg.fold_overlap = o.overlap;
    cfg.ws_weight_double_buffer = o.dbuf;
    res.model_cycles = qacc::timing::compute_cycles(cfg, {K, P, M});
    res.folds = std::uint64_t{(rows + R - 1) / R} * ((cols + C - 1) / C);

    bool started = false, done = false;
    std::uint64_t start_cycle = 0;
    const std::uint64_t limit = 4 * res.model_cycles + 64 * (R + C) + 1000;
    for (std::uint64_t c = 0; !(done && oi == out_beats.size()); ++c) {
      if (c > limit) {
        res.finished = false;
        break;
      }
      top_->start = !started;
      top_->k = K;
      top_->p = P;
      top_->m = M;
      top_->dataflow = static_cast<int>(o.dataflow);
      top_->os_drain_parallel = o.parallel;
      top_->fold_overlap = o.overlap;
      top_->ws_weight_double_buffer = o.dbuf;
      top_->a_valid = ai < a_beats.size() && !(stall && coin(rng) == 0);
      if (ai < a_beats.size()) load(top_->a_data, a_beats[ai]);
      top_->b_valid = bi < b_beats.size() && !(stall && coin(rng) == 0);
      if (bi < b_beats.size()) load(top_->b_data, b_beats[bi]);
      top_->pin_valid = !(stall && coin(rng) == 0);
      for (int j = 0; j < C; ++j)
        pin[j] = oi < out_beats.size() && out_beats[oi][j] >= 0 ? psum[out_beats[oi][j]] : 0;
      load(top_->pin_data, pack(pin, 32));
      top_->pout_ready = !(stall && coin(rng) == 0);
      top_->clk = 0;
      top_->eval();
      if (!started && top_->start_ready) {
        started = true;
        start_cycle = c;
      }
      if (top_->done && !done) {
        done = true;
        res.rtl_cycles = c - start_cycle;
      }
      if (top_->a_ready) ++ai;
      if (top_->b_ready) ++bi;
      if (top_->pin_ready) {
        if (oi >= out_beats.size()) {
          res.data_ok = false;  // a beat nobody expects
        } else {
          for (int j = 0; j < C; ++j)
            if (out_beats[oi][j] >= 0) psum[out_beats[oi][j]] = lane32(top_->pout_data, j);
          ++oi;
        }
      }
      top_->clk = 1;
      top_->eval();
    }
    if (ai != a_beats.size() || bi != b_beats.size() || !res.finished) {
      if (std::getenv("TB_VERBOSE"))
        std::fprintf(stderr, "K=%u P=%u M=%u stall=%d: a %zu/%zu b %zu/%zu out %zu/%zu done %d\n", K, P, M, stall, ai,
                     a_beats.size(), bi, b_beats.size(), oi, out_beats.size(), done);
      res.data_ok = false;
    }
    for (std::size_t i = 0; i < psum.size(); ++i)
      if (static_cast<std::uint32_t>(psum[i]) != expect[i]) {
        if (res.data_ok && std::getenv("TB_VERBOSE"))
          std::fprintf(stderr, "K=%u P=%u M=%u: sum p=%zu m=%zu is %d, want %d\n", K, P, M, i / M, i % M, psum[i],
                       static_cast<std::int32_t>(expect[i]));
        res.data_ok = false;
      }
    // Let the last beats (os parallel drains after done) leave before the next pass.
    for (int i = 0; i < R + C + 2; ++i) tick();
    return res;
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

// os_drain parallel with fold_overlap: a fold of K < R terms cannot send its R result
// beats out of a COLS-wide port before the next fold's copy, so each fold but the last
// takes R cycles, not K (rtl/README.md). True when the RTL takes exactly that.
bool known_mismatch(const Options& o, const Shape& s, const PassResult& r, std::uint32_t array_rows) {
  if (o.dataflow != qacc::Dataflow::kOutputStationary || !o.parallel || !o.overlap || s.k >= array_rows) return false;
  return r.rtl_cycles == r.model_cycles + (r.folds - 1) * (array_rows - s.k);
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
    int shapes = 0, equal = 0, known = 0, data_bad = 0, stalled_bad = 0, unfinished = 0;
    std::string first_diff;
    auto check = [&](const Shape& s, bool stall) {
      const PassResult r = bench.run(s, o, rng, stall);
      if (!r.finished) ++unfinished;
      if (!r.data_ok) ++(stall ? stalled_bad : data_bad);
      if (stall) return;
      ++shapes;
      if (r.rtl_cycles == r.model_cycles) {
        ++equal;
        return;
      }
      if (known_mismatch(o, s, r, R)) ++known;
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
    const bool cycles_ok = equal + known == shapes;
    const bool pass = cycles_ok && data_bad == 0 && stalled_bad == 0 && unfinished == 0;
    ok = ok && pass;
    char size[16];
    std::snprintf(size, sizeof size, "%dx%d", R, C);
    std::string diff = first_diff;
    if (known > 0) diff += "; " + std::to_string(known) + " known (K < R)";
    std::printf("| %-5s | %-30s | %3d (%zu VGG-lite) | %s (%d/%d) | %s | %s |\n", size, describe(o).c_str(), shapes,
                vgg.size(), equal == shapes ? "yes" : "no", equal, shapes,
                data_bad == 0 && stalled_bad == 0 && unfinished == 0 ? "yes" : "NO", diff.c_str());
    std::fflush(stdout);
  }
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
  std::printf("| size  | dataflow and options           | shapes | cycles = compute_cycles | sums right | first difference |\n");
  std::printf("|---|---|---|---|---|---|\n");
  bool ok = true;
  if (args.size == 0 || args.size == 4) ok = run_size<Vpe_pass_4, 4, 4>(args, rng) && ok;
  if (args.size == 0 || args.size == 8) ok = run_size<Vpe_pass_8, 8, 8>(args, rng) && ok;
  if (args.size == 0 || args.size == 16) ok = run_size<Vpe_pass_16, 16, 16>(args, rng) && ok;
  // Not a power of two and not square: R and C kept apart, ceil(x / 3) a real divider.
  if (args.size == 0 || args.size == 3) ok = run_size<Vpe_pass_3x5, 3, 5>(args, rng) && ok;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
