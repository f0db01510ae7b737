#pragma once
// The one process pool of the tools: sim_regress's simulation workers, sim_sweep's
// design points and qacc_bench's measured runs. SystemC elaborates once per process,
// so every simulation beyond the first needs a process of its own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace qacc {

// One task: either forked, running `body` in the child (it writes its results to the
// pipe `fd` and returns the child's exit code), or, when `argv` is given, a program
// started. Either way stdout and stderr go to `log` when one is given.
struct Task {
  std::function<int(int fd)> body;
  std::vector<std::string> argv;
  std::filesystem::path log;
};

struct TaskExit {
  std::size_t task = 0;
  int exit_code = 0;     // 128 + the signal when one killed it
  int signal = 0;        // 0 unless a signal killed it
  long max_rss_kib = 0;  // a forked child's figure counts pages it shares with its parent
  double seconds = 0;
  bool ok() const { return exit_code == 0; }
  // "exit 3" or "killed by signal 11".
  std::string describe() const;
};

struct TaskCallbacks {
  // Bytes a forked task wrote to its pipe, as they arrive (any split).
  std::function<void(std::size_t task, const std::uint8_t* data, std::size_t bytes)> on_output;
  std::function<void(const TaskExit& exit)> on_exit;
};

// Runs tasks 0 .. count-1, `make(i)` describing task i, at most `jobs` at once.
void run_tasks(std::size_t count, int jobs, const std::function<Task(std::size_t)>& make, const TaskCallbacks& callbacks);

// Runs one task to its end; returns what it wrote to its pipe, its exit in `exit`.
std::vector<std::uint8_t> run_task(const Task& task, TaskExit& exit);

// What a tool's -j means: a positive count as given, 0 one per core; negative is a
// qacc::UsageError naming `option`.
int resolve_jobs(int jobs, const char* option = "-j");

// Writes all of `bytes` to `fd` from a forked child; exits the child (code 3) when the
// parent has gone.
void write_to_parent(int fd, const std::vector<std::uint8_t>& bytes);

}  // namespace qacc
