// sim_regress: runs N CIFAR-10 test images through the SystemC platform and compares
// the logits (and with --layers every layer) with LibTorch's int8 engine. SystemC
// elaborates once per process, so -j forked workers each simulate a contiguous share
// of the images in one simulation (the firmware runs them one after another) and
// stream each image's result back through a pipe. The parent computes the LibTorch
// references in batches and never starts SystemC itself. Both sides keep a SHA-256
// per layer and image, not the activations, so memory stays flat in the image count.
#include <algorithm>
#include <chrono>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/binary.h"
#include "base/cli.h"
#include "base/error.h"
#include "base/hash.h"
#include "tools/process_pool.h"
#include "tools/report.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"
#include "train/quantize.h"

namespace {

struct Options {
  std::filesystem::path data = qacc::default_cifar_dir();
  std::filesystem::path model = qacc::default_model_path();
  std::filesystem::path config_file;
  std::vector<std::string> overrides;
  int64_t first = 0, count = 100;
  int jobs = 0;
  bool layers = false;
};

// What a child sends back: status, prediction, then the SHA-256 of every layer's
// result (all layers with --layers, else the logits only).
std::vector<std::uint8_t> encode_result(std::size_t index, const qacc::ImageResult& r, bool all_layers) {
  qacc::ByteWriter out;
  out.u32(0);  // frame length, patched below
  out.u32(static_cast<std::uint32_t>(index));
  out.u32(r.ok ? 0 : 1);
  if (!r.ok) {
    out.u32(static_cast<std::uint32_t>(r.error.size()));
    out.raw(r.error.data(), r.error.size());
    out.patch_u32(0, static_cast<std::uint32_t>(out.size()));
    return out.bytes();
  }
  out.u32(static_cast<std::uint32_t>(r.inference.predicted));
  // Saturation counts of the whole image (docs/quantization.md says how to read them).
  std::uint64_t high = 0, low = 0, relu_floor = 0;
  for (const auto& l : r.layers) {
    high += l.saturated_high;
    low += l.saturated_low;
    relu_floor += l.relu_floored;
  }
  for (std::uint64_t v : {high, low, relu_floor}) out.u32(static_cast<std::uint32_t>(v));
  const std::size_t first = all_layers ? 0 : r.outputs.size() - 1;
  out.u32(static_cast<std::uint32_t>(r.outputs.size() - first));
  for (std::size_t l = first; l < r.outputs.size(); ++l) {
    const std::string digest = qacc::sha256_hex(r.outputs[l].data(), r.outputs[l].size());
    out.raw(digest.data(), digest.size());
  }
  out.patch_u32(0, static_cast<std::uint32_t>(out.size()));
  return out.bytes();
}

struct ChildResult {
  bool ok = false;
  std::string error;
  int predicted = -1;
  std::uint64_t saturated_high = 0, saturated_low = 0, relu_floored = 0;
  std::vector<std::string> digests;  // SHA-256 hex of each layer's result
};

constexpr std::size_t kDigestChars = 64;

// One frame (after its length and image index).
ChildResult decode_result(const std::uint8_t* data, std::size_t size) {
  qacc::ByteReader in(data, size, "simulation result");
  ChildResult c;
  if (in.u32() != 0) {
    const auto n = in.u32();
    const auto* p = in.take(n);
    c.error.assign(reinterpret_cast<const char*>(p), n);
    return c;
  }
  c.ok = true;
  c.predicted = static_cast<int>(in.u32());
  c.saturated_high = in.u32();
  c.saturated_low = in.u32();
  c.relu_floored = in.u32();
  const auto layers = in.u32();
  for (std::uint32_t l = 0; l < layers; ++l) {
    const auto* p = in.take(kDigestChars);
    c.digests.emplace_back(reinterpret_cast<const char*>(p), kDigestChars);
  }
  return c;
}

int run(const Options& o) {
  const qacc::ArchConfig config = qacc::load_design(o.config_file, o.overrides);
  if (o.count <= 0 || o.first < 0) throw qacc::UsageError("--count must be positive and --first not negative");
  const int jobs = qacc::resolve_jobs(o.jobs);

  const qacc::SimulationInput base = qacc::prepare_input(config, o.model);
  const qacc::CifarSet test = qacc::load_cifar(o.data, qacc::CifarSplit::kTest, static_cast<std::size_t>(o.first + o.count));
  if (static_cast<int64_t>(test.size()) < o.first + o.count)
    throw qacc::UsageError(fmt::format("--first {} --count {} goes beyond the {} test images", o.first, o.count, test.size()));
  const auto n = static_cast<std::size_t>(o.count);

  // LibTorch int8 references, every layer, in batches.
  const auto t0 = std::chrono::steady_clock::now();
  torch::set_num_threads(1);
  const qacc::QuantizedVggLite torch_model(base.model);
  // Per image: each compared layer's SHA-256, and LibTorch's prediction.
  std::vector<std::vector<std::string>> reference(n);
  std::vector<int> torch_predicted(n, -1);
  constexpr std::size_t kBatch = 250;
  for (std::size_t b = 0; b < n; b += kBatch) {
    const std::size_t m = std::min(kBatch, n - b);
    auto pixels = torch::from_blob(const_cast<std::uint8_t*>(test.image(static_cast<std::size_t>(o.first) + b)),
                                   {static_cast<int64_t>(m), 3, 32, 32}, torch::kUInt8);
    const auto outs = torch_model.forward_layers(pixels);
    // The reference phase takes about a minute for 10,000 images: say how far it is.
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::size_t done_refs = b + m;
    fmt::print(stderr, "  LibTorch references: {}/{} images, ETA {:.0f} s\n", done_refs, n,
               elapsed / static_cast<double>(done_refs) * static_cast<double>(n - done_refs));
    for (std::size_t l = 1; l < outs.size(); ++l) {
      if (!o.layers && l + 1 < outs.size()) continue;
      const auto q = outs[l].int_repr().contiguous();
      const std::size_t per = static_cast<std::size_t>(q.numel()) / m;
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint8_t* a = q.data_ptr<std::uint8_t>() + i * per;
        reference[b + i].push_back(qacc::sha256_hex(a, per));
        if (l + 1 == outs.size()) torch_predicted[b + i] = static_cast<int>(std::max_element(a, a + per) - a);
      }
    }
  }
  const double reference_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  fmt::print("sim_regress: {} test images from {} (first {}), {} workers, {} check, model {}\n", n, o.data.string(),
             o.first, jobs, o.layers ? "every layer" : "logits", o.model.string());
  // What produced these figures: the design, the model and the images (pixels and
  // labels of the ones run), by SHA-256.
  nlohmann::json manifest = qacc::run_manifest(base);
  manifest["data"] = o.data.string();
  manifest["images"] = n;
  manifest["first"] = o.first;
  manifest["images_sha256"] = qacc::sha256_hex(test.image(static_cast<std::size_t>(o.first)), n * qacc::kCifarImageBytes);
  manifest["labels_sha256"] = qacc::sha256_hex(test.labels.data() + o.first, n);
  fmt::print("manifest: {}\n", manifest.dump());
  std::vector<ChildResult> results(n);
  std::vector<bool> received(n, false);
  std::size_t done = 0;
  long worker_rss_kib = 0;
  const auto t1 = std::chrono::steady_clock::now();
  // One worker per job, each simulating a contiguous share of the images.
  const std::size_t share = (n + static_cast<std::size_t>(jobs) - 1) / static_cast<std::size_t>(jobs);
  const std::size_t workers = (n + share - 1) / share;
  std::vector<std::vector<std::uint8_t>> pending(workers);  // received, not yet decoded
  const auto body = [&](std::size_t worker, int fd) {
    const std::size_t begin = worker * share, end = std::min(n, begin + share);
    qacc::SimulationInput in = base;
    in.keep_results = false;
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t idx = static_cast<std::size_t>(o.first) + i;
      in.images.push_back({{test.image(idx), test.image(idx) + qacc::kCifarImageBytes}, test.labels[idx],
                           fmt::format("CIFAR-10 test image {}", idx)});
    }
    try {
      qacc::simulate(in, [&](std::size_t i, const qacc::ImageResult& r) {
        qacc::write_to_parent(fd, encode_result(begin + i, r, o.layers));
      });
    } catch (const std::exception& e) {
      qacc::ImageResult failed;
      failed.error = e.what();
      qacc::write_to_parent(fd, encode_result(begin, failed, false));
    }
    return 0;
  };
  const auto on_output = [&](std::size_t worker, const std::uint8_t* data, std::size_t size) {
    auto& bytes = pending[worker];
    bytes.insert(bytes.end(), data, data + size);
    // Decode every complete frame: u32 length, u32 image, payload.
    std::size_t at = 0;
    while (bytes.size() - at >= 8) {
      qacc::ByteReader head(bytes.data() + at, 8, "frame");
      const std::uint32_t length = head.u32(), index = head.u32();
      if (bytes.size() - at < length) break;
      if (index >= n) qacc::fail("worker sent a result for image {}", index);
      results[index] = decode_result(bytes.data() + at + 8, length - 8);
      received[index] = true;
      at += length;
      if (++done % 100 == 0 || done == n) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        fmt::print(stderr, "  simulated {}/{} images, {:.1f} images/s, ETA {:.0f} s\n", done, n,
                   static_cast<double>(done) / s, s / static_cast<double>(done) * static_cast<double>(n - done));
      }
    }
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  };
  qacc::run_tasks(
      workers, jobs,
      [&](std::size_t worker) {
        qacc::Task t;
        t.body = [&, worker](int fd) { return body(worker, fd); };
        return t;
      },
      {on_output, [&](const qacc::TaskExit& e) {
         // A forked worker's figure counts the pages it shares with this process.
         worker_rss_kib = std::max(worker_rss_kib, e.max_rss_kib);
         if (!e.ok()) fmt::print(stderr, "sim_regress: a simulation worker died ({})\n", e.describe());
       }});
  for (std::size_t i = 0; i < n; ++i)
    if (!received[i]) results[i].error = "not simulated (its worker stopped at an earlier failure)";
  const double sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

  std::size_t failed = 0, logit_mismatch = 0, layer_mismatch = 0, sim_correct = 0, torch_correct = 0;
  std::uint64_t saturated_high = 0, saturated_low = 0, relu_floored = 0;
  std::string first_problem;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = static_cast<std::size_t>(o.first) + i;
    const int label = test.labels[idx];
    const auto& ref = reference[i];
    torch_correct += torch_predicted[i] == label ? 1 : 0;
    const ChildResult& c = results[i];
    if (!c.ok) {
      ++failed;
      if (first_problem.empty()) first_problem = fmt::format("test image {}: {}", idx, c.error);
      continue;
    }
    sim_correct += c.predicted == label ? 1 : 0;
    saturated_high += c.saturated_high;
    saturated_low += c.saturated_low;
    relu_floored += c.relu_floored;
    if (c.digests.size() != ref.size()) qacc::fail("image {}: {} layers simulated, {} referenced", idx, c.digests.size(), ref.size());
    if (c.digests.back() != ref.back()) {
      ++logit_mismatch;
      if (first_problem.empty()) first_problem = fmt::format("test image {}: logits differ", idx);
    }
    if (o.layers)
      for (std::size_t l = 0; l + 1 < ref.size(); ++l)
        if (c.digests[l] != ref[l]) {
          ++layer_mismatch;
          if (first_problem.empty()) first_problem = fmt::format("test image {}: layer {} differs", idx, base.model.layers[l].name);
          break;
        }
  }
  const auto pct = [n](std::size_t k) { return 100.0 * static_cast<double>(k) / static_cast<double>(n); };
  fmt::print("images: {}\nsimulation failures: {}\nmismatching logits: {}\n", n, failed, logit_mismatch);
  if (o.layers) fmt::print("images with a mismatching layer: {}\n", layer_mismatch);
  fmt::print("requantised outputs clamped, all simulated images: {} at 255, {} at 0 (no ReLU), {} raised to the "
             "zero point by ReLU\n",
             saturated_high, saturated_low, relu_floored);
  fmt::print("top-1 simulator: {:.2f}% ({})\ntop-1 LibTorch int8: {:.2f}% ({})\n", pct(sim_correct), sim_correct,
             pct(torch_correct), torch_correct);
  fmt::print("time: LibTorch references {:.1f} s, simulation {:.1f} s ({:.1f} images/s)\n", reference_seconds,
             sim_seconds, static_cast<double>(n) / sim_seconds);
  fmt::print("peak resident memory: {:.1f} MiB this process, {:.1f} MiB the largest worker\n", qacc::peak_rss_mib(),
             static_cast<double>(worker_rss_kib) / 1024.0);
  if (!first_problem.empty()) fmt::print("first problem: {}\n", first_problem);
  return failed + logit_mismatch + layer_mismatch == 0 ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app("sim_regress: CIFAR-10 test images through the platform, checked against LibTorch int8");
  Options o;
  app.add_option("--data", o.data, "CIFAR-10 binary folder")->capture_default_str();
  app.add_option("--model", o.model, "Quantised model file (.qacm)")->capture_default_str();
  app.add_option("--config", o.config_file, "Architecture config (YAML)");
  app.add_option("--set", o.overrides, "Override a config key: key=value (repeatable)");
  app.add_option("--first", o.first, "First test image")->capture_default_str();
  app.add_option("-n,--count", o.count, "Number of test images")->capture_default_str();
  app.add_option("-j,--jobs", o.jobs, "Simulations at once (0: one per core)");
  app.add_flag("--layers", o.layers, "Compare every layer, not only the logits");
  return qacc::run_tool("sim_regress", app, argc, argv, [&] { return run(o); });
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
