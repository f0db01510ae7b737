#pragma once
// Where a DRAMSys configuration (memspec, address mapping, controller) is found, for
// every model that reads one: DRAMSys itself, the banked model and the host's mapper.
// Plain C++.
#include <filesystem>
#include <string>

namespace qacc {

// A DRAMSys configuration: the top-level JSON and the directory holding the memspec/,
// mcconfig/, addressmapping/ and simconfig/ files it names.
struct DramConfigFile {
  std::filesystem::path config, directory;
};
// dram_memspec: a configuration shipped with DRAMSys by name (ddr4-example, ...; needs
// the DRAMSys sources, QACC_DRAMSYS_SOURCE) or a path to one. Throws qacc::UsageError
// naming the key and the file.
DramConfigFile find_dram_config(const std::string& memspec);

}  // namespace qacc
