#include "base/version.h"

#include "base/generated/qacc_version.h"  // in the build tree: base/version.cmake

namespace qacc {

std::string_view tool_version() { return QACC_VERSION; }
std::string_view build_type() { return QACC_BUILD_TYPE; }

}  // namespace qacc
