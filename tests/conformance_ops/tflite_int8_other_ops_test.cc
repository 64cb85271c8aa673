// Per-op conformance of qexp's int8 pooling, ADD, MUL, SOFTMAX, LOGISTIC, TANH, CONCATENATION,
// PAD and MEAN kernels with TensorFlow Lite 2.12 (tools/tflite_ref), bit-exact with the builtin
// kernels (default profile) and with TFLite+XNNPACK (xnnpack profile). ADD and MUL cases include
// power-of-two scales (exact ties); pooling includes negative window sums (the average rounds
// ties away from zero).

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"
#include "framework/ir/shape_inference.h"
#include "framework/quantization/quantize_graph.h"
#include "tests/conformance_ops/conformance_fixture.h"
#include "tests/conformance_ops/op_cases.h"

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

// Float CONCATENATION graphs whose inputs were calibrated to different ranges, quantized by
// qexp's quantizer with int8 I/O: it must give every concat input the output's parameters
// (inserting integer → integer QUANTIZE ops, as TFLite's converter does), so TFLite accepts the
// model and matches qexp bit for bit.
std::vector<OpCase> quantized_concatenation_cases(uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const int rank = r.uniform(1, 4), axis = r.uniform(0, rank - 1), inputs = r.uniform(2, 4);
    std::vector<int64_t> dims;
    for (int d = 0; d < rank; ++d) dims.push_back(r.uniform(1, 4));
    ir::Graph g;
    g.name = "concat";
    std::vector<int> ins;
    quant::RangeMap ranges;
    float lo = 0.0f, hi = 0.0f;
    for (int k = 0; k < inputs; ++k) {
      std::vector<int64_t> d = dims;
      d[static_cast<size_t>(axis)] = r.uniform(1, 4);
      const std::string name = str_cat("x", k);
      ins.push_back(g.add_tensor(name, DType::kFloat32, Shape(d)));
      ranges[name] = {-r.log_uniform(0.1, 4.0), r.log_uniform(0.1, 4.0)};
      lo = std::min(lo, ranges[name].min);
      hi = std::max(hi, ranges[name].max);
    }
    if (i % 2 == 0) {  // x0 needs no requantization, x1 (inside the union) does
      ranges["x0"] = {lo, hi};
      ranges["x1"] = {lo / 2, hi / 2};
    }
    ranges["y"] = {lo, hi};
    const int y = g.add_tensor("y", DType::kFloat32, Shape{});
    ir::Op& op = g.add_op(ir::OpType::kConcatenation, "y", ins, {y},
                          ir::ConcatenationOptions{axis});  // TFLite: no fused activation
    g.tensors[static_cast<size_t>(y)].shape = (*ir::infer_output_shapes(g, op))[0];
    g.inputs = ins;
    g.outputs = {y};
    quant::QuantizeOptions o;
    o.io_type = quant::IoType::kInt8;
    auto q = quant::quantize_graph(g, ranges, o);
    QEXP_CHECK_MSG(q.ok(), q.status().message());
    OpCase c;
    c.name = str_cat("quantized concatenation rank ", rank, " axis ", axis, " of ", inputs);
    c.graph = std::move(*q);
    for (int t : c.graph.inputs) {
      c.inputs.push_back(
          r.int8_bytes(c.graph.tensors[static_cast<size_t>(t)].shape.num_elements(), -128, 127));
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST_F(TfliteOps, QuantizerMakesConcatenationInputsShareTheOutputParamsSoTfliteMatches) {
  const auto cases = quantized_concatenation_cases(703, 12);
  for (const OpCase& c : cases) {
    int requantized = 0;
    for (const ir::Op& op : c.graph.ops) requantized += op.type == OpType::kQuantize;
    // Even cases have one input calibrated to the output's range: it is used as is.
    EXPECT_GE(requantized, 1) << c.name;
    const ir::Op& concat = c.graph.ops.back();
    ASSERT_EQ(concat.type, OpType::kConcatenation) << c.name;
    const ir::QuantParams& out_q = c.graph.tensors[static_cast<size_t>(concat.outputs[0])].quant;
    for (int t : concat.inputs) {
      EXPECT_EQ(c.graph.tensors[static_cast<size_t>(t)].quant, out_q) << c.name;
    }
  }
  const FamilyResult r = run_family(cases);
  EXPECT_TRUE(r.rejected.empty()) << summary(r);
  expect_builtin_exact(r);
  expect_xnnpack_exact(r);
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
