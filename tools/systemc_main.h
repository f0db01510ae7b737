#pragma once
// The `main` of every SystemC tool: the kernel's entry point, without its banner.
// The tool's own code is its sc_main.
#include <cstdlib>

#include <systemc>

namespace qacc {

inline int systemc_main(int argc, char** argv) {
  // The kernel prints its copyright banner before sc_main unless told otherwise.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", /*overwrite=*/0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

}  // namespace qacc
