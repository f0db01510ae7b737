# Runs CMD (a ;-list) with layer_overlap off and on and checks that overlap never
# makes the image slower (the "latency: N cycles" line, firmware included).
# Usage: cmake "-DCMD=prog;arg;..." -P compare_overlap.cmake
foreach(mode off on)
  execute_process(COMMAND ${CMD} --set layer_overlap=${mode} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL "0")
    message(FATAL_ERROR "layer_overlap=${mode}: exit code ${code}\n${out}\n${err}")
  endif()
  if(NOT out MATCHES "latency: ([0-9]+) cycles")
    message(FATAL_ERROR "layer_overlap=${mode}: no latency line\n${out}")
  endif()
  set(latency_${mode} ${CMAKE_MATCH_1})
endforeach()
message("latency: off ${latency_off} cycles, on ${latency_on}")
if(latency_on GREATER latency_off)
  message(FATAL_ERROR "layer_overlap=on takes ${latency_on} cycles, more than off's ${latency_off}")
endif()
