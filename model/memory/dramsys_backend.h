#pragma once
// DRAMSys underneath the platform's DRAM (dram_model: dramsys): the Dram keeps the
// data and answers the bus; this block turns each of its transactions into
// DRAMSys-sized bursts, sends them to DRAMSys's controller with the
// approximately-timed base protocol (DRAMSys models banks, rows, refresh and
// read/write turnaround only on that path), and reports the transaction done when
// its last burst's response arrives. DRAMSys runs without data storage, database or
// console output (shown at --log-level debug).
//
// Built only with DRAMSys (CMake option QACC_DRAMSYS_SOURCE); without it,
// make_dramsys_backend throws qacc::UsageError naming the option.
#include <memory>

#include "model/config/arch_config.h"
#include "model/memory/dram_backend.h"

namespace qacc {

// The backend for config.dram_memspec: a DRAMSys configuration shipped with DRAMSys
// by name (ddr4-example, lpddr4-example, hbm2-example, ...) or a path to one. Throws
// qacc::UsageError, one line naming dram_memspec and the file, if it cannot be used.
std::unique_ptr<DramTimingBackend> make_dramsys_backend(const char* name, const ArchConfig& config);

}  // namespace qacc
