# nta_add_module(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# One folder under src/ = one static library `nta_<name>`. DEPS are the modules (or imported
# targets) it may include; the layering test reads these lists to check every #include.
function(nta_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(nta_${name} STATIC ${ARG_SOURCES})
  add_library(nta::${name} ALIAS nta_${name})
  target_include_directories(nta_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(nta_${name} PUBLIC ${ARG_DEPS} PRIVATE nta_warnings ${ARG_PRIVATE_DEPS})
  set_property(GLOBAL APPEND PROPERTY NTA_MODULES "${name}")
  set(deps "")
  foreach(d IN LISTS ARG_DEPS)
    if(d MATCHES "^nta::(.*)$")
      list(APPEND deps ${CMAKE_MATCH_1})
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY NTA_MODULE_DEPS_${name} "${deps}")
endfunction()

# nta_add_test(NAME SOURCES ... DEPS ...): a GoogleTest executable registered with CTest.
function(nta_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main nta_warnings)
  target_compile_definitions(${name} PRIVATE
    NTA_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data"
    NTA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # GoogleTest's header, parsed once for all the test executables (tests/CMakeLists.txt makes it).
  target_precompile_headers(${name} REUSE_FROM nta_test_pch)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit;${ARG_LABELS}")
endfunction()
