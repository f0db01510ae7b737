#include "train/tools.h"

#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/binary.h"
#include "base/error.h"
#include "base/hash.h"
#include "base/version.h"
#include "model/func/int8_network.h"
#include "model/io/image.h"
#include "model/io/reference_file.h"
#include "train/progress.h"
#include "train/quantize.h"
#include "train/trainer.h"

namespace qacc {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kEvalBatch = 500;

void set_threads(int threads) {
  torch::set_num_threads(threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()));
}

torch::Tensor as_tensor(const std::vector<uint8_t>& pixels) {
  return torch::from_blob(const_cast<uint8_t*>(pixels.data()),
                          {1, kCifarChannels, kCifarSide, kCifarSide}, torch::kUInt8)
      .clone();
}

std::vector<uint8_t> bytes_of(const torch::Tensor& q, int64_t index) {
  const auto t = q.int_repr()[index].contiguous();
  return {t.data_ptr<uint8_t>(), t.data_ptr<uint8_t>() + t.numel()};
}

// Top-1 hits of the int8 model over a test set.
int64_t int8_correct(const QuantizedVggLite& q, const TensorSet& set, Progress& progress) {
  int64_t correct = 0;
  for (int64_t b = 0; b < set.size(); b += kEvalBatch) {
    const auto part = slice(set, b, std::min(set.size(), b + kEvalBatch));
    correct += q.forward(part.pixels).argmax(1).eq(part.labels).sum().item<int64_t>();
    progress.update(b + part.size());
  }
  return correct;
}

// Each layer's requantisation clamps over the set, from the integer core (LibTorch's
// engine does not tell them): how well the power-of-two scales fit. Images are shared
// among the cores, a batch at a time.
std::vector<func::Saturation> int8_saturation(const QuantModel& model, const CifarSet& set, Progress& progress) {
  const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::vector<func::Saturation>> per_worker(workers);
  for (std::size_t b = 0; b < set.size(); b += kEvalBatch) {
    const std::size_t end = std::min(set.size(), b + static_cast<std::size_t>(kEvalBatch));
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w)
      threads.emplace_back([&, w] {
        for (std::size_t i = b + w; i < end; i += workers) func::run_network(model, set.image(i), &per_worker[w]);
      });
    for (auto& t : threads) t.join();
    progress.update(static_cast<int64_t>(end));
  }
  std::vector<func::Saturation> total(model.layers.size());
  for (const auto& part : per_worker)
    for (std::size_t l = 0; l < part.size(); ++l) {
      total[l].high += part[l].high;
      total[l].low += part[l].low;
      total[l].relu_floor += part[l].relu_floor;
    }
  return total;
}

// One line on the training configuration in `config` (a config.json written by train
// or by make-shipped.sh), or why there is none.
std::string describe_config(const fs::path& config) {
  std::error_code ec;
  if (!fs::is_regular_file(config, ec)) return "no config.json beside it: the file does not record its training";
  try {
    constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
    const auto bytes = read_file(config, kMaxConfigBytes);
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end());
    const int epochs = j.at("epochs").get<int>();
    // train() writes the plan; make-shipped.sh's copy (from `vgglite info`) adds
    // "epochs_done".
    const std::string done =
        j.contains("epochs_done") ? fmt::format("{} of {}", j.at("epochs_done").get<int>(), epochs)
                                  : fmt::format("{}", epochs);
    return fmt::format("training configuration ({} beside it): recipe {}, {} epochs, batch {}, lr {} ({} schedule)",
                       config.string(), j.at("recipe").get<std::string>(), done, j.at("batch_size").get<int>(),
                       j.at("lr").get<double>(), j.at("schedule").get<std::string>());
  } catch (const std::exception& e) {
    // The model is what was asked about; a damaged neighbour is only mentioned.
    return fmt::format("beside it: {}, not a training configuration ({})", config.string(), e.what());
  }
}

}  // namespace

fs::path shipped_float_model() { return fs::path(QACC_SHIPPED_DIR) / "vgglite_float.pt"; }
fs::path shipped_int8_model() { return fs::path(QACC_SHIPPED_DIR) / "vgglite_int8.qacm"; }

