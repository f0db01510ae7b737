#pragma once
// The vgglite subcommands other than train: each takes its options struct.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace qacc {

// The shipped artefacts, found from the source tree.
std::filesystem::path shipped_float_model();
std::filesystem::path shipped_int8_model();

struct EvalOptions {
  std::filesystem::path float_model, int8_model, data_dir;
  int64_t limit = 0;  // first N test images (0: all 10,000)
  bool json = false;
  bool skip_float = false;
  int threads = 0;
};
// Float and LibTorch-int8 top-1 on the test set; with json, the last line printed is
// {"float_top1": f, "int8_top1": f, ...} with fractions in 0..1.
void run_eval(const EvalOptions& options);

struct QuantizeOptions {
  std::filesystem::path float_model, out, data_dir;
  std::filesystem::path save_float;  // also write the float model alone (e.g. from a checkpoint)
  int64_t calibration_images = 2048;
  int threads = 0;
};
// Fuse, calibrate power-of-two scales on the first N training images, quantise, and
// export the model file.
void run_quantize(const QuantizeOptions& options);

struct ReferenceOptions {
  std::filesystem::path int8_model, out, data_dir;
  std::vector<std::filesystem::path> images;  // image files; else test images from data_dir
  int64_t first = 0, count = 0;
};
// Every layer's int8 output as LibTorch computes it, for each image.
void run_reference(const ReferenceOptions& options);

struct SamplesOptions {
  std::filesystem::path float_model, int8_model, data_dir, out_dir;
};
// One test image per class, the first that both the float and the int8 model classify
// correctly, written as <class>.bin CIFAR-10 records.
void run_samples(const SamplesOptions& options);

struct ClassifyOptions {
  std::filesystem::path int8_model, image;
};
// One image through LibTorch's int8 engine and through the integer core: predicted
// class, top-5 logits, the label when the file has one, and whether both agree on
// every layer. Returns false when they do not.
bool run_classify(const ClassifyOptions& options);

// Prints a model file's header and layers (as JSON with json = true).
void run_inspect(const std::filesystem::path& model, bool json);

// Prints what a .pt file holds: a training checkpoint's configuration and epochs done
// as JSON (scripts/make-shipped.sh keeps it as config.json), or, for a float model
// alone, its parameter count, layers, and the config.json beside it when there is one.
void run_info(const std::filesystem::path& path);

}  // namespace qacc
