// Fuzz target: TFLite import (size / identifier, flatbuffers verifier, semantic checks,
// ir::verify) → ir::verify again → Interpreter::create (kernel Prepare, arena plan) → one invoke
// on deterministic inputs. Any input must end in a Status; a crash, sanitizer report or hang is a
// finding. Graphs with more than kMaxElements tensor elements in total are imported and verified
// but not run, so one execution stays in the millisecond range.

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "framework/importers/tflite/tflite_importer.h"
#include "framework/interpreter/interpreter.h"
#include "framework/ir/verifier.h"

namespace {

constexpr int64_t kMaxElements = 1000000;

bool small_enough(const qexp::ir::Graph& graph) {
  int64_t total = 0;
  for (const auto& t : graph.tensors) {
    auto n = t.shape.checked_num_elements();
    if (!n.ok() || *n > kMaxElements) return false;
    total += *n;
    if (total > kMaxElements) return false;
  }
  return true;
}

void run_once(std::shared_ptr<const qexp::ir::Graph> graph) {
  auto interp = qexp::interp::Interpreter::create(std::move(graph));
  if (!interp.ok()) return;
  qexp::interp::Interpreter& in = **interp;
  for (int i = 0; i < in.num_inputs(); ++i) {
    qexp::TensorView v = in.input(i);
    // A fixed non-zero pattern: reaches divisions, logs and saturation differently than zeros.
    auto* bytes = static_cast<uint8_t*>(v.raw());
    for (size_t b = 0; b < v.byte_size(); ++b) bytes[b] = static_cast<uint8_t>(b * 37 + 11);
  }
  (void)in.invoke();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto graph = qexp::tflite::import_tflite_buffer(std::span<const uint8_t>(data, size), "fuzz");
  if (!graph.ok()) return 0;
  if (!qexp::ir::verify(*graph).ok()) __builtin_trap();  // import promises a verified graph
  if (!small_enough(*graph)) return 0;
  run_once(std::make_shared<const qexp::ir::Graph>(std::move(graph).value()));
  return 0;
}
