// A short training run: the loss falls, checkpoints are written each epoch, and a
// resumed run continues exactly where an unbroken one would be. `vgglite info` and
// `plot` tell the files they are given apart, and reject others in one line.
#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "tests/torch_helpers.h"

namespace qacc {
namespace {
namespace fs = std::filesystem;

// The message of the qacc::Error that `f` throws ("" when it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<std::vector<double>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds,images_per_s");
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

TrainConfig smoke_config(const fs::path& dir, int epochs) {
  TrainConfig c = recipe_defaults("seed");
  c.epochs = epochs;
  c.train_limit = 384;
  c.val_limit = 128;
  c.val_holdout = 0;  // 384 images are too few to hold any out; validate on the test set
  c.data_dir = default_cifar_dir();
  c.out_dir = dir;
  return c;
}

TEST(Training, LossFallsOnAFewHundredImages) {
  const testing_support::ScratchDir dir("smoke");
  const TrainConfig c = smoke_config(dir.path(), 3);
  train(c);
  const auto rows = read_csv(c.out_dir / "train_log.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_LT(rows[2][2], rows[0][2]) << "train loss did not fall";
  EXPECT_TRUE(fs::exists(c.out_dir / "checkpoint.pt"));
  EXPECT_TRUE(fs::exists(c.out_dir / "vgglite_float.pt"));
  EXPECT_FALSE(fs::exists(c.out_dir / "checkpoint.pt.tmp"));

  const auto checkpoint = read_float_file(c.out_dir / "checkpoint.pt");
  ASSERT_TRUE(checkpoint.config.has_value());
  EXPECT_EQ(checkpoint.config->at("recipe"), "seed");
  EXPECT_EQ(checkpoint.config->at("epochs_done"), 3);
  EXPECT_FALSE(read_float_file(c.out_dir / "vgglite_float.pt").config.has_value());
}

TEST(Training, FloatFilesAreToldApartFromOthers) {
  const testing_support::ScratchDir dir("float_files");
  VggLite model;
  save_float_model(model, dir.path() / "model.pt");
  EXPECT_FALSE(read_float_file(dir.path() / "model.pt").config.has_value());

  EXPECT_NE(error_of([&] { read_float_file(dir.path() / "nowhere.pt"); }).find("nowhere.pt: cannot read"),
            std::string::npos);
  {
    std::ofstream(dir.path() / "text.pt") << "not an archive\n";
  }
  EXPECT_NE(error_of([&] { read_float_file(dir.path() / "text.pt"); }).find("text.pt: not a LibTorch archive"),
            std::string::npos);
  torch::nn::Linear other(4, 2);
  torch::save(other, (dir.path() / "other.pt").string());
  EXPECT_NE(error_of([&] { read_float_file(dir.path() / "other.pt"); })
                .find("other.pt: not a VGG-lite checkpoint or float model"),
            std::string::npos);
  model->conv[0]->weight.set_data(torch::zeros({16, 3, 3, 3}));
  save_float_model(model, dir.path() / "narrow.pt");
  EXPECT_NE(error_of([&] { read_float_file(dir.path() / "narrow.pt"); })
                .find("not a VGG-lite model (conv1.weight is 16x3x3x3, expected 64x3x3x3)"),
            std::string::npos);

  EXPECT_NE(error_of([&] { plot_training_curves(dir.path() / "nowhere.csv", dir.path() / "c.png"); })
                .find("nowhere.csv: cannot read (No such file or directory)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plot_training_curves(dir.path() / "text.pt", dir.path() / "c.png"); })
                .find("text.pt: not a train_log.csv"),
            std::string::npos);
}

TEST(Training, ResumeContinuesAKilledRun) {
  const testing_support::ScratchDir straight_dir("straight");
  const testing_support::ScratchDir broken_dir("broken");
  TrainConfig straight = smoke_config(straight_dir.path(), 2);
  train(straight);
  TrainConfig broken = smoke_config(broken_dir.path(), 1);
  train(broken);  // as if killed after epoch 1
  broken.epochs = 2;
  broken.resume = true;
  train(broken);
  const auto a = read_csv(straight.out_dir / "train_log.csv");
  const auto b = read_csv(broken.out_dir / "train_log.csv");
  ASSERT_EQ(b.size(), 2u);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t col : {2u, 3u, 4u, 5u}) EXPECT_NEAR(a[r][col], b[r][col], 2e-4) << "row " << r << " col " << col;
}

TEST(Training, ResumeRefusesADifferentRun) {
  const testing_support::ScratchDir dir("refuse");
  TrainConfig c = smoke_config(dir.path(), 1);
  c.train_limit = 256;
  train(c);
  TrainConfig other = c;
  other.epochs = 2;
  other.resume = true;
  other.val_holdout = 64;
  other.lr = 0.02;
  const std::string message = error_of([&] { train(other); });
  EXPECT_NE(message.find("was trained with lr 0.01 (asked 0.02), val_holdout 0 (asked 64)"), std::string::npos)
      << message;
  EXPECT_EQ(read_csv(c.out_dir / "train_log.csv").size(), 1u) << "the refused resume must not train";
}

TEST(Training, HoldoutValidatesOnTrainingImages) {
  // With a hold-out the validation set is the last N training images, not the test set:
  // 64 of 256 held out leaves 192 to train on, and one epoch still learns.
  const testing_support::ScratchDir dir("holdout");
  TrainConfig c = smoke_config(dir.path(), 1);
  c.train_limit = 256;
  c.val_limit = 0;
  c.val_holdout = 64;
  testing::internal::CaptureStdout();
  train(c);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("192 train / 64 validation images (held out of training)"), std::string::npos) << out;
  EXPECT_EQ(read_csv(c.out_dir / "train_log.csv").size(), 1u);
  c.val_holdout = 256;
  EXPECT_NE(error_of([&] { train(c); }).find("--val-holdout must be smaller than the training set"),
            std::string::npos);
}

TEST(Training, RecipesAreTheDocumentedOnes) {
  const auto seed = recipe_defaults("seed");
  EXPECT_EQ(seed.batch_size, 64);
  EXPECT_EQ(seed.lr, 0.01);
  EXPECT_EQ(seed.momentum, 0.9);
  EXPECT_EQ(seed.schedule, "step");
  EXPECT_EQ(seed.step_size, 20);
  EXPECT_EQ(seed.gamma, 0.1);
  EXPECT_EQ(seed.epochs, 60);
  EXPECT_FALSE(seed.augment);
  EXPECT_EQ(seed.weight_decay, 0.0);
  // New runs validate on held-out training images, both recipes.
  EXPECT_EQ(seed.val_holdout, kDefaultValHoldout);
  EXPECT_EQ(recipe_defaults("fast").val_holdout, kDefaultValHoldout);
  EXPECT_THROW(recipe_defaults("turbo"), UsageError);
}

}  // namespace
}  // namespace qacc
