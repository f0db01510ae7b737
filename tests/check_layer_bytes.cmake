# Runs CMD (sim_top writing its statistics to STATS) and checks the DRAM bytes layer
# LAYER (index) reads: exactly READ.
# Usage: cmake "-DCMD=sim_top;...;--stats-json;F" -DSTATS=F -DLAYER=0 -DREAD=N -P check_layer_bytes.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "0")
  message(FATAL_ERROR "exit code ${code}\n${out}\n${err}")
endif()
file(READ ${STATS} json)
string(JSON name GET "${json}" layers ${LAYER} name)
string(JSON read GET "${json}" layers ${LAYER} dram_bytes_read)
message("${name}: ${read} DRAM bytes read (expected ${READ})")
if(NOT read EQUAL READ)
  message(FATAL_ERROR "${name} reads ${read} DRAM bytes, not ${READ}")
endif()
