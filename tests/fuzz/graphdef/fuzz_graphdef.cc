// Fuzz target: TensorFlow GraphDef import (protobuf parse, node mapping, output inference) with
// default options → the default conversion pipeline (passes::default_conversion_pipeline, with
// verify_each so every pass result is verified) → ir::verify. Any input must end in a Status.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "framework/importers/tf/graphdef_importer.h"
#include "framework/ir/verifier.h"
#include "framework/passes/pass_manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto graph = qexp::tf::import_graphdef_buffer(std::span<const uint8_t>(data, size), "fuzz.pb");
  if (!graph.ok()) return 0;
  qexp::passes::PassManagerOptions options;
  options.verify_each = true;
  qexp::passes::PassManager manager(options);
  const std::vector<std::string> names = qexp::passes::default_conversion_pipeline();
  if (!manager.add_all(names).ok()) __builtin_trap();  // the built-in pipeline must exist
  qexp::passes::PassContext context;
  if (!manager.run(*graph, context).ok()) return 0;
  (void)qexp::ir::verify(*graph);
  return 0;
}
