#include "model/memory/dram_config.h"

#include <fmt/format.h>

#include "base/error.h"

namespace qacc {

namespace fs = std::filesystem;

DramConfigFile find_dram_config(const std::string& memspec) {
  if (memspec.find('/') != std::string::npos || fs::path(memspec).extension() == ".json") {
    if (!fs::is_regular_file(memspec))
      throw UsageError(fmt::format("config key dram_memspec: {}: no such DRAMSys configuration file", memspec));
    return {memspec, fs::path(memspec).parent_path()};
  }
#ifdef QACC_DRAMSYS_CONFIG_DIR
  const fs::path dir = QACC_DRAMSYS_CONFIG_DIR;
  const fs::path shipped = dir / (memspec + ".json");
  if (fs::is_regular_file(shipped)) return {shipped, dir};
  std::string known;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") known += (known.empty() ? "" : ", ") + e.path().stem().string();
  throw UsageError(fmt::format("config key dram_memspec: '{}' is not a DRAMSys configuration in {} ({}) nor a file",
                               memspec, dir.string(), known));
#else
  throw UsageError(fmt::format(
      "config key dram_memspec: '{}' names a configuration shipped with DRAMSys, whose sources this build has not "
      "got (QACC_DRAMSYS_SOURCE); give the path of a DRAMSys configuration JSON",
      memspec));
#endif
}

}  // namespace qacc
