# Runs CMD (sim_top writing its statistics to STATS) and checks one figure of layer
# LAYER (index): the statistics key KEY equals VALUE exactly.
# Usage: cmake "-DCMD=sim_top;...;--stats-json;F" -DSTATS=F -DLAYER=0 -DKEY=dram_bytes_read -DVALUE=N -P check_layer_value.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "0")
  message(FATAL_ERROR "exit code ${code}\n${out}\n${err}")
endif()
file(READ ${STATS} json)
string(JSON name GET "${json}" layers ${LAYER} name)
string(JSON value GET "${json}" layers ${LAYER} ${KEY})
message("${name}: ${KEY} ${value} (expected ${VALUE})")
if(NOT value EQUAL VALUE)
  message(FATAL_ERROR "${name}: ${KEY} is ${value}, not ${VALUE}")
endif()
