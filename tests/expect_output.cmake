# Runs CMD (a ;-list) and checks it exits 0 and that its output (stdout and stderr
# together) matches every regular expression of EXPECT (a ;-list). Unlike ctest's
# PASS_REGULAR_EXPRESSION, a run that prints the right words but fails still fails.
# Usage: cmake "-DCMD=prog;arg;..." "-DEXPECT=regex;..." -P expect_output.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "0")
  message(FATAL_ERROR "exit code ${code}, expected 0\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(expect IN LISTS EXPECT)
  if(NOT "${out}${err}" MATCHES "${expect}")
    message(FATAL_ERROR "output does not match '${expect}':\nstdout: ${out}\nstderr: ${err}")
  endif()
endforeach()
message("${out}")
