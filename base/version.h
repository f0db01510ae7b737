#pragma once
// What a result's manifest names about the program that produced it: `git describe`
// of the source tree at build time, and the CMake build type.
#include <string_view>

namespace qacc {

std::string_view tool_version();
std::string_view build_type();

}  // namespace qacc
