# Timing and format goldens: runs sim_top (CMD, which writes OUT.json and OUT.vcd) and
# compares the statistics JSON byte for byte with GOLDEN.json and the VCD's SHA-256
# with GOLDEN.vcd.sha256. Every per-layer cycle, stall, DRAM and SRAM byte count is in
# the JSON, so any change to the timing model or the report format shows here.
# With the environment variable QACC_UPDATE_GOLDENS=1 the goldens are rewritten
# instead (scripts/update-goldens.sh); commit them with the reason the numbers moved.
# With -DTIMING_ONLY=1 CMD is a --timing-only run of a golden's design: everything but
# the values (saturation counts, logits, prediction) must equal the full run's golden.
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "0")
  message(FATAL_ERROR "sim_top exit code ${code}\nstdout: ${out}\nstderr: ${err}")
endif()
# The manifest's build lines name the commit and build type, which every commit
# changes: they are left out of the comparison (and of the goldens).
file(READ ${OUT}.json json)
# Both in the manifest, whose keys are sorted: build_type first, tool_version last.
string(REGEX REPLACE "\n *\"build_type\": \"[^\"]*\"," "" json "${json}")
string(REGEX REPLACE ",\n *\"tool_version\": \"[^\"]*\"" "" json "${json}")
# What a timing-only run does not compute, left out of both sides.
function(strip_values var)
  set(text "${${var}}")
  string(REGEX REPLACE "\"saturation\": {[^}]*}" "\"saturation\": {}" text "${text}")
  foreach(key logits logits_q)
    string(REGEX REPLACE "\"${key}\": \\[[-0-9.,\n ]*\\]" "\"${key}\": []" text "${text}")
  endforeach()
  foreach(key predicted predicted_class)
    string(REGEX REPLACE "\"${key}\": [^,\n]*" "\"${key}\": null" text "${text}")
  endforeach()
  # The manifest's last key once tool_version is gone.
  string(REGEX REPLACE ",\n *\"timing_only\": true" "" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()
if(TIMING_ONLY)
  strip_values(json)
  file(READ ${GOLDEN}.json golden_json)
  strip_values(golden_json)
  file(WRITE ${OUT}.golden.json "${golden_json}")
  set(GOLDEN_JSON ${OUT}.golden.json)
else()
  set(GOLDEN_JSON ${GOLDEN}.json)
endif()
file(WRITE ${OUT}.json "${json}")
# The VCD's header carries the same manifest as a comment: left out of the hash.
file(READ ${OUT}.vcd vcd)
string(REGEX REPLACE "\\$comment\n[^\n]*\n\\$end\n" "" vcd "${vcd}")
string(SHA256 vcd_sha "${vcd}")
file(REMOVE ${OUT}.vcd)  # the hash is what is compared
if("$ENV{QACC_UPDATE_GOLDENS}" STREQUAL "1" AND NOT TIMING_ONLY)
  file(COPY_FILE ${OUT}.json ${GOLDEN}.json)
  file(WRITE ${GOLDEN}.vcd.sha256 "${vcd_sha}\n")
  message("updated ${GOLDEN}.json and ${GOLDEN}.vcd.sha256")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.json ${GOLDEN_JSON} RESULT_VARIABLE differs)
if(differs)
  execute_process(COMMAND diff -u ${GOLDEN_JSON} ${OUT}.json OUTPUT_VARIABLE diff)
  message(FATAL_ERROR "statistics differ from ${GOLDEN}.json (- golden, + now):\n${diff}\n"
          "If the change is deliberate: scripts/update-goldens.sh, and say in the commit why the numbers moved.")
endif()
file(STRINGS ${GOLDEN}.vcd.sha256 golden_sha LIMIT_COUNT 1)
if(NOT vcd_sha STREQUAL golden_sha)
  message(FATAL_ERROR "the VCD differs from the golden one (SHA-256 ${vcd_sha}, expected ${golden_sha})")
endif()
message("statistics and VCD equal ${GOLDEN}")
