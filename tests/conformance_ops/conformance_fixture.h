#pragma once
// The gtest fixture of the per-op conformance tests: skip without node, fail without the npm
// package, and run a family of cases on TFLite (XNNPACK off and on, one node process) and on
// qexp (tflite_builtin and xnnpack profiles), collecting element-wise agreement.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/conformance_ops/op_cases.h"
#include "tests/conformance_ops/tflite_ref.h"

namespace qexp::conformance {

/// Agreement of one family.
struct FamilyResult {
  int cases = 0;
  std::vector<std::string> rejected;  ///< cases TFLite refused to load or run (with XNNPACK off)
  int64_t elements = 0;
  /// qexp (tflite_builtin profile) vs TFLite builtin kernels.
  int64_t builtin_mismatches = 0;
  double builtin_max_abs = 0;
  /// qexp (xnnpack profile) vs TFLite with XNNPACK.
  int64_t xnnpack_mismatches = 0;
  double xnnpack_max_abs = 0;
  /// Cases left out of the xnnpack comparison (OpCase::xnnpack_defect), with what they gave.
  std::vector<std::string> xnnpack_defects;
  double xnnpack_defect_max_abs = 0;  ///< largest |qexp − TFLite+XNNPACK| in those cases
  /// TFLite builtin vs TFLite with XNNPACK (where the two runtimes disagree).
  int64_t runtime_mismatches = 0;
  double runtime_max_abs = 0;
  std::vector<std::string> failures;  ///< one line per case that disagrees, for messages
  /// TFLite's outputs per case with XNNPACK off / on (empty when rejected), for extra checks.
  std::vector<std::vector<std::vector<uint8_t>>> builtin_outputs, xnnpack_outputs;
};

class TfliteOps : public ::testing::Test {
 public:
  /// Expects qexp's tflite_builtin profile to equal TFLite's builtin kernels bit for bit.
  static void expect_builtin_exact(const FamilyResult& r);
  /// Expects qexp's xnnpack profile to equal TFLite with XNNPACK bit for bit.
  static void expect_xnnpack_exact(const FamilyResult& r);
  /// Elements of output 0 where `alternative(case)` differs from TFLite's output (builtin when
  /// !xnnpack), summed over the accepted cases (and those without an XNNPACK defect).
  template <typename Alternative>
  static int64_t mismatches_of(const std::vector<OpCase>& cases, const FamilyResult& r,
                               bool xnnpack, Alternative alternative) {
    int64_t n = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      const auto& ref = xnnpack ? r.xnnpack_outputs[i] : r.builtin_outputs[i];
      if (ref.empty() || (xnnpack && !cases[i].xnnpack_defect.empty())) continue;
      const std::vector<uint8_t> alt = alternative(cases[i]);
      for (size_t k = 0; k < alt.size() && k < ref[0].size(); ++k) n += alt[k] != ref[0][k];
    }
    return n;
  }

  /// One-line summary: "48 cases, 9321 elements: builtin 0, xnnpack 0, builtin vs xnnpack 12".
  static std::string summary(const FamilyResult& r);

 protected:
  void SetUp() override;
  /// Runs `cases` everywhere; fails the test on harness errors and on qexp errors.
  FamilyResult run_family(const std::vector<OpCase>& cases);

  std::string dir_;
};

}  // namespace qexp::conformance
