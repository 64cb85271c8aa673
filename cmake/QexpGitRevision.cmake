# Script mode (cmake -P): writes OUT (a C++ source defining qexp::cli::git_revision()) from
# `git describe --always --dirty` of SOURCE_DIR, touching OUT only when the text changes, so every
# build records the revision it was built from without recompiling anything when it did not move.
set(rev "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE rev
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR rev STREQUAL "")
    set(rev "unknown")
  endif()
endif()
set(text "// Generated at build time by cmake/QexpGitRevision.cmake.\n#include \"framework/cli/version.h\"\n\nnamespace qexp::cli {\nconst char* git_revision() { return \"${rev}\"; }\n}  // namespace qexp::cli\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
