# Optional DRAMSys 5.1 (SystemC TLM-2.0 DRAM subsystem simulator) as a timing back end.
#
#   include(cmake/dramsys.cmake)      # from the top-level CMakeLists, after CMAKE_CXX_STANDARD
#
# Input (cache):
#   QACC_DRAMSYS_SOURCE   a DRAMSys source tree, or a .tar.gz/.tgz/.tar.xz/.zip of one
#                         (default: ../shared/vendor/DRAMSys-5.1.tar.gz beside the checkout when
#                         that file exists, else empty). Empty: build without DRAMSys.
# Output (normal variables in the including scope, so visible to every later subdirectory):
#   QACC_HAVE_DRAMSYS         ON / OFF
#   QACC_DRAMSYS_SOURCE_DIR   the DRAMSys tree used (an archive is unpacked to _deps/dramsys-src)
#   QACC_DRAMSYS_CONFIG_DIR   its configs/ directory: ddr4-example.json, lpddr4-example.json,
#                             hbm2-example.json, ... and memspec/ mcconfig/ simconfig/
#                             addressmapping/ (the same path DRAMSys compiles in as
#                             DRAMSYS_RESOURCE_DIR)
# Targets (only when QACC_HAVE_DRAMSYS):
#   DRAMSys::libdramsys   the library (static, EXCLUDE_FROM_ALL: built only when linked)
#   qacc_dramsys          INTERFACE: DRAMSys::libdramsys + QACC_HAVE_DRAMSYS=1 and
#                         QACC_DRAMSYS_CONFIG_DIR="<configs dir>" compile definitions
#
# The build is offline and lean: no FetchContent, no DRAMPower (power analysis off), no CLI,
# tests or trace analyzer. SystemC comes from SystemCLanguageConfig.cmake beside this file
# (pkg-config 'systemc'); SQLite3 and nlohmann_json from the system. DRAMSys's headers are
# SYSTEM includes for its consumers, so our -Wall ... -Werror never fires inside them, and
# DRAMSys's own sources compile with the plain CMAKE_CXX_FLAGS (it adds no warning flags).
include_guard(GLOBAL)

set(_qacc_dramsys_default "")
if(EXISTS "${CMAKE_SOURCE_DIR}/../shared/vendor/DRAMSys-5.1.tar.gz")
  get_filename_component(_qacc_dramsys_default "${CMAKE_SOURCE_DIR}/../shared/vendor/DRAMSys-5.1.tar.gz" ABSOLUTE)
endif()
set(QACC_DRAMSYS_SOURCE "${_qacc_dramsys_default}" CACHE PATH
  "DRAMSys 5.1 source tree or .tar.gz archive of one; empty builds without DRAMSys")
unset(_qacc_dramsys_default)

# Unpacks ARCHIVE into DEST once per archive content (SHA-256 stamp); sets OUT_VAR to DEST.
function(_qacc_dramsys_unpack archive dest out_var)
  file(SHA256 "${archive}" _hash)
  set(_stamp "${dest}.sha256")
  set(_old "")
  if(EXISTS "${_stamp}")
    file(READ "${_stamp}" _old)
    string(STRIP "${_old}" _old)
  endif()
  if(NOT _old STREQUAL _hash OR NOT EXISTS "${dest}/CMakeLists.txt")
    message(STATUS "DRAMSys: unpacking ${archive}")
    set(_tmp "${dest}.tmp")
    file(REMOVE_RECURSE "${dest}" "${_tmp}" "${_stamp}")
    # TOUCH: files get the current time, not the archive's (git archive sets the commit
    # date), so a changed archive really rebuilds DRAMSys.
    file(ARCHIVE_EXTRACT INPUT "${archive}" DESTINATION "${_tmp}" TOUCH)
    set(_top "${_tmp}")
    if(NOT EXISTS "${_tmp}/CMakeLists.txt")
      # git archive / GitHub tarballs hold one top-level directory (DRAMSys-5.1/).
      file(GLOB _entries LIST_DIRECTORIES true "${_tmp}/*")
      list(LENGTH _entries _n)
      if(_n EQUAL 1 AND IS_DIRECTORY "${_entries}")
        set(_top "${_entries}")
      endif()
    endif()
    if(NOT EXISTS "${_top}/CMakeLists.txt")
      file(REMOVE_RECURSE "${_tmp}")
      message(FATAL_ERROR "QACC_DRAMSYS_SOURCE=${archive}: no CMakeLists.txt at the top of the archive")
    endif()
    file(RENAME "${_top}" "${dest}")
    file(REMOVE_RECURSE "${_tmp}")
    file(WRITE "${_stamp}" "${_hash}\n")
  endif()
  set(${out_var} "${dest}" PARENT_SCOPE)
endfunction()

