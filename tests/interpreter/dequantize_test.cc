// DEQUANTIZE: float16 and per-tensor / per-axis integer inputs.

#include <gtest/gtest.h>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_op;
using testing::to_bytes;

// A graph DEQUANTIZE(constant) → float output, the way partially quantized files hold weights.
template <typename T>
ir::Graph dequantize_graph(DType dtype, Shape shape, const std::vector<T>& values,
                           ir::QuantParams quant) {
  ir::Graph g;
  ir::Tensor t;
  t.name = "q";
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  t.data = std::make_shared<const std::vector<uint8_t>>(to_bytes(values));
  int q = g.add_tensor(std::move(t));
  g.outputs = {add_op(g, ir::OpType::kDequantize, "deq1", {q}, ir::NoOptions{})};
  return g;
}

ir::QuantParams per_tensor(float scale, int64_t zero_point) {
  ir::QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

std::vector<float> run(const ir::Graph& g) {
  auto r = testing::run_float(g, {});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? (*r)[0].values : std::vector<float>{};
}

TEST(DequantizeFloat16, ConvertsHalfBitsExactly) {
  std::vector<uint16_t> bits = {0x3C00, 0xC000, 0x3555, 0x0001};
  auto out = run(dequantize_graph(DType::kFloat16, Shape{4}, bits, {}));
  EXPECT_EQ(out, (std::vector<float>{1.0f, -2.0f, 0.333251953125f, 5.9604645e-8f}));
}

TEST(DequantizeInt8, SubtractsZeroPointThenScales) {
  std::vector<int8_t> q = {-1, 0, 3, -128, 127};
  auto out = run(dequantize_graph(DType::kInt8, Shape{5}, q, per_tensor(0.5f, -1)));
  EXPECT_EQ(out, (std::vector<float>{0, 0.5f, 2, -63.5f, 64}));
}

TEST(DequantizeUInt8, UsesAsymmetricZeroPoint) {
  std::vector<uint8_t> q = {128, 255, 0};
  auto out = run(dequantize_graph(DType::kUInt8, Shape{3}, q, per_tensor(0.25f, 128)));
  EXPECT_EQ(out, (std::vector<float>{0, 31.75f, -32}));
}

TEST(DequantizeInt16, ScalesSymmetricValues) {
  std::vector<int16_t> q = {-32768, 1, 32767};
  auto out = run(dequantize_graph(DType::kInt16, Shape{3}, q, per_tensor(1.0f / 1024, 0)));
  EXPECT_EQ(out, (std::vector<float>{-32, 1.0f / 1024, 32767.0f / 1024}));
}

TEST(DequantizeInt8, PerAxisUsesEachSlicesScaleAndZeroPoint) {
  ir::QuantParams q;
  q.scale = {1.0f, 0.5f, 2.0f};
  q.zero_point = {0, 2, -1};
  q.quantized_dimension = 1;
  // Shape [2,3]: column c uses scale[c], zero_point[c].
  std::vector<int8_t> v = {1, 2, 3, 4, 6, -1};
  auto out = run(dequantize_graph(DType::kInt8, Shape{2, 3}, v, q));
  EXPECT_EQ(out, (std::vector<float>{1, 0, 8, 4, 2, 0}));
}

TEST(DequantizeInt8, RejectsATensorWithoutQuantizationParameters) {
  std::vector<int8_t> v = {1};
  EXPECT_EQ(testing::create_error(dequantize_graph(DType::kInt8, Shape{1}, v, {})),
            "op 'deq1' (DEQUANTIZE): input (input 0) is int8 without quantization parameters");
}

TEST(DequantizeInt8, RejectsAZeroPointOutsideTheStorageRange) {
  std::vector<int8_t> v = {1};
  EXPECT_EQ(testing::create_error(dequantize_graph(DType::kInt8, Shape{1}, v, per_tensor(1, 300))),
            "op 'deq1' (DEQUANTIZE): zero_point[0] = 300 is outside the int8 range [-128, 127]");
}

}  // namespace
}  // namespace qexp::interp
