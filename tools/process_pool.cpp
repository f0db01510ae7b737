#include "tools/process_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"

namespace qacc {
namespace {

using Steady = std::chrono::steady_clock;

struct Running {
  std::size_t task;
  pid_t pid;
  int fd;  // read end of the child's pipe: end of file when the child is gone
  Steady::time_point start;
};

// A child's stdout and stderr to its log.
void redirect_output(const std::filesystem::path& path) {
  const int log = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log < 0) {
    fmt::print(stderr, "cannot write {}: {}\n", path.string(), std::strerror(errno));
    _exit(127);
  }
  ::dup2(log, 1);
  ::dup2(log, 2);
  ::close(log);
}

[[noreturn]] void exec_child(const Task& t) {
  redirect_output(t.log);
  std::vector<char*> argv;
  for (const auto& a : t.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  fmt::print(stderr, "cannot start {}: {}\n", t.argv[0], std::strerror(errno));
  _exit(127);
}

Running start(std::size_t index, const Task& t) {
  int fds[2];
  if (::pipe(fds) != 0) fail("pipe failed: {}", std::strerror(errno));
  // Buffered output would be written twice, once by each process.
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) fail("fork failed: {}", std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    if (!t.argv.empty()) exec_child(t);  // keeps the write end open until it exits
    if (!t.log.empty()) redirect_output(t.log);
    int code = 1;
    try {
      code = t.body(fds[1]);
    } catch (const std::exception& e) {
      fmt::print(stderr, "task {}: {}\n", index, e.what());
    }
    ::close(fds[1]);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(code);
  }
  ::close(fds[1]);
  return {index, pid, fds[0], Steady::now()};
}

TaskExit reap(const Running& r) {
  ::close(r.fd);
  int status = 0;
  rusage usage{};
  while (::wait4(r.pid, &status, 0, &usage) < 0)
    if (errno != EINTR) fail("wait4 failed: {}", std::strerror(errno));
  TaskExit e;
  e.task = r.task;
  e.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  e.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + e.signal;
  e.max_rss_kib = usage.ru_maxrss;
  e.seconds = std::chrono::duration<double>(Steady::now() - r.start).count();
  return e;
}

}  // namespace

std::string TaskExit::describe() const {
  return signal != 0 ? fmt::format("killed by signal {}", signal) : fmt::format("exit {}", exit_code);
}

void run_tasks(std::size_t count, int jobs, const std::function<Task(std::size_t)>& make, const TaskCallbacks& cb) {
  if (jobs < 1) throw UsageError(fmt::format("{} processes at once: expected at least 1", jobs));
  std::vector<Running> running;
  std::size_t next = 0;
  while (next < count || !running.empty()) {
    while (next < count && static_cast<int>(running.size()) < jobs) {
      running.push_back(start(next, make(next)));
      ++next;
    }
    std::vector<pollfd> polls;
    for (const auto& r : running) polls.push_back({r.fd, POLLIN, 0});
    if (::poll(polls.data(), polls.size(), -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll failed: {}", std::strerror(errno));
    }
    for (std::size_t i = running.size(); i-- > 0;) {
      if ((polls[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      std::uint8_t buffer[1 << 16];
      const ssize_t got = ::read(running[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got > 0) {
        if (cb.on_output) cb.on_output(running[i].task, buffer, static_cast<std::size_t>(got));
        continue;
      }
      const TaskExit e = reap(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      if (cb.on_exit) cb.on_exit(e);
    }
  }
}

std::vector<std::uint8_t> run_task(const Task& task, TaskExit& exit) {
  std::vector<std::uint8_t> out;
  run_tasks(
      1, 1, [&](std::size_t) { return task; },
      {[&](std::size_t, const std::uint8_t* data, std::size_t n) { out.insert(out.end(), data, data + n); },
       [&](const TaskExit& e) { exit = e; }});
  return out;
}

int resolve_jobs(int jobs, const char* option) {
  if (jobs < 0) throw UsageError(fmt::format("{} {}: expected 0 (one per core) or a positive count", option, jobs));
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void write_to_parent(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace qacc
