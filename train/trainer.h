#pragma once
// Training of the float VGG-lite: recipes, per-epoch CSV log, atomic checkpoints and
// resume.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "train/data.h"
#include "train/net.h"

namespace qacc {

class Progress;

struct TrainConfig {
  std::string recipe = "fast";
  int epochs = 0;
  int batch_size = 0;
  double lr = 0;            // peak lr for "onecycle", initial lr for "step"
  double momentum = 0;
  bool nesterov = false;
  double weight_decay = 0;
  std::string schedule;     // "step" (StepLR) or "onecycle" (linear warm-up, linear decay)
  int step_size = 0;        // StepLR
  double gamma = 0;         // StepLR
  double warmup_fraction = 0;  // onecycle: share of all steps spent warming up
  bool augment = false;     // random crop (pad 4) + horizontal flip
  double label_smoothing = 0;
  uint64_t seed = 1;
  int threads = 0;          // 0: all cores
  int64_t train_limit = 0;  // use only the first N training images (0: all)
  int64_t val_limit = 0;    // validate on the first N validation images (0: all)
  int64_t val_holdout = 0;  // >0: validate on the last N training images instead of the test set
  std::filesystem::path data_dir;
  std::filesystem::path out_dir;
  bool resume = false;
  bool channels_last = false;  // NHWC conv weights and activations (a speed knob only)
};

// The seed's recipe exactly (batch 64, SGD lr 0.01 momentum 0.9, StepLR 20/0.1, 60
// epochs) or the fast recipe tuned for a 2-core CPU, both validating on the last
// kDefaultValHoldout training images so the test set decides nothing while training.
// Throws UsageError for others.
inline constexpr int64_t kDefaultValHoldout = 5000;
TrainConfig recipe_defaults(const std::string& recipe);

nlohmann::json to_json(const TrainConfig& config);

// Trains, writing to config.out_dir: config.json, checkpoint.pt after every epoch (model,
// optimizer, epoch, history; written to a temporary file and renamed),
// train_log.csv, curves.png (when gnuplot is installed) and, at the end,
// vgglite_float.pt (the model alone); then prints what it wrote and the next command.
// Resuming with a configuration other than the checkpoint's (anything but epochs,
// threads and channels_last) throws UsageError naming the keys that differ.
void train(const TrainConfig& config);

// A .pt file written by vgglite: a training checkpoint (checkpoint.pt) or the float
// model alone (vgglite_float.pt, from train or quantize --save-float).
struct FloatFile {
  std::optional<nlohmann::json> config;  // a checkpoint's configuration, "epochs_done" added
  VggLite model;                         // the weights, in eval mode
};
// Throws qacc::Error naming the file and what was expected when it is neither.
FloatFile read_float_file(const std::filesystem::path& path);

// The model of read_float_file.
VggLite load_float_model(const std::filesystem::path& path);
void save_float_model(VggLite& model, const std::filesystem::path& path);

struct LossAccuracy {
  double loss = 0;
  double accuracy = 0;  // fraction correct, 0..1
};

// Cross-entropy and top-1 of the float model in eval mode; `progress`, when given, is
// updated after every batch with the images done.
LossAccuracy evaluate_float(VggLite& model, const TensorSet& set, int64_t batch_size = 500,
                            Progress* progress = nullptr);

// Draws loss and accuracy per epoch (train and validation) from a train_log.csv.
// Returns false when gnuplot is missing (a note is printed); throws qacc::Error for a
// CSV that cannot be read or is not a training log.
bool plot_training_curves(const std::filesystem::path& csv, const std::filesystem::path& png);

}  // namespace qacc
