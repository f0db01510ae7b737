#pragma once
// The project's own DRAM timing underneath the platform's DRAM (dram_model: banked):
// BankModel (model/memory/bank_model.h: banks, rows, JEDEC timings, FR-FCFS, refresh,
// from the same DRAMSys configuration files) run lazily under SystemC: when the DMA
// asks it to run ahead (DramTimingBackend::run_ahead) or when a response could next
// fall due, and each transaction answered, with its time, once that is final. Like
// the DRAMSys backend it cuts each transaction into the device's bursts and reports
// the transaction done when the last one is; unlike it, it needs no DRAMSys build,
// only the configuration files (docs/timing.md §6).
#include <memory>

#include "model/config/arch_config.h"
#include "model/memory/dram_backend.h"

namespace qacc {

// Throws qacc::UsageError, one line naming dram_memspec and the file, if the
// configuration cannot be found, read or used.
std::unique_ptr<DramTimingBackend> make_banked_backend(const char* name, const ArchConfig& config);

}  // namespace qacc
