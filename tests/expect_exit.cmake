# Runs CMD (a ;-list) and checks its exit code is CODE and its stderr matches ERROR.
# Usage: cmake -DCMD="prog;arg;..." -DCODE=2 -DERROR="regex" -P expect_exit.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${CODE}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT err MATCHES "${ERROR}")
  message(FATAL_ERROR "stderr does not match '${ERROR}':\n${err}")
endif()
