#include "framework/ir/graph.h"

#include <gtest/gtest.h>

#include "framework/ir/dump.h"
#include "tests/ir/test_graphs.h"

namespace qexp::ir {
namespace {

TEST(OpInfo, TfliteCodesMatchTheBuiltinOperatorEnum) {
  EXPECT_EQ(op_info(OpType::kConv2D).tflite_code, 3);
  EXPECT_EQ(op_info(OpType::kDepthwiseConv2D).tflite_code, 4);
  EXPECT_EQ(op_info(OpType::kQuantize).tflite_code, 114);
  EXPECT_EQ(op_info(OpType::kBatchNorm).tflite_code, -1);
  EXPECT_EQ(op_type_from_tflite(9), OpType::kFullyConnected);
  EXPECT_EQ(op_type_from_tflite(-1), std::nullopt);
  EXPECT_EQ(parse_op_type("MEAN"), OpType::kMean);
}

TEST(OpInfo, DefaultOptionsHaveTheOpsAlternative) {
  for (OpType t : all_op_types()) {
    EXPECT_EQ(default_options(t).index(), op_info(t).options_index) << op_type_name(t);
  }
}

TEST(Graph, ProducerConsumersAndReplaceUses) {
  Graph g = testing::conv_relu_graph();
  int conv_out = g.find_tensor("conv/out");
  EXPECT_EQ(g.producer(conv_out), 0);
  EXPECT_EQ(g.consumers(conv_out), std::vector<int>{1});
  EXPECT_EQ(g.producer(g.find_tensor("input")), -1);
  int relu = g.find_tensor("relu");
  g.replace_uses(relu, conv_out);
  EXPECT_EQ(g.outputs, std::vector<int>{conv_out});
}

TEST(Graph, RemoveOpsAndUnusedTensorsRemapsIndices) {
  Graph g = testing::conv_relu_graph();
  int conv_out = g.find_tensor("conv/out");
  g.replace_uses(g.find_tensor("relu"), conv_out);
  g.remove_ops({false, true});
  EXPECT_EQ(g.remove_unused_tensors(), 1);
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.outputs[0])].name, "conv/out");
  EXPECT_EQ(g.ops[0].outputs[0], g.outputs[0]);
}

TEST(Graph, CopiesShareConstantBuffers) {
  Graph g = testing::conv_relu_graph();
  Graph copy = g;
  int w = g.find_tensor("conv/weights");
  EXPECT_EQ(g.tensors[static_cast<size_t>(w)].data.get(),
            copy.tensors[static_cast<size_t>(w)].data.get());
}

TEST(Dump, IsReadableAndStable) {
  Graph g = testing::conv_relu_graph();
  g.tensors[4].quant.scale = {0.5f};
  g.tensors[4].quant.zero_point = {-3};
  EXPECT_EQ(dump(g),
            "graph \"conv_relu\"\n"
            "  inputs: %0\n"
            "  outputs: %4\n"
            "tensors:\n"
            "  %0 \"input\" float32[1,8,8,3]\n"
            "  %1 \"conv/weights\" float32[4,3,3,3] const\n"
            "  %2 \"conv/bias\" float32[4] const\n"
            "  %3 \"conv/out\" float32[1,4,4,4]\n"
            "  %4 \"relu\" float32[1,4,4,4] q(scale=0.5 zp=-3)\n"
            "ops:\n"
            "  CONV_2D \"conv\" (%0, %1, %2) -> (%3) {padding=SAME stride=2x2 dilation=1x1 "
            "act=NONE}\n"
            "  RELU6 \"relu\" (%3) -> (%4)\n");
}

}  // namespace
}  // namespace qexp::ir
