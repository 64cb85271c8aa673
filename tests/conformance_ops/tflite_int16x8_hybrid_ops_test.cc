// Per-op conformance of qexp's int16x8 kernels (int16 activations, int8 weights, int64 bias) and
// hybrid dynamic-range kernels (float activations quantized per batch on the fly, int8
// weights) with TensorFlow Lite 2.12 (tools/tflite_ref): bit-exact, int16 outputs compared as
// integers and float outputs bit for bit. XNNPACK takes none of these ops, so both profiles
// equal the builtin kernels.

#include <gtest/gtest.h>

#include "framework/interpreter/interpreter.h"
#include "tests/conformance_ops/conformance_fixture.h"

namespace qexp::conformance {
namespace {

using ir::OpType;

// The whole family must run on this TFLite build; if it ever stops running int16x8 ops, the
// test says so instead of comparing nothing.
void expect_int16_family_exact(const FamilyResult& r) {
  if (!r.rejected.empty() && r.rejected.size() == static_cast<size_t>(r.cases)) {
    GTEST_SKIP() << "this TFLite build does not run the int16x8 op: " << r.rejected.front();
  }
  TfliteOps::expect_builtin_exact(r);
  TfliteOps::expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, Conv2dInt16x8MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(int16x8_cases(OpType::kConv2D, 1301, 24)));
}

TEST_F(TfliteOps, DepthwiseInt16x8MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(int16x8_cases(OpType::kDepthwiseConv2D, 1302, 24)));
}

TEST_F(TfliteOps, FullyConnectedInt16x8MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(int16x8_cases(OpType::kFullyConnected, 1303, 24)));
}

TEST_F(TfliteOps, AveragePool2dInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(
      run_family(pool_cases(OpType::kAveragePool2D, DType::kInt16, 1306, 24)));
}

TEST_F(TfliteOps, MaxPool2dInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(pool_cases(OpType::kMaxPool2D, DType::kInt16, 1307, 24)));
}

TEST_F(TfliteOps, ConcatenationInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(concatenation_cases(DType::kInt16, 1308, 16, false)));
}

TEST_F(TfliteOps, PadInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(pad_cases(DType::kInt16, 1309, 16)));
}

TEST_F(TfliteOps, AddInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(int16_cases(OpType::kAdd, 1304, 24)));
}

TEST_F(TfliteOps, SoftmaxInt16MatchesTfliteBitExact) {
  expect_int16_family_exact(run_family(int16_cases(OpType::kSoftmax, 1305, 24)));
}

// Per-channel weights with differing scales: asymmetric per-batch input quantization.
TEST_F(TfliteOps, Conv2dHybridPerChannelMatchesTfliteBitExact) {
  const FamilyResult r = run_family(hybrid_cases(OpType::kConv2D, 1401, 24, true));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// One weight scale: TFLite's other hybrid path, symmetric per-batch input quantization.
TEST_F(TfliteOps, Conv2dHybridPerTensorMatchesTfliteBitExact) {
  const FamilyResult r = run_family(hybrid_cases(OpType::kConv2D, 1402, 24, false));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// TFLite requires per-channel scales here (with one scale it reads past the scale array, so
// there is nothing to compare per-tensor weights with; qexp broadcasts the one scale).
TEST_F(TfliteOps, DepthwiseHybridPerChannelMatchesTfliteBitExact) {
  const FamilyResult r = run_family(hybrid_cases(OpType::kDepthwiseConv2D, 1403, 24, true));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

TEST_F(TfliteOps, FullyConnectedHybridMatchesTfliteBitExact) {
  const FamilyResult r = run_family(hybrid_cases(OpType::kFullyConnected, 1404, 24, false));
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
}

// TFLite 2.12 rejects hybrid FULLY_CONNECTED with per-channel weights; so does qexp, with a
// message naming the weights.
TEST_F(TfliteOps, FullyConnectedHybridPerChannelIsRejectedLikeTflite) {
  auto cases = hybrid_cases(OpType::kFullyConnected, 1405, 8, true);
  const FamilyResult r = run_family(cases);
  int both_rejected = 0;
  for (const OpCase& c : cases) {
    const ir::Tensor& w = c.graph.tensors[static_cast<size_t>(c.graph.ops[0].inputs[1])];
    if (w.quant.scale.size() < 2) continue;  // one unit: per-channel is per-tensor
    auto out = run_qexp(c, interp::RoundingProfile::kTfliteBuiltin);
    ASSERT_FALSE(out.ok()) << c.name;
    EXPECT_NE(out.status().message().find("per-channel"), std::string::npos)
        << out.status().message();
    ++both_rejected;
  }
  EXPECT_GT(both_rejected, 0);
  EXPECT_EQ(r.rejected.size(), static_cast<size_t>(both_rejected)) << summary(r);
}

}  // namespace
}  // namespace qexp::conformance
