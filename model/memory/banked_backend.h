#pragma once
// The project's own DRAM timing underneath the platform's DRAM (dram_model: banked):
// BankModel (model/memory/bank_model.h: banks, rows, JEDEC timings, FR-FCFS, refresh,
// from the same DRAMSys configuration files) driven by SystemC events. Like the
// DRAMSys backend it cuts each transaction into the device's bursts and reports the
// transaction done when the last one is; unlike it, it needs no DRAMSys build, only
// the configuration files.
#include <memory>

#include "model/config/arch_config.h"
#include "model/memory/dram_backend.h"

namespace qacc {

// Throws qacc::UsageError, one line naming dram_memspec and the file, if the
// configuration cannot be found, read or used.
std::unique_ptr<DramTimingBackend> make_banked_backend(const char* name, const ArchConfig& config);

}  // namespace qacc
