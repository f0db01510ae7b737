#include "train/trainer.h"

#include <cmath>
#include <fstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/binary.h"
#include "base/error.h"
#include "base/gnuplot.h"
#include "train/progress.h"

namespace qacc {
namespace fs = std::filesystem;

namespace {

// One row of train_log.csv; also stored in the checkpoint so a resumed run rewrites
// the whole log consistently.
constexpr int kHistoryColumns = 8;
constexpr const char* kCsvHeader = "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds,images_per_s";

double learning_rate(const TrainConfig& c, int epoch, int64_t step, int64_t steps_per_epoch) {
  if (c.schedule == "step") return c.lr * std::pow(c.gamma, epoch / c.step_size);
  const double total = static_cast<double>(c.epochs) * static_cast<double>(steps_per_epoch);
  const double t = static_cast<double>(epoch) * static_cast<double>(steps_per_epoch) + static_cast<double>(step);
  const double warm = std::max(1.0, c.warmup_fraction * total);
  if (t < warm) return c.lr * (0.1 + 0.9 * t / warm);
  return c.lr * std::max(0.0, (total - t) / (total - warm));
}

void set_learning_rate(torch::optim::SGD& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
}

void write_csv(const fs::path& path, const torch::Tensor& history) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) fail("{}: cannot write training log", tmp.string());
    out << kCsvHeader << '\n';
    const auto h = history.accessor<double, 2>();
    for (int64_t r = 0; r < history.size(0); ++r)
      out << fmt::format("{:.0f},{:.6g},{:.5f},{:.5f},{:.5f},{:.5f},{:.1f},{:.1f}\n", h[r][0], h[r][1], h[r][2], h[r][3],
                         h[r][4], h[r][5], h[r][6], h[r][7]);
    if (!out) fail("{}: write failed", tmp.string());
  }
  fs::rename(tmp, path);
}

void save_checkpoint(const fs::path& path, VggLite& model, torch::optim::SGD& optimizer, int epochs_done,
                     const torch::Tensor& history, const TrainConfig& config) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epochs_done", c10::IValue(static_cast<int64_t>(epochs_done)));
  archive.write("history", history);
  archive.write("config", c10::IValue(to_json(config).dump()));
  const fs::path tmp = path.string() + ".tmp";
  archive.save_to(tmp.string());
  fs::rename(tmp, path);
}

// A resumed run must train what the checkpoint trained: a silently different recipe,
// seed or validation split would make its log describe no single run. The epoch count
// may grow (a run extended), and threads and the layout only change speed.
void check_same_run(const nlohmann::json& stored, const nlohmann::json& asked, const fs::path& checkpoint) {
  std::vector<std::string> differ;
  for (const auto& [key, value] : asked.items()) {
    if (key == "epochs" || key == "threads" || key == "channels_last") continue;
    if (!stored.contains(key) || stored.at(key) != value)
      differ.push_back(fmt::format("{} {} (asked {})", key, stored.contains(key) ? stored.at(key).dump() : "absent",
                                   value.dump()));
  }
  if (!differ.empty())
    throw UsageError(fmt::format("--resume: {} was trained with {}; give the same options to resume it",
                                 checkpoint.string(), fmt::join(differ, ", ")));
}

}  // namespace

TrainConfig recipe_defaults(const std::string& recipe) {
  TrainConfig c;
  c.recipe = recipe;
  c.val_holdout = kDefaultValHoldout;
  if (recipe == "seed") {
    // ../shared/seed/SPEC.en.md section 3, nothing added: no augmentation, no decay.
    c.epochs = 60;
    c.batch_size = 64;
    c.lr = 0.01;
    c.momentum = 0.9;
    c.schedule = "step";
    c.step_size = 20;
    c.gamma = 0.1;
  } else if (recipe == "fast") {
    // Tuned for a 2-core CPU: a one-cycle schedule with a high peak rate,
    // augmentation and label smoothing. 30 epochs left the test accuracy at 88.9 %
    // and still rising as the rate annealed (docs/quantization.md section 7).
    c.epochs = 40;
    c.batch_size = 128;
    c.lr = 0.1;
    c.momentum = 0.9;
    c.nesterov = true;
    c.weight_decay = 5e-4;
    c.schedule = "onecycle";
    c.warmup_fraction = 0.15;
    c.augment = true;
    c.label_smoothing = 0.1;
  } else {
    throw UsageError(fmt::format("--recipe: unknown recipe '{}' (expected seed or fast)", recipe));
  }
  return c;
}

