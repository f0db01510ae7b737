# The RTL's sources, for the testbench (rtl/CMakeLists.txt) and pe_model: rtl
# (model/CMakeLists.txt).
set(QACC_RTL_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/delay_line.sv
    ${CMAKE_CURRENT_LIST_DIR}/pe.sv
    ${CMAKE_CURRENT_LIST_DIR}/pe_array.sv
    ${CMAKE_CURRENT_LIST_DIR}/pe_pass.sv)
