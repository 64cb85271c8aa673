#include "framework/ir/verifier.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/ir/test_graphs.h"

namespace qexp::ir {
namespace {

std::string verify_message(const Graph& g) {
  Status s = verify(g);
  return s.ok() ? "ok" : s.message();
}

TEST(Verifier, AcceptsAWellFormedGraph) { EXPECT_EQ(verify_message(testing::conv_relu_graph()), "ok"); }

TEST(Verifier, RejectsTensorIndexPastTheEndAndNegative) {
  Graph g = testing::conv_relu_graph();
  g.ops[1].inputs[0] = 99;
  EXPECT_EQ(verify_message(g),
            "op 1 'relu' (RELU6): input 0 refers to tensor 99, outside [0, 5)");
  g.ops[1].inputs[0] = -1;  // not optional for RELU6
  EXPECT_EQ(verify_message(g),
            "op 1 'relu' (RELU6): input 0 refers to tensor -1, outside [0, 5)");
}

TEST(Verifier, AllowsAbsentOptionalBias) {
  Graph g = testing::conv_relu_graph();
  g.ops[0].inputs[2] = -1;
  EXPECT_EQ(verify_message(g), "ok");
}

TEST(Verifier, RejectsWrongArity) {
  Graph g = testing::conv_relu_graph();
  g.ops[1].inputs.push_back(0);
  EXPECT_EQ(verify_message(g), "op 1 'relu' (RELU6): has 2 inputs, expected 1");
}

TEST(Verifier, RejectsCyclesAndWrongOrder) {
  Graph g = testing::conv_relu_graph();
  std::swap(g.ops[0], g.ops[1]);
  EXPECT_EQ(verify_message(g),
            "op 0 'relu' (RELU6): input 0 tensor 3 'conv/out' is produced later, by op 1 (cycle "
            "or wrong order)");
  Graph c = testing::conv_relu_graph();
  c.ops[0].inputs[0] = c.find_tensor("relu");  // conv reads relu's output: a cycle
  EXPECT_EQ(verify_message(c),
            "op 0 'conv' (CONV_2D): input 0 tensor 4 'relu' is produced later, by op 1 (cycle "
            "or wrong order)");
  Graph self = testing::conv_relu_graph();
  self.ops[1].inputs[0] = self.ops[1].outputs[0];  // relu reads its own output
  EXPECT_EQ(verify_message(self),
            "op 1 'relu' (RELU6): input 0 tensor 4 'relu' is the op's own output (cycle)");
  Graph orphan = testing::conv_relu_graph();
  orphan.ops[1].inputs[0] = orphan.add_tensor("nobody_writes_me", DType::kFloat32, Shape{1});
  EXPECT_EQ(verify_message(orphan),
            "op 1 'relu' (RELU6): input 0 tensor 5 'nobody_writes_me' is never produced before it "
            "is used");
}

TEST(Verifier, RejectsConstantBufferOfWrongSize) {
  Graph g = testing::conv_relu_graph();
  g.tensors[1].data = std::make_shared<const std::vector<uint8_t>>(100);
  EXPECT_EQ(verify_message(g),
            "tensor 1 'conv/weights': constant has 100 bytes, shape [4,3,3,3] float32 needs 432");
}

TEST(Verifier, RejectsShapeOverflow) {
  Graph g = testing::conv_relu_graph();
  g.tensors[3].shape = Shape{int64_t{1} << 40, int64_t{1} << 40};
  EXPECT_NE(verify_message(g).find("overflows 64 bits"), std::string::npos);
}

TEST(Verifier, RejectsBadQuantizationParameters) {
  Graph g = testing::conv_relu_graph();
  QuantParams& q = g.tensors[1].quant;
  q.scale = {0.1f, 0.2f, 0.3f};
  q.zero_point = {0, 0, 0};
  q.quantized_dimension = 0;
  EXPECT_EQ(verify_message(g),
            "tensor 1 'conv/weights': 3 per-axis scales but dimension 0 of shape [4,3,3,3] has 4");
  q.scale = {0.1f, 0.2f, 0.3f, 0.4f};
  q.zero_point = {0, 0, 0, 0};
  q.quantized_dimension = 4;
  EXPECT_EQ(verify_message(g),
            "tensor 1 'conv/weights': quantized_dimension 4 is outside the rank 4 of shape "
            "[4,3,3,3]");
  q.quantized_dimension = 0;
  q.scale[2] = 0.0f;
  EXPECT_EQ(verify_message(g),
            "tensor 1 'conv/weights': scale[2] = 0, expected a finite value > 0");
  q.scale[2] = std::nanf("");
  EXPECT_EQ(verify_message(g),
            "tensor 1 'conv/weights': scale[2] = nan, expected a finite value > 0");
  q.scale[2] = -1.0f;
  EXPECT_NE(verify_message(g).find("scale[2] = -1"), std::string::npos);
  q.scale[2] = 0.3f;
  q.zero_point.pop_back();
  EXPECT_EQ(verify_message(g), "tensor 1 'conv/weights': 4 scales but 3 zero points");
}

TEST(Verifier, RejectsOutputShapeThatDisagreesWithTheOp) {
  Graph g = testing::conv_relu_graph();
  g.tensors[3].shape = Shape{1, 8, 8, 4};
  EXPECT_EQ(verify_message(g),
            "op 0 'conv' (CONV_2D): output tensor 3 'conv/out' has shape [1,8,8,4], the op "
            "computes [1,4,4,4]");
}

TEST(Verifier, RejectsTensorProducedTwice) {
  Graph g = testing::conv_relu_graph();
  g.ops[1].outputs[0] = 3;
  EXPECT_EQ(verify_message(g),
            "op 1 'relu' (RELU6): output tensor 3 'conv/out' is a constant, a graph input or "
            "already produced");
}

}  // namespace
}  // namespace qexp::ir