nlohmann::json to_json(const TrainConfig& c) {
  return {{"recipe", c.recipe},
          {"epochs", c.epochs},
          {"batch_size", c.batch_size},
          {"lr", c.lr},
          {"momentum", c.momentum},
          {"nesterov", c.nesterov},
          {"weight_decay", c.weight_decay},
          {"schedule", c.schedule},
          {"step_size", c.step_size},
          {"gamma", c.gamma},
          {"warmup_fraction", c.warmup_fraction},
          {"augment", c.augment},
          {"label_smoothing", c.label_smoothing},
          {"seed", c.seed},
          {"threads", c.threads},
          {"train_limit", c.train_limit},
          {"val_limit", c.val_limit},
          {"val_holdout", c.val_holdout},
          {"channels_last", c.channels_last}};
}

LossAccuracy evaluate_float(VggLite& model, const TensorSet& set, int64_t batch_size, Progress* progress) {
  torch::NoGradGuard no_grad;
  model->eval();
  double loss = 0;
  int64_t correct = 0;
  for (int64_t b = 0; b < set.size(); b += batch_size) {
    const auto part = slice(set, b, std::min(set.size(), b + batch_size));
    const auto logits = model->forward(normalize_pixels(part.pixels));
    loss += torch::nn::functional::cross_entropy(
                logits, part.labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
    correct += logits.argmax(1).eq(part.labels).sum().item<int64_t>();
    if (progress) progress->update(b + part.size());
  }
  const auto n = static_cast<double>(std::max<int64_t>(set.size(), 1));
  return {loss / n, static_cast<double>(correct) / n};
}

void train(const TrainConfig& config) {
  if (config.epochs <= 0 || config.batch_size <= 0 || config.lr <= 0)
    throw UsageError("--epochs, --batch-size and --lr must be positive");
  if (config.schedule != "step" && config.schedule != "onecycle")
    throw UsageError(fmt::format("--schedule: unknown schedule '{}' (expected step or onecycle)", config.schedule));
  if (config.schedule == "step" && (config.step_size <= 0 || config.gamma <= 0))
    throw UsageError("--step-size and --gamma must be positive for the step schedule");

  const int threads = config.threads > 0 ? config.threads : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(threads);
  create_folder(config.out_dir);
  const fs::path checkpoint = config.out_dir / "checkpoint.pt";
  const fs::path csv = config.out_dir / "train_log.csv";

  TensorSet train_set = to_tensors(load_cifar(config.data_dir, CifarSplit::kTrain, config.train_limit));
  TensorSet val_set;
  if (config.val_holdout > 0) {
    if (config.val_holdout >= train_set.size()) throw UsageError("--val-holdout must be smaller than the training set");
    const int64_t cut = train_set.size() - config.val_holdout;
    val_set = slice(train_set, cut, train_set.size());
    train_set = slice(train_set, 0, cut);
  } else {
    val_set = to_tensors(load_cifar(config.data_dir, CifarSplit::kTest, static_cast<std::size_t>(config.val_limit)));
  }
  if (config.val_limit > 0 && val_set.size() > config.val_limit) val_set = slice(val_set, 0, config.val_limit);

  torch::manual_seed(config.seed);
  VggLite model;
  if (config.channels_last) model->use_channels_last();
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(config.lr)
                                                       .momentum(config.momentum)
                                                       .nesterov(config.nesterov)
                                                       .weight_decay(config.weight_decay));
  int first_epoch = 0;
  torch::Tensor history = torch::zeros({0, kHistoryColumns}, torch::kFloat64);
  if (config.resume && fs::exists(checkpoint)) {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(checkpoint.string());
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model->load(model_archive);
    optimizer.load(optimizer_archive);
    c10::IValue stored;
    archive.read("config", stored);
    check_same_run(nlohmann::json::parse(stored.toStringRef()), to_json(config), checkpoint);
    c10::IValue done;
    archive.read("epochs_done", done);
    first_epoch = static_cast<int>(done.toInt());
    archive.read("history", history);
    fmt::print("resuming {} after epoch {}\n", checkpoint.string(), first_epoch);
  } else if (config.resume) {
    fmt::print("no checkpoint at {}: starting from scratch\n", checkpoint.string());
  }

  fmt::print("training VGG-lite ({} recipe): {} train / {} validation images ({}), {} threads\n{}\n", config.recipe,
             train_set.size(), val_set.size(), config.val_holdout > 0 ? "held out of training" : "test set", threads,
             to_json(config).dump());

  {
    // The run's full configuration beside its outputs, for provenance.
    std::ofstream out(config.out_dir / "config.json");
    out << to_json(config).dump(2) << '\n';
  }
  const Augmenter augmenter(train_set.pixels);
  const int64_t n = train_set.size();
  const int64_t steps_per_epoch = (n + config.batch_size - 1) / config.batch_size;
  const auto loss_options = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(config.label_smoothing);

  for (int epoch = first_epoch; epoch < config.epochs; ++epoch) {
    // Seeding per epoch makes a resumed run draw the same batches as an unbroken one.
    torch::manual_seed(config.seed * 1000003u + static_cast<uint64_t>(epoch));
    model->train();
    const auto order = torch::randperm(n, torch::kInt64);
    Progress progress(fmt::format("epoch {}/{}", epoch + 1, config.epochs), n, "img");
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    double lr = 0;
    for (int64_t step = 0; step < steps_per_epoch; ++step) {
      const auto idx = order.slice(0, step * config.batch_size, std::min(n, (step + 1) * config.batch_size));
      const auto pixels = config.augment ? augmenter.batch(idx) : train_set.pixels.index_select(0, idx);
      const auto labels = train_set.labels.index_select(0, idx);
      lr = learning_rate(config, epoch, step, steps_per_epoch);
      set_learning_rate(optimizer, lr);
      optimizer.zero_grad();
      auto input = normalize_pixels(pixels);
      if (!config.channels_last) input = input.contiguous();
      const auto logits = model->forward(input);
      const auto loss = torch::nn::functional::cross_entropy(logits, labels, loss_options);
      loss.backward();
      optimizer.step();
      const int64_t b = idx.size(0);
      loss_sum += loss.item<double>() * static_cast<double>(b);
      correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
      seen += b;
      progress.update(seen, fmt::format("loss {:.4f} acc {:.2f}%", loss_sum / static_cast<double>(seen),
                                        100.0 * static_cast<double>(correct) / static_cast<double>(seen)));
    }
    const double train_seconds = progress.seconds();
    progress.finish(fmt::format("loss {:.4f} acc {:.2f}%", loss_sum / static_cast<double>(seen),
                                100.0 * static_cast<double>(correct) / static_cast<double>(seen)));
    const auto val = evaluate_float(model, val_set);
    const double seconds = progress.seconds();
    const auto row = torch::tensor({static_cast<double>(epoch + 1), lr, loss_sum / static_cast<double>(seen),
                                    static_cast<double>(correct) / static_cast<double>(seen), val.loss, val.accuracy,
                                    seconds, static_cast<double>(seen) / train_seconds},
                                   torch::kFloat64)
                         .unsqueeze(0);
    history = torch::cat({history.slice(0, 0, epoch), row});
    fmt::print("epoch {:>3} lr {:.5f} train loss {:.4f} acc {:.2f}% | val loss {:.4f} acc {:.2f}% | {:.0f} s, {:.1f} img/s\n",
               epoch + 1, lr, loss_sum / static_cast<double>(seen),
               100.0 * static_cast<double>(correct) / static_cast<double>(seen), val.loss, 100.0 * val.accuracy,
               seconds, static_cast<double>(seen) / train_seconds);
    std::fflush(stdout);
    save_checkpoint(checkpoint, model, optimizer, epoch + 1, history, config);
    write_csv(csv, history);
  }
  const fs::path float_model = config.out_dir / "vgglite_float.pt";
  save_float_model(model, float_model);
  const bool plotted = plot_training_curves(csv, config.out_dir / "curves.png");
  // The run's outputs are only useful once quantised: say where they are and how.
  fmt::print("wrote {}, config.json, train_log.csv, {}{}; next: vgglite quantize --float-model {}{} --out {}\n",
             checkpoint.string(), plotted ? "curves.png, " : "", float_model.filename().string(),
             float_model.string(),
             config.data_dir == default_cifar_dir() ? "" : fmt::format(" --data {}", config.data_dir.string()),
             (config.out_dir / "vgglite_int8.qacm").string());
}

