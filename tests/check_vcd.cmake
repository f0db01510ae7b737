# Checks that a sim_top VCD declares every signal the trace promises and that the
# accelerator's activity and the interrupt actually toggle in it.
file(READ "${VCD}" head LIMIT 4096)
foreach(signal clock layer dma_busy pe_array_busy ppu_busy irq dma_bytes_in_flight)
  if(NOT head MATCHES "\\$var wire +[0-9]+ +([^ ]+) +${signal}[ \\[]")
    message(FATAL_ERROR "${VCD}: no signal ${signal}")
  endif()
endforeach()
if(NOT head MATCHES "\\$enddefinitions")
  message(FATAL_ERROR "${VCD}: header incomplete")
endif()
# The interrupt's identifier, then a rising edge of it somewhere in the dump.
string(REGEX MATCH "\\$var wire +1 +([^ ]+) +irq " match "${head}")
set(irq_id "${CMAKE_MATCH_1}")
file(STRINGS "${VCD}" rises REGEX "^1${irq_id}$" LIMIT_COUNT 1)
if(NOT rises)
  message(FATAL_ERROR "${VCD}: irq never rises")
endif()
message(STATUS "${VCD}: all signals present, irq rises")