function(_qacc_dramsys_setup)
  set(QACC_HAVE_DRAMSYS OFF PARENT_SCOPE)
  if(QACC_DRAMSYS_SOURCE STREQUAL "")
    message(STATUS "DRAMSys: off (set QACC_DRAMSYS_SOURCE to a DRAMSys 5.1 source tree or "
                   "DRAMSys-5.1.tar.gz to enable the DRAMSys memory back end)")
    return()
  endif()

  get_filename_component(_src "${QACC_DRAMSYS_SOURCE}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}")
  if(IS_DIRECTORY "${_src}")
    set(_root "${_src}")
  elseif(EXISTS "${_src}")
    _qacc_dramsys_unpack("${_src}" "${CMAKE_BINARY_DIR}/_deps/dramsys-src" _root)
    # Re-run configure when the archive is replaced.
    set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_src}")
  else()
    message(FATAL_ERROR "QACC_DRAMSYS_SOURCE=${QACC_DRAMSYS_SOURCE} does not exist. Point it at a "
                        "DRAMSys 5.1 source tree or archive, or set it empty to build without DRAMSys.")
  endif()
  if(NOT EXISTS "${_root}/src/libdramsys/CMakeLists.txt" OR NOT EXISTS "${_root}/configs/memspec")
    message(FATAL_ERROR "QACC_DRAMSYS_SOURCE: ${_root} does not look like a DRAMSys source tree "
                        "(no src/libdramsys/CMakeLists.txt or configs/memspec)")
  endif()

  # SystemC: Debian ships only systemc.pc; the config file beside this one wraps it.
  if(NOT TARGET SystemC::systemc)
    if(NOT SystemCLanguage_DIR)
      set(SystemCLanguage_DIR "${CMAKE_CURRENT_FUNCTION_LIST_DIR}" CACHE PATH
        "Directory holding SystemCLanguageConfig.cmake" FORCE)
    endif()
    find_package(SystemCLanguage REQUIRED CONFIG)
  endif()

  # Offline, library-only configuration. Normal variables in this function scope are seen by
  # DRAMSys's option() calls (policy CMP0077 NEW there) and leak nowhere else.
  set(DRAMSYS_USE_FETCH_CONTENT OFF)
  set(DRAMSYS_USE_FETCH_CONTENT_INTERNAL OFF)       # DRAMPower: power analysis unavailable
  set(DRAMSYS_USE_FETCH_CONTENT_SYSTEMC OFF)
  set(DRAMSYS_USE_FETCH_CONTENT_SQLITE3 OFF)        # Debian libsqlite3-dev
  set(DRAMSYS_USE_FETCH_CONTENT_NLOHMANN_JSON OFF)  # Debian nlohmann-json3-dev
  set(FETCHCONTENT_FULLY_DISCONNECTED ON)
  set(CMAKE_DISABLE_FIND_PACKAGE_DRAMPower ON)      # never pick up a stray system DRAMPower
  set(DRAMSYS_BUILD_CLI OFF)
  set(DRAMSYS_BUILD_TESTS OFF)
  set(DRAMSYS_BUILD_BENCHMARKS OFF)
  set(DRAMSYS_BUILD_TRACE_ANALYZER OFF)
  set(DRAMSYS_ENABLE_COVERAGE OFF)
  # Debian's SystemC links only into C++17 code.
  set(CMAKE_CXX_STANDARD 17)
  set(CMAKE_CXX_STANDARD_REQUIRED ON)
  set(CMAKE_CXX_EXTENSIONS OFF)
  # Static archives that may end up inside a shared library of ours.
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  # Third-party code: never warnings-as-errors (CMake >= 3.24 global switch).
  set(CMAKE_COMPILE_WARNING_AS_ERROR OFF)

  # SYSTEM (CMake >= 3.25): consumers get DRAMSys's include dirs as -isystem.
  add_subdirectory("${_root}" "${CMAKE_BINARY_DIR}/_deps/dramsys-build" EXCLUDE_FROM_ALL SYSTEM)

  if(NOT TARGET DRAMSys::libdramsys)
    message(FATAL_ERROR "DRAMSys: ${_root} did not define DRAMSys::libdramsys")
  endif()

  set(_configs "${_root}/configs")
  if(NOT TARGET qacc_dramsys)
    add_library(qacc_dramsys INTERFACE)
    target_link_libraries(qacc_dramsys INTERFACE DRAMSys::libdramsys)
    target_compile_definitions(qacc_dramsys INTERFACE
      QACC_HAVE_DRAMSYS=1 "QACC_DRAMSYS_CONFIG_DIR=\"${_configs}\"")
  endif()

  message(STATUS "DRAMSys: ${_root} (configs: ${_configs})")
  set(QACC_HAVE_DRAMSYS ON PARENT_SCOPE)
  set(QACC_DRAMSYS_SOURCE_DIR "${_root}" PARENT_SCOPE)
  set(QACC_DRAMSYS_CONFIG_DIR "${_configs}" PARENT_SCOPE)
endfunction()

_qacc_dramsys_setup()