FloatFile read_float_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    fail("{}: is a directory, expected a checkpoint.pt or float model file", path.string());
  // file_size reports why a file cannot be read (missing, no permission) as read_file does.
  static_cast<void>(fs::file_size(path, ec));
  if (ec) fail("{}: cannot read ({})", path.string(), ec.message());
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    fail("{}: not a LibTorch archive ({}); expected a checkpoint.pt or float model file", path.string(),
         e.what_without_backtrace());
  }
  FloatFile file;
  try {
    // save_checkpoint nests the model under "model" beside the training state;
    // save_float_model writes the module's tensors at the top level.
    torch::serialize::InputArchive nested;
    if (archive.try_read("model", nested)) {
      c10::IValue config, done;
      archive.read("config", config);
      archive.read("epochs_done", done);
      file.model->load(nested);
      file.config = nlohmann::json::parse(config.toStringRef());
      (*file.config)["epochs_done"] = done.toInt();
    } else {
      file.model->load(archive);
    }
  } catch (const c10::Error& e) {
    fail("{}: not a VGG-lite checkpoint or float model ({})", path.string(), e.what_without_backtrace());
  } catch (const nlohmann::json::exception& e) {
    fail("{}: checkpoint configuration is not JSON ({})", path.string(), e.what());
  }
  // Module::load takes tensors of any shape; a file for another network must not
  // pass as this one.
  const VggLite reference;
  const auto expected = reference->named_parameters();
  for (const auto& p : file.model->named_parameters()) {
    const auto want = expected[p.key()].sizes();
    if (p.value().sizes() != want)
      fail("{}: not a VGG-lite model ({} is {}, expected {})", path.string(), p.key(),
           fmt::join(p.value().sizes(), "x"), fmt::join(want, "x"));
  }
  file.model->eval();
  return file;
}

