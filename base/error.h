#pragma once
// Errors that reach the user. Tools print what() on one line and map the type to
// the exit code: UsageError -> 2 (bad option or argument), Error -> 1 (bad file,
// failed run).
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace qacc {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UsageError : public Error {
 public:
  using Error::Error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace qacc
