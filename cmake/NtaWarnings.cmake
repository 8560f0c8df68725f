# Warning flags for every nta target; NTA_WERROR (on in CI) turns them into errors.
add_library(nta_warnings INTERFACE)
target_compile_options(nta_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(NTA_WERROR)
  target_compile_options(nta_warnings INTERFACE -Werror)
endif()
