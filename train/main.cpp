// vgglite: the LibTorch side of the project. Trains the float VGG-lite, evaluates it,
// quantises it with LibTorch's int8 engine, exports the model file the firmware reads,
// and writes golden per-layer references for the simulator.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/cli.h"
#include "base/error.h"
#include "train/tools.h"
#include "train/trainer.h"

namespace {

void add_train(CLI::App& app, qacc::TrainConfig& cfg, std::string& recipe) {
  auto* cmd = app.add_subcommand("train", "Train the float model (checkpoint every epoch; --resume continues)");
  cmd->add_option("--recipe", recipe, "seed (the seed report's recipe exactly) or fast (2-core CPU)")
      ->capture_default_str();
  cmd->add_option("--data", cfg.data_dir, "CIFAR-10 binary folder")->capture_default_str();
  cmd->add_option("--out", cfg.out_dir, "Output folder (checkpoint, CSV, plot, model)")->required();
  cmd->add_flag("--resume", cfg.resume, "Continue from OUT/checkpoint.pt");
  cmd->add_option("--epochs", cfg.epochs, "Override the recipe's epochs");
  cmd->add_option("--batch-size", cfg.batch_size, "Override the recipe's batch size");
  cmd->add_option("--lr", cfg.lr, "Override the learning rate (peak rate for onecycle)");
  cmd->add_option("--momentum", cfg.momentum, "Override SGD momentum");
  cmd->add_option("--nesterov", cfg.nesterov, "Override Nesterov momentum (true/false)");
  cmd->add_option("--weight-decay", cfg.weight_decay, "Override weight decay");
  cmd->add_option("--schedule", cfg.schedule, "step or onecycle");
  cmd->add_option("--step-size", cfg.step_size, "StepLR step in epochs");
  cmd->add_option("--gamma", cfg.gamma, "StepLR factor");
  cmd->add_option("--warmup-fraction", cfg.warmup_fraction, "onecycle: share of steps spent warming up");
  cmd->add_option("--augment", cfg.augment, "Random crop and flip (true/false)");
  cmd->add_option("--label-smoothing", cfg.label_smoothing, "Cross-entropy label smoothing");
  cmd->add_option("--seed", cfg.seed, "Random seed");
  cmd->add_option("--threads", cfg.threads, "Torch threads (0: all cores)");
  cmd->add_option("--train-limit", cfg.train_limit, "Use only the first N training images");
  cmd->add_option("--val-limit", cfg.val_limit, "Validate on the first N validation images");
  cmd->add_option("--val-holdout", cfg.val_holdout,
                  fmt::format("Validate on the last N training images (default {}; 0: on the test set, the seed's "
                              "convention)",
                              qacc::kDefaultValHoldout));
  cmd->add_option("--channels-last", cfg.channels_last, "NHWC layout for convolutions (speed only; true/false)");
}

// Options left at their zero value take the recipe's value.
qacc::TrainConfig merge_recipe(const qacc::TrainConfig& cli, const std::string& recipe, const CLI::App& cmd) {
  qacc::TrainConfig c = qacc::recipe_defaults(recipe);
  auto given = [&](const char* name) { return cmd.count(name) > 0; };
  if (given("--epochs")) c.epochs = cli.epochs;
  if (given("--batch-size")) c.batch_size = cli.batch_size;
  if (given("--lr")) c.lr = cli.lr;
  if (given("--momentum")) c.momentum = cli.momentum;
  if (given("--nesterov")) c.nesterov = cli.nesterov;
  if (given("--weight-decay")) c.weight_decay = cli.weight_decay;
  if (given("--schedule")) c.schedule = cli.schedule;
  if (given("--step-size")) c.step_size = cli.step_size;
  if (given("--gamma")) c.gamma = cli.gamma;
  if (given("--warmup-fraction")) c.warmup_fraction = cli.warmup_fraction;
  if (given("--augment")) c.augment = cli.augment;
  if (given("--label-smoothing")) c.label_smoothing = cli.label_smoothing;
  c.seed = cli.seed;
  c.threads = cli.threads;
  c.train_limit = cli.train_limit;
  c.val_limit = cli.val_limit;
  if (given("--val-holdout")) c.val_holdout = cli.val_holdout;
  c.data_dir = cli.data_dir;
  c.out_dir = cli.out_dir;
  c.resume = cli.resume;
  c.channels_last = cli.channels_last;
  return c;
}

struct Commands {
  qacc::EvalOptions eval;
  qacc::QuantizeOptions quantize;
  qacc::ReferenceOptions reference;
  qacc::SamplesOptions samples;
  qacc::ClassifyOptions classify;
  std::filesystem::path plot_csv, plot_png, info_file;
  std::filesystem::path inspect_model;
  bool inspect_json = false;
};

void add_tools(CLI::App& app, Commands& c) {
  const auto data = qacc::default_cifar_dir();
  const auto float_model = qacc::shipped_float_model();
  const auto int8_model = qacc::shipped_int8_model();

  auto* eval = app.add_subcommand("eval", "Float and LibTorch-int8 top-1 on the CIFAR-10 test set");
  c.eval.data_dir = data;
  c.eval.float_model = float_model;
  c.eval.int8_model = int8_model;
  eval->add_option("--data", c.eval.data_dir, "CIFAR-10 binary folder")->capture_default_str();
  eval->add_option("--float-model", c.eval.float_model, "Float checkpoint")->capture_default_str();
  eval->add_option("--model", c.eval.int8_model, "Quantised model file (.qacm)")->capture_default_str();
  eval->add_option("--limit", c.eval.limit, "Evaluate the first N test images only");
  eval->add_flag("--json", c.eval.json, "Print a JSON summary as the last line (top-1 as fractions)");
  eval->add_flag("--int8-only", c.eval.skip_float, "Skip the float model");
  eval->add_option("--threads", c.eval.threads, "Torch threads (0: all cores)");

  auto* quantize = app.add_subcommand(
      "quantize", "Fuse Conv+BN+ReLU, calibrate power-of-two scales, quantise, and export the model file");
  c.quantize.data_dir = data;
  c.quantize.float_model = float_model;
  quantize->add_option("--data", c.quantize.data_dir, "CIFAR-10 binary folder")->capture_default_str();
  quantize->add_option("--float-model", c.quantize.float_model, "Float checkpoint")->capture_default_str();
  quantize->add_option("--out", c.quantize.out, "Model file to write (.qacm)")->required();
  quantize->add_option("--calib-images", c.quantize.calibration_images, "Training images to calibrate on")
      ->capture_default_str();
  quantize->add_option("--threads", c.quantize.threads, "Torch threads (0: all cores)");
  quantize->add_option("--save-float", c.quantize.save_float, "Also write the float model alone (from a checkpoint)");

  auto* plot = app.add_subcommand("plot", "Draw loss and accuracy per epoch from a train_log.csv (gnuplot)");
  // No CLI::ExistingFile: its two-line answer differs from every other error; reading
  // the file names the fault in one line.
  plot->add_option("csv", c.plot_csv, "train_log.csv")->required();
  plot->add_option("png", c.plot_png, "PNG to write")->required();

  auto* reference = app.add_subcommand("reference", "Write every layer's LibTorch int8 output for given images");
  c.reference.data_dir = data;
  c.reference.int8_model = int8_model;
  reference->add_option("images", c.reference.images, "Image files (CIFAR-10 record, raw CHW, PNG, JPEG)");
  reference->add_option("--model", c.reference.int8_model, "Quantised model file (.qacm)")->capture_default_str();
  reference->add_option("--out", c.reference.out, "Reference file to write (.qacr)")->required();
  reference->add_option("--data", c.reference.data_dir, "CIFAR-10 binary folder (without image files)")
      ->capture_default_str();
  reference->add_option("--first", c.reference.first, "First test image (without image files)");
  reference->add_option("--count", c.reference.count, "Number of test images (without image files)");

  auto* samples = app.add_subcommand("samples", "Pick one correctly classified test image per class");
  c.samples.data_dir = data;
  c.samples.float_model = float_model;
  c.samples.int8_model = int8_model;
  samples->add_option("--data", c.samples.data_dir, "CIFAR-10 binary folder")->capture_default_str();
  samples->add_option("--float-model", c.samples.float_model, "Float checkpoint")->capture_default_str();
  samples->add_option("--model", c.samples.int8_model, "Quantised model file (.qacm)")->capture_default_str();
  samples->add_option("--out", c.samples.out_dir, "Folder for <class>.bin")->required();

  auto* classify = app.add_subcommand("classify", "Classify one image with LibTorch int8 and the integer core");
  c.classify.int8_model = int8_model;
  classify->add_option("image", c.classify.image, "CIFAR-10 record, raw CHW image, PNG or JPEG")->required();
  classify->add_option("--model", c.classify.int8_model, "Quantised model file (.qacm)")->capture_default_str();

  auto* info = app.add_subcommand(
      "info", "Print a checkpoint's configuration and epochs done (JSON), or a float model's layers");
  info->add_option("file", c.info_file, "checkpoint.pt or float model (vgglite_float.pt)")->required();

  auto* inspect = app.add_subcommand("inspect", "Print a model file's layers");
  c.inspect_model = int8_model;
  inspect->add_option("model", c.inspect_model, "Model file (.qacm)")->capture_default_str();
  inspect->add_flag("--json", c.inspect_json, "As JSON");
}

}  // namespace

