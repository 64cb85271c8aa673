// Per-op conformance of QUANTIZE (float → int8 / uint8 / int16 and integer requantization) and
// DEQUANTIZE with TensorFlow Lite 2.12 (tools/tflite_ref), including exact .5 ties, near-ties
// (k + 0.5)·s at arbitrary scales and the tie list QUANTIZATION.md §2 quotes.

#include <gtest/gtest.h>

#include <cstring>

#include "tests/conformance_ops/conformance_fixture.h"

namespace qexp::conformance {
namespace {

// The builtin kernel divides in double and rounds half away from zero: -23.5 → -24 (not the
// -23 QUANTIZATION.md §2 states), -2.5 → -3, 0.5 → 1. XNNPACK multiplies by a float reciprocal
// and rounds half to even. Both are pinned by the first case (scale 1, zero point 0).
TEST_F(TfliteOps, QuantizeFloatToInt8TiesMatchTfliteInBothProfiles) {
  const auto cases = quantize_float_cases(DType::kInt8, 1001, 30);
  const FamilyResult r = run_family(cases);
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_GT(r.runtime_mismatches, 0) << summary(r);
  // Case 0 ends with the ties -23.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 23.5 at scale 1.
  ASSERT_FALSE(r.builtin_outputs[0].empty());
  const std::vector<uint8_t>& off = r.builtin_outputs[0][0];
  const std::vector<uint8_t>& on = r.xnnpack_outputs[0][0];
  auto last8 = [](const std::vector<uint8_t>& v) {
    std::vector<int> out;
    for (size_t k = v.size() - 8; k < v.size(); ++k) out.push_back(static_cast<int8_t>(v[k]));
    return out;
  };
  EXPECT_EQ(last8(off), (std::vector<int>{-24, -3, -2, -1, 1, 2, 3, 24}));
  EXPECT_EQ(last8(on), (std::vector<int>{-24, -2, -2, 0, 0, 2, 2, 24}));
}

TEST_F(TfliteOps, QuantizeFloatToUint8MatchesTfliteInBothProfiles) {
  const FamilyResult r = run_family(quantize_float_cases(DType::kUInt8, 1002, 15));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// XNNPACK does not take float → int16: both runtimes and both profiles round like the builtin.
TEST_F(TfliteOps, QuantizeFloatToInt16MatchesTfliteInBothProfiles) {
  const FamilyResult r = run_family(quantize_float_cases(DType::kInt16, 1003, 15));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_EQ(r.runtime_mismatches, 0);
}

// Builtin: double rounding of s_in/s_out; XNNPACK: an 8-bit fixed-point multiplier.
TEST_F(TfliteOps, RequantizeInt8ToInt8MatchesTfliteInBothProfiles) {
  const FamilyResult r = run_family(requantize_cases(DType::kInt8, DType::kInt8, 1101, 24));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_GT(r.runtime_mismatches, 0) << summary(r);
}

TEST_F(TfliteOps, RequantizeBetweenInt8Uint8AndInt16MatchesTflite) {
  const std::pair<DType, DType> pairs[] = {{DType::kUInt8, DType::kInt8},
                                           {DType::kInt8, DType::kUInt8},
                                           {DType::kInt16, DType::kInt16},
                                           {DType::kInt16, DType::kInt8}};
  uint32_t seed = 1102;
  for (const auto& [in, out] : pairs) {
    SCOPED_TRACE(std::string(dtype_name(in)) + " → " + std::string(dtype_name(out)));
    const FamilyResult r = run_family(requantize_cases(in, out, seed++, 9));
    expect_builtin_exact(r);
    expect_xnnpack_exact(r);
  }
}

TEST_F(TfliteOps, DequantizeMatchesTfliteBitExact) {
  uint32_t seed = 1201;
  for (DType t : {DType::kInt8, DType::kUInt8, DType::kInt16}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const FamilyResult r = run_family(dequantize_cases(t, seed++, 8));
    expect_builtin_exact(r);
    expect_xnnpack_exact(r);
  }
}

}  // namespace
}  // namespace qexp::conformance
