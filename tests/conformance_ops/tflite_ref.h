#pragma once
// Per-op conformance harness: one-op models are exported with qexp's TFLite exporter, run on the
// real TFLite interpreter (tools/tflite_ref/run_tflite.js --batch: one node process for a whole
// family of cases, XNNPACK off and on) and on qexp's interpreter in-process, and compared element
// by element.

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/interpreter/kernels/rounding.h"
#include "framework/ir/graph.h"

namespace qexp::conformance {

/// One single-op model and its inputs (raw little-endian bytes, one vector per graph input).
struct OpCase {
  std::string name;  ///< describes the parameters, e.g. "conv k3x3 s2 SAME RELU6 c7→5"
  ir::Graph graph;
  std::vector<std::vector<uint8_t>> inputs;
  /// Non-empty when TFLite+XNNPACK is known to compute this case differently for a reason
  /// other than arithmetic (a defect of that build): the case is left out of the xnnpack
  /// comparison, and the note says why.
  std::string xnnpack_defect;
};

/// TFLite's outputs of one case in one mode, or the error TFLite reported.
struct RefResult {
  bool ok = false;
  std::string error;
  std::vector<std::vector<uint8_t>> outputs;
};

enum class RefStatus { kAvailable, kNoNode, kNoPackage };

/// Whether node and the npm package of tools/tflite_ref are installed.
RefStatus reference_status();

/// Exports `cases` into `dir`, runs all of them on TFLite with XNNPACK off and on in one node
/// process, and returns results[case][0 = off, 1 = on]. Errors: export failures, a node process
/// that could not run the batch at all (cases TFLite rejects are results with ok = false).
Result<std::vector<std::vector<RefResult>>> run_tflite(const std::vector<OpCase>& cases,
                                                       const std::string& dir);

/// qexp's outputs of `c` under `profile` (raw bytes per graph output).
Result<std::vector<std::vector<uint8_t>>> run_qexp(const OpCase& c,
                                                   interp::RoundingProfile profile);

/// Element-wise comparison of two sets of outputs of `graph`.
struct Diff {
  int64_t elements = 0;
  int64_t mismatches = 0;
  double max_abs = 0;  ///< largest |a − b| (in LSB for integer outputs)
  std::string first;   ///< "output 0 [17]: 12 vs 13" for the first mismatch
};
Diff compare(const ir::Graph& graph, const std::vector<std::vector<uint8_t>>& a,
             const std::vector<std::vector<uint8_t>>& b);

/// A directory for this test's files under the build tree (created, emptied first).
std::string test_dir(const std::string& name);

}  // namespace qexp::conformance
