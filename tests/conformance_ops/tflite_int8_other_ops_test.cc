// Per-op conformance of qexp's int8 pooling, ADD, MUL, SOFTMAX, LOGISTIC, TANH, CONCATENATION,
// PAD and MEAN kernels with TensorFlow Lite 2.12 (tools/tflite_ref), bit-exact with the builtin
// kernels (default profile) and with TFLite+XNNPACK (xnnpack profile). ADD and MUL cases include
// power-of-two scales (exact ties); pooling includes negative window sums (the average rounds
// ties away from zero).

#include <gtest/gtest.h>

#include "framework/interpreter/interpreter.h"
#include "tests/conformance_ops/conformance_fixture.h"

namespace qexp::conformance {
namespace {

using ir::OpType;

TEST_F(TfliteOps, AveragePool2dInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(pool_cases(OpType::kAveragePool2D, DType::kInt8, 401, 40));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, MaxPool2dInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(pool_cases(OpType::kMaxPool2D, DType::kInt8, 402, 40));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// Builtin: double rounding with 20 bits of headroom; XNNPACK: its integer add, which rounds some
// ties the other way (the runtimes disagree on a few elements).
TEST_F(TfliteOps, AddInt8MatchesTfliteBitExactInBothProfiles) {
  const FamilyResult r = run_family(binary_int8_cases(OpType::kAdd, 501, 48));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_GT(r.runtime_mismatches, 0) << summary(r);
  EXPECT_LE(r.runtime_max_abs, 1);
}

// Builtin: double rounding; XNNPACK: fp32 (ties to even).
TEST_F(TfliteOps, MulInt8MatchesTfliteBitExactInBothProfiles) {
  const FamilyResult r = run_family(binary_int8_cases(OpType::kMul, 502, 48));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_GT(r.runtime_mismatches, 0) << summary(r);
  EXPECT_LE(r.runtime_max_abs, 1);
}

TEST_F(TfliteOps, SoftmaxInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(activation_int8_cases(OpType::kSoftmax, 601, 40));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, LogisticInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(activation_int8_cases(OpType::kLogistic, 602, 24));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, TanhInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(activation_int8_cases(OpType::kTanh, 603, 24));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, ConcatenationInt8MatchesTfliteBitExact) {
  const FamilyResult r = run_family(concatenation_cases(DType::kInt8, 701, 24, false));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// TFLite 2.12's int8 kernel refuses inputs whose parameters differ from the output's (it only
// requantizes for uint8); qexp requantizes them instead, to within one LSB of the float result.
TEST_F(TfliteOps, ConcatenationInt8WithDifferentParamsIsRejectedByTfliteRequantizedByQexp) {
  const auto cases = concatenation_cases(DType::kInt8, 702, 6, true);
  const FamilyResult r = run_family(cases);
  EXPECT_EQ(r.rejected.size(), cases.size()) << summary(r);
  for (const OpCase& c : cases) {
    auto out = run_qexp(c, interp::RoundingProfile::kTfliteBuiltin);
    ASSERT_TRUE(out.ok()) << out.status().message();
    // The float concatenation of the dequantized inputs, requantized to the output, must be
    // within one LSB of qexp's result wherever it is representable.
    const ir::Graph& g = c.graph;
    const ir::Tensor& o = g.tensors[static_cast<size_t>(g.outputs[0])];
    const int rank = o.shape.rank();
    const int axis = (g.ops[0].opts<ir::ConcatenationOptions>().axis + rank) % rank;
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= o.shape[d];
    std::vector<float> reals;
    for (int64_t row = 0; row < outer; ++row) {
      for (size_t k = 0; k < c.inputs.size(); ++k) {
        const ir::Tensor& t = g.tensors[static_cast<size_t>(g.inputs[k])];
        const int64_t inner = t.shape.num_elements() / outer;
        for (int64_t e = 0; e < inner; ++e) {
          const auto q = static_cast<int8_t>(c.inputs[k][static_cast<size_t>(row * inner + e)]);
          reals.push_back(t.quant.scale[0] * static_cast<float>(q - t.quant.zero_point[0]));
        }
      }
    }
    ASSERT_EQ(reals.size(), (*out)[0].size()) << c.name;
    for (size_t k = 0; k < reals.size(); ++k) {
      const float want = reals[k] / o.quant.scale[0] + static_cast<float>(o.quant.zero_point[0]);
      if (want < -128.0f || want > 127.0f) continue;
      EXPECT_NEAR(static_cast<int8_t>((*out)[0][k]), want, 1.0f) << c.name << " [" << k << "]";
    }
  }
}

TEST_F(TfliteOps, PadInt8PadsWithTheZeroPointLikeTflite) {
  const FamilyResult r = run_family(pad_cases(DType::kInt8, 801, 24));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// MEAN has three integer paths in TFLite (4-D spatial with keep_dims, shared parameters,
// float rescale); XNNPACK takes 4-D means over [2] / [1, 2] as global average pooling (fp32).
TEST_F(TfliteOps, MeanInt8MatchesTfliteBitExactOnEveryPath) {
  const FamilyResult r = run_family(mean_int8_cases(901, 72));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
  EXPECT_GT(r.runtime_mismatches, 0) << summary(r);
}

}  // namespace
}  // namespace qexp::conformance