void run_eval(const EvalOptions& o) {
  set_threads(o.threads);
  const CifarSet cifar = load_cifar(o.data_dir, CifarSplit::kTest, static_cast<std::size_t>(o.limit));
  const TensorSet test = to_tensors(cifar);
  const auto n = static_cast<double>(test.size());
  const std::vector<std::uint8_t> int8_file = read_file(o.int8_model, std::size_t{1} << 30);
  // What produced the figures: the models, the images and labels, and this build.
  nlohmann::json manifest = {{"int8_model", o.int8_model.string()},
                             {"int8_model_sha256", sha256_hex(int8_file.data(), int8_file.size())},
                             {"data", o.data_dir.string()},
                             {"images_sha256", sha256_hex(cifar.pixels.data(), cifar.pixels.size())},
                             {"labels_sha256", sha256_hex(cifar.labels.data(), cifar.labels.size())},
                             {"tool_version", tool_version()},
                             {"build_type", build_type()}};
  if (!o.skip_float) {
    const std::vector<std::uint8_t> float_file = read_file(o.float_model, std::size_t{1} << 31);
    manifest["float_model"] = o.float_model.string();
    manifest["float_model_sha256"] = sha256_hex(float_file.data(), float_file.size());
  }
  nlohmann::json result = {{"images", test.size()}, {"int8_model", o.int8_model.string()}};
  if (!o.skip_float) {
    VggLite model = load_float_model(o.float_model);
    Progress progress("float", test.size(), "img");
    const auto acc = evaluate_float(model, test, kEvalBatch, &progress);
    progress.finish();
    fmt::print("float top-1: {:.2f}% ({} of {} test images, loss {:.4f}) [{}]\n", 100.0 * acc.accuracy,
               static_cast<int64_t>(acc.accuracy * n + 0.5), test.size(), acc.loss, o.float_model.string());
    result["float_model"] = o.float_model.string();
    result["float_top1"] = acc.accuracy;
    result["float_loss"] = acc.loss;
  }
  const QuantModel model = load_model(o.int8_model);
  const QuantizedVggLite q(model);
  Progress progress("int8", test.size(), "img");
  const int64_t correct = int8_correct(q, test, progress);
  progress.finish();
  fmt::print("int8 top-1:  {:.2f}% ({} of {} test images, LibTorch QNNPACK) [{}]\n",
             100.0 * static_cast<double>(correct) / n, correct, test.size(), o.int8_model.string());
  result["int8_top1"] = static_cast<double>(correct) / n;

  Progress clamps("clamps", test.size(), "img");
  const std::vector<func::Saturation> saturation = int8_saturation(model, cifar, clamps);
  clamps.finish();
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const QuantLayer& layer = model.layers[l];
    const std::uint64_t outputs = std::uint64_t{static_cast<std::uint32_t>(layer.out_channels)} *
                                  static_cast<std::uint32_t>(layer.out_height) *
                                  static_cast<std::uint32_t>(layer.out_width) * cifar.size();
    const func::Saturation& s = saturation[l];
    fmt::print("  {:<6} clamped at 255: {:>9} ({:.4f}%), at 0 without ReLU: {:>9}, raised by ReLU: {:>10} ({:.1f}%)\n",
               layer.name, s.high, 100.0 * static_cast<double>(s.high) / static_cast<double>(outputs), s.low,
               s.relu_floor, 100.0 * static_cast<double>(s.relu_floor) / static_cast<double>(outputs));
    layers.push_back({{"name", layer.name},
                      {"outputs", outputs},
                      {"saturated_high", s.high},
                      {"saturated_low", s.low},
                      {"relu_floored", s.relu_floor}});
  }
  result["saturation"] = layers;
  result["manifest"] = manifest;
  if (o.json) fmt::print("{}\n", result.dump());
}

void run_quantize(const QuantizeOptions& o) {
  set_threads(o.threads);
  if (o.calibration_images <= 0) throw UsageError("--calib-images must be positive");
  VggLite model = load_float_model(o.float_model);
  if (!o.save_float.empty()) {
    save_float_model(model, o.save_float);
    fmt::print("wrote float model {}\n", o.save_float.string());
  }
  const FusedVggLite fused(model);
  const TensorSet calib =
      to_tensors(load_cifar(o.data_dir, CifarSplit::kTrain, static_cast<std::size_t>(o.calibration_images)));
  const auto cal = calibrate(fused, calib);
  const QuantModel m = make_quant_model(fused, cal);
  fmt::print("calibrated on {} training images; input scale 2^{} zero point {}\n", calib.size(), m.input_exp,
             m.input_zero_point);
  fmt::print("{:<6} {:>14} {:>14} {:>6} {:>6} {:>6} {:>6}\n", "layer", "out min", "out max", "w exp", "out exp",
             "shift", "zp");
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    fmt::print("{:<6} {:>14.4f} {:>14.4f} {:>6} {:>6} {:>6} {:>6}\n", l.name, cal.output_min[i], cal.output_max[i],
               l.weight_exp, l.output_exp, l.shift(), l.output_zero_point);
  }
  save_model(m, o.out);
  fmt::print("wrote {} ({} bytes, {} MACs per image)\n", o.out.string(), fs::file_size(o.out), m.macs());
}

