#pragma once
/// qexp's version and the git revision it was built from (for every report).

namespace qexp::cli {

/// "0.1.0"
const char* version_string();
/// Git revision at configure time ("abc1234" or "abc1234-dirty"), "unknown" outside git.
const char* git_revision();

}  // namespace qexp::cli
