#pragma once
// Shared set-up for the LibTorch tests: real CIFAR-10 data and a briefly trained
// model, so activations and weights look like a trained network's.
#include <filesystem>

#include "tests/scratch.h"
#include "train/data.h"
#include "train/quantize.h"
#include "train/trainer.h"

namespace qacc::testing_support {

inline TensorSet test_images(int64_t count) {
  return to_tensors(load_cifar(default_cifar_dir(), CifarSplit::kTest, static_cast<std::size_t>(count)));
}

inline TensorSet train_images(int64_t count) {
  return to_tensors(load_cifar(default_cifar_dir(), CifarSplit::kTrain, static_cast<std::size_t>(count)));
}

// One short epoch of the seed recipe on `images` training images, cached per process.
inline VggLite& briefly_trained_model(int64_t images = 1024) {
  static VggLite model = [&] {
    TrainConfig c = recipe_defaults("seed");
    c.epochs = 1;
    c.train_limit = images;
    c.val_limit = 100;
    c.val_holdout = 0;  // too few images to hold any out: validate on the test set
    c.data_dir = default_cifar_dir();
    const ScratchDir dir("brief_model");
    c.out_dir = dir.path();
    train(c);
    return load_float_model(c.out_dir / "vgglite_float.pt");
  }();
  return model;
}

}  // namespace qacc::testing_support
