# pe_model: rtl against the cost model: runs sim_top (SIM_TOP, arguments ARGS, a
# ;-list) with --check once per PE model and requires both to equal LibTorch int8 and
# their statistics JSON to be the same, every count, cycle and value, but the
# pe_model key. With -DDRAIN_TAIL=N (os_drain: parallel, N = R - 1) the RTL's compute
# cycles must instead exceed the model's by exactly N per pass, layer by layer: the
# last fold's sums still leaving the array after done (docs/timing.md §11). Usage:
#   cmake -DSIM_TOP=... -DARGS="--image;cat.bin;--pe;8x8" -DOUT=prefix -P compare_pe_models.cmake
foreach(model cost rtl)
  execute_process(COMMAND ${SIM_TOP} ${ARGS} --set pe_model=${model} --check --stats-json ${OUT}_${model}.json
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL "0")
    message(FATAL_ERROR "pe_model=${model}: sim_top exit code ${code}\nstdout: ${out}\nstderr: ${err}")
  endif()
  file(READ ${OUT}_${model}.json json_${model})
  string(REPLACE "\"pe_model\": \"${model}\"" "\"pe_model\": \"-\"" json_${model} "${json_${model}}")
  file(WRITE ${OUT}_${model}.json "${json_${model}}")
endforeach()
if(DEFINED DRAIN_TAIL)
  string(JSON layers LENGTH "${json_cost}" layers)
  math(EXPR last "${layers} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${json_cost}" layers ${i} name)
    string(JSON passes GET "${json_cost}" layers ${i} passes)
    string(JSON cost GET "${json_cost}" layers ${i} compute_cycles)
    string(JSON rtl GET "${json_rtl}" layers ${i} compute_cycles)
    math(EXPR want "${cost} + ${passes} * ${DRAIN_TAIL}")
    if(NOT rtl EQUAL want)
      message(FATAL_ERROR "${name}: RTL ${rtl} compute cycles, want ${cost} + ${passes} passes x ${DRAIN_TAIL} = ${want}")
    endif()
    message("${name}: RTL ${rtl} = cost model ${cost} + ${passes} passes x ${DRAIN_TAIL}")
  endforeach()
  message("both equal LibTorch int8 (--check)")
  return()
endif()
if(NOT json_cost STREQUAL json_rtl)
  execute_process(COMMAND diff -u ${OUT}_cost.json ${OUT}_rtl.json OUTPUT_VARIABLE diff)
  message(FATAL_ERROR "pe_model rtl differs from cost (- cost, + rtl):\n${diff}")
endif()
message("pe_model rtl = cost: every count and value equal; both equal LibTorch int8 (--check)")
