// qacc_bench: the project's performance figures, each measured against its baseline
// in the same run and printed as a ratio (docs/performance.md records a run).
//
//   1. simulation speed: one image through the SystemC platform against LibTorch's
//      float and int8 forward passes at batch 1 on one thread; cycles per host second
//   2. regression throughput: sim_regress over the test set on every core
//   3. sweep throughput: design points per minute of a 20-point sim_sweep
//   4. training throughput: vgglite train images/s, and the FLOP rate it implies
//      against a large single-precision matrix multiply on the same cores
//   5. scaling: simulation time against PE count, image count and the quantum
//   6. memory: peak resident memory of sim_top and sim_regress
//
// Simulations run in child processes (SystemC elaborates once per process); the
// tools run as the real binaries, found beside this one in the build tree.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <torch/torch.h>

#include "base/binary.h"
#include "base/cli.h"
#include "base/error.h"
#include "model/io/cifar.h"
#include "model/io/image.h"
#include "tools/process_pool.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"
#include "train/quantize.h"
#include "train/trainer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Options {
  fs::path build_dir;
  fs::path work = "runs/bench";
  int regress_images = 10000;
  int reps = 200;
  bool skip_training = false;
};

struct Row {
  std::string figure, measured, baseline, ratio, target;
};

// --- processes ------------------------------------------------------------------

struct ProcessRun {
  double seconds = 0;
  int exit_code = -1;
  std::string output;
};

ProcessRun run_process(const std::vector<std::string>& args, const fs::path& log) {
  qacc::Task task;
  task.argv = args;
  task.log = log;
  qacc::TaskExit exit;
  qacc::run_task(task, exit);
  ProcessRun r;
  r.seconds = exit.seconds;
  r.exit_code = exit.exit_code;
  if (r.exit_code != 0) qacc::fail("{} failed ({}); see {}", args[0], exit.describe(), log.string());
  std::ifstream in(log);
  r.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

// The number after `label` in a tool's output (the tools report their own peak
// memory: a parent's peak would carry over into a spawned child's rusage).
double number_after(const ProcessRun& r, const std::string& label) {
  const auto at = r.output.find(label);
  if (at == std::string::npos) qacc::fail("'{}' not found in the tool's output", label);
  return std::stod(r.output.substr(at + label.size()));
}

// --- simulation in a child ---------------------------------------------------------

struct SimTiming {
  std::vector<double> image_seconds;  // wall time of each image after the first
  std::uint64_t image_cycles = 0;     // simulated cycles of one image
  double total_seconds = 0;           // the whole simulation
};

// Runs `images` copies of the cat image in one simulation with the given overrides,
// in a forked child so this process never elaborates SystemC.
SimTiming time_simulation(const std::vector<std::string>& overrides, int images) {
  qacc::Task task;
  task.body = [&](int fd) {
    qacc::SimulationInput in = qacc::prepare_input(qacc::load_design({}, overrides), qacc::default_model_path());
    const qacc::Image image = qacc::load_image(qacc::default_image_path());
    in.images.assign(static_cast<std::size_t>(images), {image.pixels, image.label, qacc::default_image_path().string()});
    in.keep_results = false;
    std::vector<double> stamps;
    std::uint64_t cycles = 0;
    auto last = Clock::now();
    const auto start = last;
    const auto sim = qacc::simulate(in, [&](std::size_t, const qacc::ImageResult& r) {
      const auto now = Clock::now();
      stamps.push_back(std::chrono::duration<double>(now - last).count());
      last = now;
      cycles = r.cycles;
    });
    if (!sim.ok()) qacc::fail("simulation failed: {}", sim.error);
    // Parent and child are the same binary: native layout is fine on the pipe.
    const double total = seconds_since(start);
    qacc::ByteWriter out;
    out.raw(&cycles, sizeof cycles);
    out.raw(&total, sizeof total);
    out.u32(static_cast<std::uint32_t>(stamps.size()));
    out.raw(stamps.data(), stamps.size() * sizeof(double));
    qacc::write_to_parent(fd, out.bytes());
    return 0;
  };
  qacc::TaskExit exit;
  const std::vector<std::uint8_t> bytes = qacc::run_task(task, exit);
  if (!exit.ok()) qacc::fail("simulation child failed ({})", exit.describe());
  qacc::ByteReader in(bytes.data(), bytes.size(), "simulation timing");
  SimTiming t;
  std::memcpy(&t.image_cycles, in.take(sizeof t.image_cycles), sizeof t.image_cycles);
  std::memcpy(&t.total_seconds, in.take(sizeof t.total_seconds), sizeof t.total_seconds);
  const std::uint32_t n = in.u32();
  for (std::uint32_t i = 0; i < n; ++i) {
    double s = 0;
    std::memcpy(&s, in.take(sizeof s), sizeof s);
    if (i > 0 || n == 1) t.image_seconds.push_back(s);  // the first image also warms caches
  }
  return t;
}

// --- LibTorch baselines ---------------------------------------------------------

template <typename F>
double median_seconds(int reps, F&& f) {
  for (int i = 0; i < std::max(3, reps / 10); ++i) f();  // warm-up
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    const auto t = Clock::now();
    f();
    times.push_back(seconds_since(t));
  }
  return median(times);
}

