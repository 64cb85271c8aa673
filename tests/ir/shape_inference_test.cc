#include "framework/ir/shape_inference.h"

#include <gtest/gtest.h>

#include "tests/ir/test_graphs.h"

namespace qexp::ir {
namespace {

TEST(ConvOutputSize, SameAndValidMatchTflite) {
  EXPECT_EQ(conv_output_size(Padding::kSame, 224, 3, 2, 1), 112);
  EXPECT_EQ(conv_output_size(Padding::kSame, 7, 3, 2, 1), 4);
  EXPECT_EQ(conv_output_size(Padding::kValid, 7, 3, 2, 1), 3);
  EXPECT_EQ(conv_output_size(Padding::kValid, 7, 7, 1, 1), 1);
  EXPECT_EQ(conv_output_size(Padding::kValid, 5, 3, 1, 2), 1);  // dilated: effective 5
  EXPECT_EQ(conv_output_size(Padding::kValid, 2, 3, 1, 1), -1);
  EXPECT_EQ(conv_output_size(Padding::kSame, 8, 3, 0, 1), -1);
}

TEST(ConvPadding, ExtraPaddingGoesAfter) {
  // in 8, filter 3, stride 2 → out 4, total pad = 3*2+3-8 = 1 → before 0.
  EXPECT_EQ(conv_padding_before(Padding::kSame, 8, 3, 2, 1, 4), 0);
  // in 7, filter 3, stride 1 → out 7, total pad 2 → before 1.
  EXPECT_EQ(conv_padding_before(Padding::kSame, 7, 3, 1, 1, 7), 1);
  EXPECT_EQ(conv_padding_before(Padding::kValid, 7, 3, 1, 1, 5), 0);
}

TEST(BroadcastShapes, NumpyRules) {
  EXPECT_EQ(*broadcast_shapes(Shape{1, 4, 4, 8}, Shape{8}), (Shape{1, 4, 4, 8}));
  EXPECT_EQ(*broadcast_shapes(Shape{2, 1}, Shape{1, 3}), (Shape{2, 3}));
  EXPECT_FALSE(broadcast_shapes(Shape{2, 3}, Shape{4}).ok());
}

TEST(InferShapes, ConvGraph) {
  Graph g = testing::conv_relu_graph();
  for (auto& t : g.tensors) {
    if (!t.is_const() && t.name != "input") t.shape = Shape{};
  }
  ASSERT_TRUE(infer_shapes(g).ok());
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.find_tensor("relu"))].shape, (Shape{1, 4, 4, 4}));
}

TEST(InferShapes, ReshapeWithWildcardAndSqueezeAndMean) {
  Graph g;
  int in = g.add_tensor("x", DType::kFloat32, Shape{1, 1, 1, 10});
  int s = testing::add_int32_const(g, "shape", {-1, 10});
  int r = g.add_tensor("r", DType::kFloat32, Shape{});
  g.add_op(OpType::kReshape, "reshape", {in, s}, {r}, ReshapeOptions{});
  int q = g.add_tensor("q", DType::kFloat32, Shape{});
  g.add_op(OpType::kSqueeze, "squeeze", {in}, {q}, SqueezeOptions{{1, 2}});
  int axes = testing::add_int32_const(g, "axes", {1, 2});
  int m = g.add_tensor("m", DType::kFloat32, Shape{});
  g.add_op(OpType::kMean, "mean", {in, axes}, {m}, ReducerOptions{true});
  ASSERT_TRUE(infer_shapes(g).ok());
  EXPECT_EQ(g.tensors[static_cast<size_t>(r)].shape, (Shape{1, 10}));
  EXPECT_EQ(g.tensors[static_cast<size_t>(q)].shape, (Shape{1, 10}));
  EXPECT_EQ(g.tensors[static_cast<size_t>(m)].shape, (Shape{1, 1, 1, 10}));
}

TEST(InferShapes, BadReshapeNamesTheOp) {
  Graph g;
  int in = g.add_tensor("x", DType::kFloat32, Shape{2, 5});
  int s = testing::add_int32_const(g, "shape", {3, 3});
  int r = g.add_tensor("r", DType::kFloat32, Shape{});
  g.add_op(OpType::kReshape, "bad_reshape", {in, s}, {r}, ReshapeOptions{});
  Status st = infer_shapes(g);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "op 'bad_reshape' (RESHAPE): cannot reshape [2,5] (10 elements) to [3,3] (9 elements)");
}

TEST(InferShapes, FullyConnectedFlattensLeadingDims) {
  Graph g;
  int in = g.add_tensor("x", DType::kFloat32, Shape{2, 3, 4});
  int w = testing::add_float_const(g, "w", Shape{5, 4});
  int o = g.add_tensor("o", DType::kFloat32, Shape{});
  g.add_op(OpType::kFullyConnected, "fc", {in, w, -1}, {o}, FullyConnectedOptions{});
  ASSERT_TRUE(infer_shapes(g).ok());
  EXPECT_EQ(g.tensors[static_cast<size_t>(o)].shape, (Shape{6, 5}));
  g.ops[0].opts<FullyConnectedOptions>().keep_num_dims = true;
  ASSERT_TRUE(infer_shapes(g).ok());
  EXPECT_EQ(g.tensors[static_cast<size_t>(o)].shape, (Shape{2, 3, 5}));
}

}  // namespace
}  // namespace qexp::ir
