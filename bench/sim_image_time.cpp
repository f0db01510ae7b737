// sim_image_time: the median wall time per image of a run of N copies of the cat image
// through the platform (the steady state qacc_bench's first row times, without
// LibTorch), for A/B runs of two builds: the file compiles unchanged against older
// trees. Usage: sim_image_time [key=value ...]   (config overrides, as --set)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "model/io/image.h"
#include "tools/simulation.h"
#include "tools/systemc_main.h"

int sc_main(int argc, char** argv) {
  constexpr std::size_t kImages = 20;
  const std::vector<std::string> overrides(argv + 1, argv + argc);
  qacc::SimulationInput in = qacc::prepare_input(qacc::load_design({}, overrides), qacc::default_model_path());
  const qacc::Image image = qacc::load_image(qacc::default_image_path());
  in.images.assign(kImages, {image.pixels, image.label, qacc::default_image_path().string()});
  in.keep_results = false;
  std::vector<double> seconds;
  auto last = std::chrono::steady_clock::now();
  const auto sim = qacc::simulate(in, [&](std::size_t, const qacc::ImageResult&) {
    const auto now = std::chrono::steady_clock::now();
    seconds.push_back(std::chrono::duration<double>(now - last).count());
    last = now;
  });
  if (!sim.ok() || seconds.empty()) {
    std::fprintf(stderr, "sim_image_time: %s\n", sim.error.c_str());
    return 1;
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("%.3f ms median per image (%zu images)\n", seconds[seconds.size() / 2] * 1e3, seconds.size());
  return 0;
}

int main(int argc, char** argv) { return qacc::systemc_main(argc, argv); }