VggLite load_float_model(const fs::path& path) { return read_float_file(path).model; }

void save_float_model(VggLite& model, const fs::path& path) {
  const fs::path tmp = path.string() + ".tmp";
  torch::save(model, tmp.string());
  fs::rename(tmp, path);
}

bool plot_training_curves(const fs::path& csv, const fs::path& png) {
  // gnuplot's own complaints about a missing or foreign file are several lines that
  // do not name the fault; read the header first and say it in one.
  constexpr std::size_t kMaxLogBytes = std::size_t{64} << 20;
  const auto bytes = read_file(csv, kMaxLogBytes);
  const std::string text(bytes.begin(), bytes.end());
  const std::string header = text.substr(0, text.find_first_of("\r\n"));
  if (header != kCsvHeader)
    fail("{}: not a train_log.csv (first line '{}', expected '{}')", csv.string(), header.substr(0, 80), kCsvHeader);
  const std::string script = fmt::format(R"gp(set terminal pngcairo size 1200,480 font ",11"
set output "{png}"
set datafile separator ","
set key autotitle columnhead
set grid
set multiplot layout 1,2
set title "Loss per epoch"
set xlabel "epoch"
set ylabel "cross-entropy"
plot "{csv}" using 1:3 with linespoints title "train", "" using 1:5 with linespoints title "validation"
set title "Accuracy per epoch"
set ylabel "top-1 (%)"
set key bottom right
plot "{csv}" using 1:($4*100) with linespoints title "train", "" using 1:($6*100) with linespoints title "validation"
unset multiplot
)gp",
                                         fmt::arg("png", png.string() + ".tmp"), fmt::arg("csv", csv.string()));
  return run_gnuplot(png.string() + ".gp", script, {png});
}

}  // namespace qacc
