#pragma once
/// qexp's version, the git revision it was built from and its dependencies' versions (for
/// every report).

#include <map>
#include <string>

namespace qexp::cli {

/// "0.1.0"
const char* version_string();
/// Git revision of the build (`git describe --always --dirty`, refreshed on every build),
/// "unknown" outside git.
const char* git_revision();
/// {"compiler", "GNU 12.2.0"}, {"opencv", "4.6.0"}, {"protobuf", …}, {"flatbuffers", …},
/// {"yaml_cpp", …}: the versions found when qexp was configured.
std::map<std::string, std::string> dependency_versions();

}  // namespace qexp::cli
