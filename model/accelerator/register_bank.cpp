#include "model/accelerator/register_bank.h"

#include "base/error.h"
#include "contract/registers.h"

namespace qacc {

void RegisterBank::define(std::uint32_t offset, std::string name, std::uint32_t reset_value, Access access) {
  if (offset % regs::kRegisterBytes != 0) fail("register {} at unaligned offset {:#x}", name, offset);
  if (!registers_.emplace(offset, Register{std::move(name), reset_value, access, reset_value}).second)
    fail("register offset {:#x} defined twice", offset);
}

void RegisterBank::reset() {
  for (auto& [offset, r] : registers_) r.value = r.reset_value;
}

RegisterBank::Result RegisterBank::read(std::uint32_t offset, std::uint32_t& value) const {
  const auto it = registers_.find(offset);
  if (it == registers_.end()) return Result::kNoRegister;
  value = it->second.value;
  return Result::kOk;
}

RegisterBank::Result RegisterBank::write(std::uint32_t offset, std::uint32_t value) {
  const auto it = registers_.find(offset);
  if (it == registers_.end()) return Result::kNoRegister;
  Register& r = it->second;
  switch (r.access) {
    case Access::kReadOnly:
      return Result::kReadOnly;
    case Access::kReadWrite:
      r.value = value;
      break;
    case Access::kWriteOneToClear:
      r.value &= ~value;
      break;
  }
  return Result::kOk;
}

std::uint32_t RegisterBank::get(std::uint32_t offset) const {
  const auto it = registers_.find(offset);
  if (it == registers_.end()) fail("no register at {:#x}", offset);
  return it->second.value;
}

void RegisterBank::set(std::uint32_t offset, std::uint32_t value) {
  const auto it = registers_.find(offset);
  if (it == registers_.end()) fail("no register at {:#x}", offset);
  it->second.value = value;
}

const std::string& RegisterBank::name(std::uint32_t offset) const {
  const auto it = registers_.find(offset);
  if (it == registers_.end()) fail("no register at {:#x}", offset);
  return it->second.name;
}

}  // namespace qacc
