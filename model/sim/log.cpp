#include "model/sim/log.h"

namespace qacc::log {

std::string origin(const sc_core::sc_object& who) {
  return fmt::format("{} {}", sc_core::sc_time_stamp().to_string(), who.name());
}

}  // namespace qacc::log
