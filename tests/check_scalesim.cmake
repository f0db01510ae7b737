# SCALE-Sim's closed form (Samajdar et al. 2018) against the platform: runs sim_top
# (CMD, writing STATS) with every layer in one pass (mapping: whole-layer, buffers
# that hold it), no fold overlap, no weight double buffer and the OS sums read in
# parallel, and checks each layer's compute cycles equal folds x per-fold cycles:
# WS rows K, columns M, T = P, 2R + C + T - 2; IS rows K, columns P, T = M, the same;
# OS rows P, columns M, T = K, R + C + T - 2 (K = in channels x kernel^2, P = output
# positions, M = output channels). Usage:
#   cmake "-DCMD=sim_top;...;--stats-json;F" -DSTATS=F -DR=16 -DC=16 -DDATAFLOW=ws -P check_scalesim.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "0")
  message(FATAL_ERROR "exit code ${code}\n${out}\n${err}")
endif()
file(READ ${STATS} json)
string(JSON layers LENGTH "${json}" layers)
math(EXPR last "${layers} - 1")
set(problems "")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" layers ${i} name)
  foreach(key in_channels in_height in_width out_channels kernel)
    string(JSON ${key} GET "${json}" layers ${i} shape ${key})
  endforeach()
  string(JSON tile GET "${json}" layers ${i} tile)
  string(JSON passes GET "${json}" layers ${i} passes)
  string(JSON cycles GET "${json}" layers ${i} compute_cycles)
  math(EXPR k "${in_channels} * ${kernel} * ${kernel}")
  math(EXPR p "${in_height} * ${in_width}")
  set(m ${out_channels})
  if(DATAFLOW STREQUAL "ws")
    math(EXPR want "((${k} + ${R} - 1) / ${R}) * ((${m} + ${C} - 1) / ${C}) * (2 * ${R} + ${C} + ${p} - 2)")
  elseif(DATAFLOW STREQUAL "is")
    math(EXPR want "((${k} + ${R} - 1) / ${R}) * ((${p} + ${C} - 1) / ${C}) * (2 * ${R} + ${C} + ${m} - 2)")
  else()
    math(EXPR want "((${p} + ${R} - 1) / ${R}) * ((${m} + ${C} - 1) / ${C}) * (${R} + ${C} + ${k} - 2)")
  endif()
  if(NOT passes EQUAL 1)
    string(APPEND problems "${name}: ${passes} passes, not one (whole-layer mapping did not fit)\n")
  elseif(NOT cycles EQUAL want)
    string(APPEND problems "${name}: ${cycles} compute cycles, SCALE-Sim's closed form gives ${want}\n")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "${DATAFLOW} ${R}x${C}:\n${problems}")
endif()
message("${DATAFLOW} ${R}x${C}: all ${layers} layers equal SCALE-Sim's closed form")