// jemalloc (linked in train/CMakeLists.txt) reads its options from this symbol. By
// default it hands freed pages back to the kernel after 10 s of disuse, which at
// tens of MB of tensors per step cost as much as glibc did (45 against 237 images/s
// measured); keeping them is what makes training fast.
extern "C" const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

int main(int argc, char** argv) {
  CLI::App app("vgglite: train, quantise, export and reference VGG-lite with LibTorch");
  app.require_subcommand(1);
  qacc::TrainConfig train_cli;
  train_cli.data_dir = qacc::default_cifar_dir();
  std::string recipe = "fast";
  add_train(app, train_cli, recipe);
  Commands commands;
  add_tools(app, commands);

  return qacc::run_tool("vgglite", app, argc, argv, [&] {
    if (auto* cmd = app.get_subcommand("train"); cmd->parsed()) qacc::train(merge_recipe(train_cli, recipe, *cmd));
    if (app.get_subcommand("eval")->parsed()) qacc::run_eval(commands.eval);
    if (app.get_subcommand("quantize")->parsed()) qacc::run_quantize(commands.quantize);
    if (app.get_subcommand("reference")->parsed()) qacc::run_reference(commands.reference);
    if (app.get_subcommand("samples")->parsed()) qacc::run_samples(commands.samples);
    if (app.get_subcommand("info")->parsed()) qacc::run_info(commands.info_file);
    if (app.get_subcommand("plot")->parsed()) qacc::plot_training_curves(commands.plot_csv, commands.plot_png);
    if (app.get_subcommand("classify")->parsed() && !qacc::run_classify(commands.classify)) return 1;
    if (app.get_subcommand("inspect")->parsed()) qacc::run_inspect(commands.inspect_model, commands.inspect_json);
    return 0;
  });
}