void run_reference(const ReferenceOptions& o) {
  torch::set_num_threads(1);
  const QuantModel m = load_model(o.int8_model);
  const QuantizedVggLite q(m);
  ReferenceSet set;
  set.input_channels = m.input_channels;
  set.input_height = m.input_height;
  set.input_width = m.input_width;
  for (const auto& l : m.layers)
    set.layers.push_back({l.name, l.out_channels, l.result_height(), l.result_width(), l.output_exp,
                          l.output_zero_point});

  std::vector<Image> images;
  std::vector<uint32_t> sources;
  if (!o.images.empty()) {
    for (std::size_t i = 0; i < o.images.size(); ++i) {
      images.push_back(load_image(o.images[i]));
      sources.push_back(static_cast<uint32_t>(i));
    }
  } else {
    if (o.count <= 0) throw UsageError("reference: give image files or --count N test images");
    const CifarSet test = load_cifar(o.data_dir, CifarSplit::kTest, static_cast<std::size_t>(o.first + o.count));
    if (static_cast<int64_t>(test.size()) < o.first + o.count)
      throw UsageError(fmt::format("--first {} --count {} goes beyond the {} test images", o.first, o.count, test.size()));
    for (int64_t i = o.first; i < o.first + o.count; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      images.push_back({{test.image(idx), test.image(idx) + kCifarImageBytes}, test.labels[idx]});
      sources.push_back(static_cast<uint32_t>(i));
    }
  }
  Progress progress("reference", static_cast<int64_t>(images.size()), "img");
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto outs = q.forward_layers(as_tensor(images[i].pixels));
    ReferenceImage r;
    r.label = images[i].label ? static_cast<uint32_t>(*images[i].label) : kNoLabel;
    r.source_index = sources[i];
    r.pixels = images[i].pixels;
    r.input = bytes_of(outs[0], 0);
    for (std::size_t l = 1; l < outs.size(); ++l) r.outputs.push_back(bytes_of(outs[l], 0));
    set.images.push_back(std::move(r));
    progress.update(static_cast<int64_t>(i + 1));
  }
  progress.finish();
  save_references(set, o.out);
  fmt::print("wrote {}: {} images x {} layers\n", o.out.string(), set.images.size(), set.layers.size());
}

void run_samples(const SamplesOptions& o) {
  torch::set_num_threads(1);
  const CifarSet test = load_cifar(o.data_dir, CifarSplit::kTest);
  VggLite model = load_float_model(o.float_model);
  const QuantizedVggLite q(load_model(o.int8_model));
  create_folder(o.out_dir);
  std::vector<bool> found(kCifarClasses, false);
  int remaining = kCifarClasses;
  for (std::size_t i = 0; i < test.size() && remaining > 0; ++i) {
    const int label = test.labels[i];
    if (found[static_cast<std::size_t>(label)]) continue;
    const auto pixels = as_tensor({test.image(i), test.image(i) + kCifarImageBytes});
    torch::NoGradGuard no_grad;
    const auto float_pred = model->forward(normalize_pixels(pixels).contiguous()).argmax(1).item<int64_t>();
    const auto int8_pred = q.forward(pixels).argmax(1).item<int64_t>();
    if (float_pred != label || int8_pred != label) continue;
    const auto name = kCifarClassNames[static_cast<std::size_t>(label)];
    const fs::path path = o.out_dir / fmt::format("{}.bin", name);
    save_cifar_record(path, label, test.image(i));
    fmt::print("{:<10} test image {:>5} -> {}\n", name, i, path.string());
    found[static_cast<std::size_t>(label)] = true;
    --remaining;
  }
  if (remaining > 0) fail("no correctly classified test image for {} classes", remaining);
}