torch::Tensor cat_pixels() {
  const qacc::Image image = qacc::load_image(qacc::default_image_path());
  return torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()), {1, 3, 32, 32}, torch::kUInt8).clone();
}

double sgemm_gflops(int threads) {
  torch::set_num_threads(threads);
  const int n = 2048;
  const auto a = torch::randn({n, n}), b = torch::randn({n, n});
  const double s = median_seconds(10, [&] { torch::mm(a, b); });
  return 2.0 * n * n * n / s / 1e9;
}

std::string fmt_ms(double seconds) { return fmt::format("{:.2f} ms", seconds * 1e3); }
std::string fmt_ratio(double r) { return fmt::format("{:.2f}x", r); }

int run(const Options& o) {
  const fs::path tools = o.build_dir / "tools";
  const fs::path work = fs::absolute(o.work);
  fs::create_directories(work);
  std::vector<Row> rows;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  fmt::print("qacc_bench: {} cores, build {}, work {}\n", cores, o.build_dir.string(), work.string());

  // Simulations first: the children fork before LibTorch starts any thread.
  fmt::print("simulation: default design, 20 images in one run...\n");
  const SimTiming sim = time_simulation({}, 20);
  const double sim_image = median(sim.image_seconds);
  fmt::print("scaling: PE count, image count, quantum...\n");
  std::vector<std::pair<std::string, double>> pe_scaling, quantum_scaling, image_scaling;
  for (const char* pe : {"4x4", "16x16", "64x64", "256x256"})
    pe_scaling.emplace_back(pe, median(time_simulation({std::string("pe=") + pe}, 6).image_seconds));
  for (const char* q : {"100", "1000", "10000", "100000"})
    quantum_scaling.emplace_back(q, median(time_simulation({std::string("quantum_cycles=") + q}, 6).image_seconds));
  for (int n : {1, 10, 100}) image_scaling.emplace_back(std::to_string(n), time_simulation({}, n).total_seconds);

  fmt::print("sim_top and sim_regress as processes...\n");
  const ProcessRun top = run_process({(tools / "sim_top").string()}, work / "sim_top.log");
  const ProcessRun regress = run_process(
      {(tools / "sim_regress").string(), "-n", std::to_string(o.regress_images), "-j", std::to_string(cores)},
      work / "sim_regress.log");
  fmt::print("sweep: 20 points...\n");
  const ProcessRun sweep =
      run_process({(tools / "sim_sweep").string(), "run", "--out", (work / "sweep").string(), "--grid",
                   "pe=4x4,8x8,16x16,32x32,64x64", "--grid", "dataflow=ws,os", "--grid",
                   "weight_buffer_bytes=32768,131072", "-j", std::to_string(cores)},
                  work / "sim_sweep.log");

  fmt::print("LibTorch baselines...\n");
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  const torch::Tensor pixels = cat_pixels();
  qacc::VggLite float_model = qacc::load_float_model(qacc::default_model_path().parent_path() / "vgglite_float.pt");
  const torch::Tensor x = qacc::normalize_pixels(pixels);
  const double torch_float = median_seconds(o.reps, [&] { float_model->forward(x); });
  const auto model_bytes = qacc::read_file(qacc::default_model_path(), qacc::kModelMaxBytes);
  const qacc::QuantModel qmodel = qacc::decode_model(model_bytes.data(), model_bytes.size(), "shipped model");
  qacc::use_qnnpack();
  const qacc::QuantizedVggLite int8_model(qmodel);
  const double torch_int8 = median_seconds(o.reps, [&] { int8_model.forward(pixels); });

  rows.push_back({"1. simulation, one image (default 16x16 WS)", fmt_ms(sim_image),
                  fmt::format("LibTorch float b1 1 thread {}", fmt_ms(torch_float)),
                  fmt_ratio(sim_image / torch_float), "<= 2x"});
  rows.push_back({"", "", fmt::format("LibTorch int8 b1 1 thread {}", fmt_ms(torch_int8)), fmt_ratio(sim_image / torch_int8),
                  ""});
  rows.push_back({"   simulated cycles per host second", fmt::format("{:.3g}", static_cast<double>(sim.image_cycles) / sim_image),
                  fmt::format("{} cycles per image", sim.image_cycles), "", ""});
  rows.push_back({"   sim_top process, start to exit", fmt_ms(top.seconds), "", "", ""});
  const double regress_rate = o.regress_images / regress.seconds;
  rows.push_back({fmt::format("2. sim_regress, {} images, -j {}", o.regress_images, cores),
                  fmt::format("{:.1f} s, {:.0f} images/s", regress.seconds, regress_rate),
                  fmt::format("10,000 images in 300 s"), fmt_ratio(10000.0 / regress_rate / 300.0), "< 1x"});
  rows.push_back({fmt::format("3. sim_sweep, 20 points, -j {}", cores), fmt::format("{:.1f} points/min", 20 * 60 / sweep.seconds),
                  fmt::format("{:.1f} s in all", sweep.seconds), "", ""});

  if (!o.skip_training) {
    fmt::print("training: 1 epoch of 5,120 images on every core...\n");
    const fs::path run_dir = work / "train";
    fs::remove_all(run_dir);
    run_process({(o.build_dir / "train" / "vgglite").string(), "train", "--recipe", "fast", "--epochs", "1",
                 "--train-limit", "5120", "--val-holdout", "0", "--val-limit", "500", "--out", run_dir.string()},
                work / "train.log");
    std::ifstream csv(run_dir / "train_log.csv");
    std::string header, line;
    std::getline(csv, header);
    std::getline(csv, line);
    const double images_per_s = std::stod(line.substr(line.rfind(',') + 1));
    // Forward MACs of one image; training costs about three forward passes
    // (forward, gradient of the activations, gradient of the weights), 2 FLOPs a MAC.
    const double flops_per_image = 3.0 * 2.0 * static_cast<double>(qmodel.macs());
    const double gemm = sgemm_gflops(static_cast<int>(cores));
    const double train_gflops = images_per_s * flops_per_image / 1e9;
    rows.push_back({fmt::format("4. vgglite train, batch 128, {} threads", cores),
                    fmt::format("{:.0f} images/s = {:.1f} GFLOP/s", images_per_s, train_gflops),
                    fmt::format("SGEMM 2048^3 {:.1f} GFLOP/s", gemm), fmt::format("{:.0f}%", 100 * train_gflops / gemm),
                    ">= 60%"});
  }
  for (const auto& [pe, s] : pe_scaling)
    rows.push_back({fmt::format("5. PE array {}", pe), fmt_ms(s), "per image", fmt_ratio(s / pe_scaling[1].second), ""});
  for (const auto& [q, s] : quantum_scaling)
    rows.push_back({fmt::format("5. quantum {} cycles", q), fmt_ms(s), "per image", fmt_ratio(s / quantum_scaling[2].second),
                    ""});
  for (const auto& [n, s] : image_scaling)
    rows.push_back({fmt::format("5. {} images in one run", n), fmt::format("{:.3f} s", s),
                    fmt::format("{} per image", fmt_ms(s / std::stod(n))), "", ""});
  const double top_rss = number_after(top, "peak resident memory ");
  rows.push_back({"6. peak RSS sim_top", fmt::format("{:.1f} MiB", top_rss), "100 MiB", fmt_ratio(top_rss / 100), "< 1x"});
  rows.push_back({"6. peak RSS sim_regress", fmt::format("{:.1f} MiB", number_after(regress, "peak resident memory: ")),
                  fmt::format("largest worker {:.1f} MiB", number_after(regress, "MiB this process, ")), "", ""});

  std::size_t w[4] = {6, 8, 8, 5};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.figure.size());
    w[1] = std::max(w[1], r.measured.size());
    w[2] = std::max(w[2], r.baseline.size());
    w[3] = std::max(w[3], r.ratio.size());
  }
  fmt::print("\n{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", "figure", w[0], "measured", w[1], "baseline", w[2], "ratio", w[3],
             "target");
  for (const auto& r : rows)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r.figure, w[0], r.measured, w[1], r.baseline, w[2], r.ratio, w[3],
               r.target);
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("qacc_bench: every performance figure of the project against its baseline, as ratios");
  Options o;
  o.build_dir = fs::read_symlink("/proc/self/exe").parent_path().parent_path();
  app.add_option("--build", o.build_dir, "Build tree holding tools/ and train/")->capture_default_str();
  app.add_option("--work", o.work, "Scratch folder for logs, the sweep and the training run")->capture_default_str();
  app.add_option("--regress-images", o.regress_images, "Test images for the regression figure")->capture_default_str();
  app.add_option("--reps", o.reps, "Repetitions of each LibTorch forward pass")->capture_default_str();
  app.add_flag("--skip-training", o.skip_training, "Leave out the training figure (about a minute)");
  return qacc::run_tool("qacc_bench", app, argc, argv, [&] { return run(o); });
}

// The simulations run in forked children through SystemC's own entry point.
int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
