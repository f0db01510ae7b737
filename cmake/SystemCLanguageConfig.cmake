# Package config for find_package(SystemCLanguage) on a system whose SystemC ships only a
# pkg-config file (Debian's libsystemc-dev). DRAMSys asks for this package name and links
# SystemC::systemc; put this directory on CMAKE_PREFIX_PATH/CMAKE_MODULE_PATH or set
# SystemCLanguage_DIR to it.
#
# Defines the global imported target SystemC::systemc (include path, -lsystemc, C++17).
# Harmless when included again or when the target already exists (e.g. a SystemC built
# from source in the same build): then only the version variables are set.

if(NOT TARGET SystemC::systemc)
  find_package(PkgConfig QUIET)
  if(NOT PKG_CONFIG_FOUND)
    set(SystemCLanguage_FOUND FALSE)
    set(SystemCLanguage_NOT_FOUND_MESSAGE "pkg-config is needed to find SystemC (systemc.pc)")
    return()
  endif()
  # GLOBAL: the target is created from whatever directory first asks for it (possibly a
  # third-party subdirectory) and must still resolve in every other directory.
  pkg_check_modules(QACC_SYSTEMC_PC QUIET IMPORTED_TARGET GLOBAL systemc)
  if(NOT QACC_SYSTEMC_PC_FOUND)
    set(SystemCLanguage_FOUND FALSE)
    set(SystemCLanguage_NOT_FOUND_MESSAGE "pkg-config module 'systemc' not found (install libsystemc-dev)")
    return()
  endif()
  add_library(SystemC::systemc INTERFACE IMPORTED GLOBAL)
  target_link_libraries(SystemC::systemc INTERFACE PkgConfig::QACC_SYSTEMC_PC)
  # Debian's libsystemc is built as C++17 (sc_api_version_2_3_4_cxx201703L): consumers must be too.
  target_compile_features(SystemC::systemc INTERFACE cxx_std_17)
  set(SystemCLanguage_VERSION "${QACC_SYSTEMC_PC_VERSION}")
elseif(QACC_SYSTEMC_PC_VERSION)
  set(SystemCLanguage_VERSION "${QACC_SYSTEMC_PC_VERSION}")
endif()

set(SystemCLanguage_FOUND TRUE)
set(SystemC_TARGET_ARCH "linux64")
