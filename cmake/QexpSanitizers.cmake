# Sanitizer and fuzzer builds (issue #8, docs/reliability.md).
#
#   -DQEXP_SANITIZE=address,undefined  compiles and links every target with those sanitizers
#                                      (GCC or Clang); UBSan findings abort instead of printing.
#   -DQEXP_BUILD_FUZZERS=ON            (Clang only) also builds the libFuzzer targets of
#                                      tests/fuzz; implies QEXP_SANITIZE=address,undefined when
#                                      no sanitizer is set.
# Both apply to the whole build directory, so the libraries a fuzz target links are instrumented
# too. Use a separate build directory (the `asan` preset, or scripts/fuzz.sh's build-fuzz).
set(QEXP_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for every target (empty: none)")
option(QEXP_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (needs Clang)" OFF)

if(QEXP_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "QEXP_BUILD_FUZZERS needs Clang (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 (scripts/install-deps.sh --fuzz)")
  endif()
  if(QEXP_SANITIZE STREQUAL "")
    set(QEXP_SANITIZE "address,undefined" CACHE STRING "" FORCE)
  endif()
endif()

if(NOT QEXP_SANITIZE STREQUAL "")
  set(qexp_san_flags -fsanitize=${QEXP_SANITIZE} -fno-omit-frame-pointer)
  if(QEXP_SANITIZE MATCHES "undefined")
    list(APPEND qexp_san_flags -fno-sanitize-recover=undefined)
  endif()
  if(QEXP_BUILD_FUZZERS)
    # Coverage feedback for the libraries, without libFuzzer's main (each fuzz target adds it).
    list(APPEND qexp_san_flags -fsanitize=fuzzer-no-link)
  endif()
  # GCC's flow analysis sees through less under the sanitizers and then reports
  # -Wmaybe-uninitialized inside libstdc++ (std::regex's NFA states, std::function); not actionable.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND qexp_san_flags -Wno-maybe-uninitialized)
  endif()
  add_compile_options(${qexp_san_flags})
  add_link_options(-fsanitize=${QEXP_SANITIZE})
  message(STATUS "qexp: sanitizers ${QEXP_SANITIZE} on every target")
endif()