bool run_classify(const ClassifyOptions& o) {
  torch::set_num_threads(1);
  const QuantModel m = load_model(o.int8_model);
  const Image img = load_image(o.image);
  const QuantizedVggLite q(m);
  const auto outs = q.forward_layers(as_tensor(img.pixels));
  const auto core = func::run_network(m, img.pixels.data());
  std::size_t agree = 0;
  for (std::size_t l = 0; l < core.size(); ++l) agree += core[l] == bytes_of(outs[l + 1], 0) ? 1 : 0;

  const auto logits = func::dequantize_logits(m, core.back());
  std::vector<int> order(logits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return logits[static_cast<std::size_t>(a)] > logits[static_cast<std::size_t>(b)];
  });
  auto name = [](int c) { return c >= 0 && c < kCifarClasses ? kCifarClassNames[static_cast<std::size_t>(c)] : "?"; };
  fmt::print("image {} -> {} (LibTorch int8, QNNPACK; model {})\n", o.image.string(), name(order[0]),
             o.int8_model.string());
  fmt::print("top-5:");
  for (std::size_t i = 0; i < 5 && i < order.size(); ++i)
    fmt::print(" {} {:.4f}", name(order[i]), logits[static_cast<std::size_t>(order[i])]);
  fmt::print("\n");
  if (img.label) fmt::print("label {}: {}\n", name(*img.label), *img.label == order[0] ? "correct" : "wrong");
  fmt::print("integer core (model/func) equals LibTorch on {} of {} layers\n", agree, core.size());
  return agree == core.size();
}

void run_inspect(const fs::path& path, bool json) {
  const QuantModel m = load_model(path);
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : m.layers) {
    const auto [wmin, wmax] = std::minmax_element(l.weights.begin(), l.weights.end());
    layers.push_back({{"name", l.name},
                      {"type", l.type == LayerType::kConv2d ? "conv2d" : "dense"},
                      {"relu", l.relu()},
                      {"maxpool", l.pool()},
                      {"input", {l.in_channels, l.in_height, l.in_width}},
                      {"output", {l.out_channels, l.result_height(), l.result_width()}},
                      {"kernel", l.kernel},
                      {"padding", l.padding},
                      {"input_exp", l.input_exp},
                      {"weight_exp", l.weight_exp},
                      {"output_exp", l.output_exp},
                      {"shift", l.shift()},
                      {"input_zero_point", l.input_zero_point},
                      {"output_zero_point", l.output_zero_point},
                      {"weight_range", {*wmin, *wmax}},
                      {"macs", l.macs()}});
  }
  const nlohmann::json doc = {{"file", path.string()},
                              {"input", {m.input_channels, m.input_height, m.input_width}},
                              {"input_offset", m.input_offset},
                              {"input_shift", m.input_shift},
                              {"input_exp", m.input_exp},
                              {"input_zero_point", m.input_zero_point},
                              {"num_classes", m.num_classes},
                              {"macs", m.macs()},
                              {"layers", layers}};
  if (json) {
    fmt::print("{}\n", doc.dump(2));
    return;
  }
  fmt::print("{}: input {}x{}x{}, scale 2^{}, zero point {}, {} layers, {} MACs\n", path.string(), m.input_channels,
             m.input_height, m.input_width, m.input_exp, m.input_zero_point, m.layers.size(), m.macs());
  fmt::print("{:<6} {:<6} {:>14} {:>14} {:>5} {:>5} {:>5} {:>5} {:>10}\n", "layer", "type", "input", "output",
             "w exp", "o exp", "shift", "flags", "MACs");
  for (const auto& l : m.layers)
    fmt::print("{:<6} {:<6} {:>14} {:>14} {:>5} {:>5} {:>5} {:>5} {:>10}\n", l.name,
               l.type == LayerType::kConv2d ? "conv" : "dense",
               fmt::format("{}x{}x{}", l.in_channels, l.in_height, l.in_width),
               fmt::format("{}x{}x{}", l.out_channels, l.result_height(), l.result_width()), l.weight_exp,
               l.output_exp, l.shift(), fmt::format("{}{}", l.relu() ? "R" : "", l.pool() ? "P" : ""), l.macs());
}

void run_info(const fs::path& path) {
  const FloatFile file = read_float_file(path);
  if (file.config) {
    fmt::print("{}\n", file.config->dump(2));
    return;
  }
  const auto parameters = file.model->named_parameters();
  int64_t count = 0;
  for (const auto& p : parameters) count += p.value().numel();
  fmt::print("{}: float VGG-lite model, weights only (no optimizer state or training configuration): "
             "{} parameters in {} tensors, plus BatchNorm running statistics\n",
             path.string(), count, parameters.size());
  for (const auto& layer : file.model->named_children()) {
    int64_t layer_count = 0;
    std::vector<std::string> shapes;
    for (const auto& p : layer.value()->named_parameters()) {
      layer_count += p.value().numel();
      shapes.push_back(fmt::format("{} {}", p.key(), fmt::join(p.value().sizes(), "x")));
    }
    fmt::print("  {:<6} {:<30} {:>9}\n", layer.key(), fmt::format("{}", fmt::join(shapes, ", ")), layer_count);
  }
  fmt::print("{}\n", describe_config(path.parent_path() / "config.json"));
}

}  // namespace qacc
