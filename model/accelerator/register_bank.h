#pragma once
// Storage, reset values and access rights of memory-mapped 32-bit registers. Plain
// C++; the accelerator's TLM target decodes into it and reacts to writes.
#include <cstdint>
#include <map>
#include <string>

namespace qacc {

enum class Access { kReadOnly, kReadWrite, kWriteOneToClear };

class RegisterBank {
 public:
  enum class Result { kOk, kNoRegister, kReadOnly };

  void define(std::uint32_t offset, std::string name, std::uint32_t reset_value, Access access);
  void reset();

  // Bus-side access, with rights: a write to a read-only register is refused, a
  // write-one-to-clear register clears the bits written as 1.
  Result read(std::uint32_t offset, std::uint32_t& value) const;
  Result write(std::uint32_t offset, std::uint32_t value);

  // Hardware-side access, without rights checks.
  std::uint32_t get(std::uint32_t offset) const;
  void set(std::uint32_t offset, std::uint32_t value);
  const std::string& name(std::uint32_t offset) const;

 private:
  struct Register {
    std::string name;
    std::uint32_t reset_value;
    Access access;
    std::uint32_t value;
  };
  std::map<std::uint32_t, Register> registers_;
};

}  // namespace qacc
