// Fuzz target: the YAML experiment config parser (experiment::parse_config: size limit, alias-bomb
// node limit, strict typed parsing, grid expansion), then to_yaml / to_json of an accepted config.
// The input is the config text; parse_config never touches the file system.

#include <cstdint>
#include <string>
#include <string_view>

#include "framework/experiment/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = qexp::exp::parse_config(text, "/nonexistent/fuzz/config.yaml");
  if (!config.ok()) return 0;
  (void)qexp::exp::to_yaml(*config);
  (void)qexp::exp::to_json(*config);
  return 0;
}
