# Runs CMD (a ;-list) with config key KEY at BASE and at TRY and checks that TRY never
# makes the image slower (the "latency: N cycles" line, firmware included), or with
# SLACK_PERMILLE=n not by more than n per mille.
# Usage: cmake "-DCMD=prog;arg;..." -DKEY=layer_overlap -DBASE=off -DTRY=on [-DSLACK_PERMILLE=1] -P never_slower.cmake
foreach(value ${BASE} ${TRY})
  execute_process(COMMAND ${CMD} --set ${KEY}=${value} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL "0")
    message(FATAL_ERROR "${KEY}=${value}: exit code ${code}\n${out}\n${err}")
  endif()
  if(NOT out MATCHES "latency: ([0-9]+) cycles")
    message(FATAL_ERROR "${KEY}=${value}: no latency line\n${out}")
  endif()
  set(latency_${value} ${CMAKE_MATCH_1})
endforeach()
message("latency: ${KEY}=${BASE} ${latency_${BASE}} cycles, ${KEY}=${TRY} ${latency_${TRY}}")
if(NOT DEFINED SLACK_PERMILLE)
  set(SLACK_PERMILLE 0)
endif()
math(EXPR allowed "${latency_${BASE}} + ${latency_${BASE}} * ${SLACK_PERMILLE} / 1000")
if(latency_${TRY} GREATER allowed)
  message(FATAL_ERROR "${KEY}=${TRY} takes ${latency_${TRY}} cycles, more than ${BASE}'s ${latency_${BASE}} (+${SLACK_PERMILLE} per mille)")
endif()
