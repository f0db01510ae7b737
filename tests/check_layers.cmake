# Every dependency arrow points down (docs/architecture.md, "Layers"): a file may
# include project headers only from its own folder and the folders listed for it.
# Run as: cmake -DSOURCE_DIR=... -P check_layers.cmake
#
#   base            <- nothing
#   contract        <- base
#   model/io        <- base
#   model/func      <- base, model/io
#   model/config    <- base
#   model/timing    <- base, model/config
#   model/sim       <- base
#   model/<block>   <- base, contract, model/io, model/func, model/config, model/timing, model/sim, model/<other blocks>
#   sw              <- base, contract, model/io, model/func            (never SystemC)
#   train           <- base, model/io, model/func
#   tools           <- everything above, and train (sim_regress compares against LibTorch)
#   tests, bench, fuzz: anything
set(lower_model "base;contract;model/io;model/func;model/config;model/timing;model/sim")
set(blocks "model/memory;model/interconnect;model/dma;model/pe_array;model/ppu;model/accelerator;model/cpu;model/platform")
set(allowed_base "")
set(allowed_contract "base")
set(allowed_model/io "base")
set(allowed_model/func "base;model/io")
set(allowed_model/config "base")
set(allowed_model/timing "base;model/config")
set(allowed_model/sim "base")
foreach(block IN LISTS blocks)
  set(allowed_${block} "${lower_model};${blocks}")
endforeach()
set(allowed_sw "base;contract;model/io;model/func")
set(allowed_train "base;model/io;model/func")
set(allowed_tools "${lower_model};${blocks};sw;train")

set(folders base contract model/io model/func model/config model/timing model/sim ${blocks} sw train tools)
set(problems "")
foreach(folder IN LISTS folders)
  file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/${folder}/*.h ${SOURCE_DIR}/${folder}/*.cpp)
  foreach(source IN LISTS sources)
    file(STRINGS ${SOURCE_DIR}/${source} includes REGEX "^#include [\"<]")
    foreach(line IN LISTS includes)
      if(folder STREQUAL "sw" AND line MATCHES "^#include <(systemc|tlm)")
        list(APPEND problems "${source}: firmware includes SystemC (${line})")
      endif()
      if(NOT line MATCHES "^#include \"([^\"]+)\"")
        continue()
      endif()
      set(header ${CMAKE_MATCH_1})
      get_filename_component(header_dir ${header} DIRECTORY)
      set(ok FALSE)
      foreach(target_folder IN LISTS folder allowed_${folder})
        if(target_folder AND (header_dir STREQUAL target_folder OR header_dir MATCHES "^${target_folder}/"))
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        list(APPEND problems "${source}: includes ${header}, which ${folder}/ may not depend on")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "include arrows pointing up or sideways:\n  ${text}")
endif()
message(STATUS "include layering: every arrow points down")
