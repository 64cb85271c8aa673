// Interpreter behaviour: kernel selection errors, inputs, the observer hook, arena planning,
// preserve_all_tensors and determinism.

#include "framework/interpreter/interpreter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "framework/interpreter/kernel_registry.h"
#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_op;
using testing::create_error;
using testing::to_bytes;

std::unique_ptr<Interpreter> make(const ir::Graph& g, const InterpreterOptions& options = {}) {
  auto r = Interpreter::create(std::make_shared<const ir::Graph>(g), options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

// x [1,8,8,3] → CONV_2D 3x3 (4 filters) → RELU6 → DEPTHWISE 3x3 → MEAN(H,W) → FC(10) → SOFTMAX.
ir::Graph small_net(uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-0.5f, 0.5f);
  auto fill = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& f : v) f = value(rng);
    return v;
  };
  ir::Graph g;
  int x = g.add_tensor("x", DType::kFloat32, Shape{1, 8, 8, 3});
  int w1 = add_float_const(g, "w1", Shape{4, 3, 3, 3}, fill(108));
  int b1 = add_float_const(g, "b1", Shape{4}, fill(4));
  int c1 = add_op(g, ir::OpType::kConv2D, "conv1", {x, w1, b1}, ir::Conv2DOptions{});
  int r1 = add_op(g, ir::OpType::kRelu6, "relu1", {c1}, ir::NoOptions{});
  int w2 = add_float_const(g, "w2", Shape{1, 3, 3, 4}, fill(36));
  int d2 = add_op(g, ir::OpType::kDepthwiseConv2D, "dw2", {r1, w2}, ir::DepthwiseConv2DOptions{});
  int axes = testing::add_int32_const(g, "axes", Shape{2}, {1, 2});
  int m = add_op(g, ir::OpType::kMean, "mean", {d2, axes}, ir::ReducerOptions{});
  int w3 = add_float_const(g, "w3", Shape{10, 4}, fill(40));
  int f = add_op(g, ir::OpType::kFullyConnected, "fc", {m, w3}, ir::FullyConnectedOptions{});
  int s = add_op(g, ir::OpType::kSoftmax, "softmax", {f}, ir::SoftmaxOptions{});
  g.inputs = {x};
  g.outputs = {s};
  return g;
}

std::vector<float> seeded_input(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = value(rng);
  return v;
}

// --- kernel selection

// int8 SUB has no kernel (the quantized kernels cover what TFLite's converter emits).
ir::Graph int8_sub_graph() {
  ir::Graph g;
  int x = g.add_tensor("x", DType::kInt8, Shape{1, 4});
  g.tensors[static_cast<size_t>(x)].quant.scale = {0.5f};
  g.tensors[static_cast<size_t>(x)].quant.zero_point = {0};
  int y = add_op(g, ir::OpType::kSub, "sub1", {x, x}, ir::ElementwiseOptions{}, DType::kInt8);
  g.inputs = {x};
  g.outputs = {y};
  return g;
}

TEST(Interpreter, OpWithoutKernelForItsInputDtypeIsACleanError) {
  auto r = Interpreter::create(std::make_shared<const ir::Graph>(int8_sub_graph()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(r.status().message(), "op 'sub1' (SUB): no kernel for int8 inputs");
}

TEST(Interpreter, UnsupportedWeightsDtypeNamesTheWeightsDtype) {
  ir::Graph g;
  int a = g.add_tensor("a", DType::kFloat32, Shape{1, 4});
  int b = g.add_const("b", DType::kInt8, Shape{4, 2}, std::vector<uint8_t>(8, 1));
  g.outputs = {add_op(g, ir::OpType::kMatMul, "mm", {a, b}, ir::MatMulOptions{})};
  g.inputs = {a};
  EXPECT_EQ(create_error(g), "op 'mm' (MATMUL): no kernel for float32 inputs with int8 weights");
}

TEST(Interpreter, EveryRegisteredKernelHasAFactoryAndAUniqueKey) {
  auto kernels = builtin_kernels();
  ASSERT_FALSE(kernels.empty());
  for (size_t i = 0; i < kernels.size(); ++i) {
    EXPECT_NE(kernels[i].factory(), nullptr) << kernels[i].name;
    for (size_t j = 0; j < i; ++j) {
      EXPECT_FALSE(kernels[i].op == kernels[j].op && kernels[i].input == kernels[j].input &&
                   kernels[i].weights == kernels[j].weights)
          << kernels[i].name << " shadows nothing new";
    }
  }
}

TEST(Interpreter, ReportsTheChosenKernelPerOp) {
  auto interp = make(small_net());
  ASSERT_NE(interp, nullptr);
  EXPECT_EQ(interp->kernel_name(0), "conv2d_float");
  EXPECT_EQ(interp->kernel_name(2), "depthwise_conv2d_float");
}

TEST(Interpreter, VerifierErrorsPassThrough) {
  ir::Graph g = small_net();
  g.tensors[static_cast<size_t>(g.find_tensor("conv1"))].shape = Shape{1, 4, 4, 4};
  EXPECT_EQ(create_error(g), "op 0 'conv1' (CONV_2D): output tensor 3 'conv1' has shape "
                             "[1,4,4,4], the op computes [1,8,8,4]");
}

TEST(Interpreter, PrepareErrorsNameTheOp) {
  ir::Graph g = small_net();
  int bad_bias = add_float_const(g, "b_bad", Shape{3}, {0, 0, 0});
  g.ops[0].inputs[2] = bad_bias;
  EXPECT_EQ(create_error(g), "op 'conv1' (CONV_2D): bias (input 2) has shape [3], expected 4 "
                             "elements");
}

TEST(Interpreter, RejectsNullGraphAndBadThreadCount) {
  auto r = Interpreter::create(nullptr);
  EXPECT_FALSE(r.ok());
  InterpreterOptions options;
  options.num_threads = 0;
  EXPECT_EQ(create_error(small_net(), options), "num_threads: 0 is outside [1, 256]");
}

// --- inputs

TEST(Interpreter, SetInputBytesRejectsAWrongByteCount) {
  auto interp = make(small_net());
  ASSERT_NE(interp, nullptr);
  std::vector<uint8_t> bytes(12);
  Status s = interp->set_input_bytes(0, bytes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "input 0 'x': got 12 bytes, float32 [1,8,8,3] needs 768");
  EXPECT_EQ(interp->set_input_bytes(1, bytes).message(), "input index 1 is outside [0, 1)");
}

TEST(Interpreter, InputViewAndSetInputBytesWriteTheSameTensor) {
  auto interp = make(small_net());
  ASSERT_NE(interp, nullptr);
  auto values = seeded_input(192, 3);
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(values)).ok());
  TensorView in = interp->input(0);
  EXPECT_EQ(in.shape(), (Shape{1, 8, 8, 3}));
  EXPECT_EQ(std::memcmp(in.raw(), values.data(), 768), 0);
}

// --- observer

class RecordingObserver : public TensorObserver {
 public:
  void on_tensor(int tensor_id, const TensorView& value) override {
    ids.push_back(tensor_id);
    const float* p = value.data<float>();
    values.emplace_back(p, p + value.num_elements());
  }
  std::vector<int> ids;
  std::vector<std::vector<float>> values;
};

TEST(Interpreter, ObserverSeesInputsThenEveryOpOutputOncePerInvokeInOrder) {
  ir::Graph g = small_net();
  auto interp = make(g);
  ASSERT_NE(interp, nullptr);
  RecordingObserver observer;
  interp->set_observer(&observer);
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(seeded_input(192, 5))).ok());
  ASSERT_TRUE(interp->invoke().ok());
  ASSERT_TRUE(interp->invoke().ok());
  std::vector<int> once = {g.inputs[0]};
  for (const ir::Op& op : g.ops) once.push_back(op.outputs[0]);
  std::vector<int> twice = once;
  twice.insert(twice.end(), once.begin(), once.end());
  EXPECT_EQ(observer.ids, twice);

  // The observed values are the values the op computed (compare with preserve_all_tensors).
  InterpreterOptions keep;
  keep.preserve_all_tensors = true;
  auto reference = make(g, keep);
  ASSERT_TRUE(reference->set_input_bytes(0, to_bytes(seeded_input(192, 5))).ok());
  ASSERT_TRUE(reference->invoke().ok());
  for (size_t i = 0; i < once.size(); ++i) {
    TensorView v = reference->tensor(once[i]);
    EXPECT_EQ(observer.values[i], std::vector<float>(v.data<float>(),
                                                     v.data<float>() + v.num_elements()))
        << "tensor " << once[i];
  }

  interp->set_observer(nullptr);
  ASSERT_TRUE(interp->invoke().ok());
  EXPECT_EQ(observer.ids.size(), twice.size());
}

// --- arena

// x → ADD(+1) ×10, each activation [1,32,32,8] float (32 KiB).
ir::Graph add_chain(int length) {
  ir::Graph g;
  int t = g.add_tensor("x", DType::kFloat32, Shape{1, 32, 32, 8});
  g.inputs = {t};
  int one = add_float_const(g, "one", Shape{1}, {1.0f});
  for (int i = 0; i < length; ++i) {
    t = add_op(g, ir::OpType::kAdd, "add" + std::to_string(i), {t, one}, ir::ElementwiseOptions{});
  }
  g.outputs = {t};
  return g;
}

TEST(Interpreter, ArenaReusesMemorySoAChainNeedsLessThanTheSumOfActivations) {
  constexpr size_t kTensorBytes = 32 * 32 * 8 * 4;
  auto interp = make(add_chain(10));
  ASSERT_NE(interp, nullptr);
  // 11 activations in total; at any step at most the graph input, the op's input and its
  // output are live.
  EXPECT_LT(interp->arena_bytes(), 11 * kTensorBytes);
  EXPECT_EQ(interp->arena_bytes(), 3 * kTensorBytes);
  std::vector<float> x(32 * 32 * 8, 0.5f);
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(x)).ok());
  ASSERT_TRUE(interp->invoke().ok());
  TensorView out = interp->output(0);
  for (int64_t i = 0; i < out.num_elements(); ++i) ASSERT_EQ(out.data<float>()[i], 10.5f);
  // The graph input survives the invoke.
  EXPECT_EQ(interp->input(0).data<float>()[0], 0.5f);
}

TEST(Interpreter, PreserveAllTensorsKeepsEveryIntermediateReadable) {
  constexpr size_t kTensorBytes = 32 * 32 * 8 * 4;
  ir::Graph g = add_chain(10);
  InterpreterOptions options;
  options.preserve_all_tensors = true;
  auto interp = make(g, options);
  ASSERT_NE(interp, nullptr);
  EXPECT_EQ(interp->arena_bytes(), 11 * kTensorBytes);
  std::vector<float> x(32 * 32 * 8, 0.25f);
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(x)).ok());
  ASSERT_TRUE(interp->invoke().ok());
  for (int i = 0; i < 10; ++i) {
    TensorView v = interp->tensor(g.ops[static_cast<size_t>(i)].outputs[0]);
    EXPECT_EQ(v.data<float>()[0], 0.25f + static_cast<float>(i + 1)) << "add" << i;
    EXPECT_EQ(v.data<float>()[v.num_elements() - 1], 0.25f + static_cast<float>(i + 1));
  }
}

TEST(Interpreter, ConstantsPointAtTheGraphsBuffers) {
  auto graph = std::make_shared<const ir::Graph>(small_net());
  auto r = Interpreter::create(graph);
  ASSERT_TRUE(r.ok());
  int w1 = graph->find_tensor("w1");
  EXPECT_EQ((*r)->tensor(w1).raw(), graph->tensors[static_cast<size_t>(w1)].data->data());
}

// --- determinism

std::vector<uint8_t> output_bytes(Interpreter& interp) {
  auto b = interp.output(0).bytes();
  return {b.begin(), b.end()};
}

TEST(Interpreter, TwoInvokesGiveBitIdenticalOutputs) {
  auto interp = make(small_net());
  ASSERT_NE(interp, nullptr);
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(seeded_input(192, 9))).ok());
  ASSERT_TRUE(interp->invoke().ok());
  auto first = output_bytes(*interp);
  ASSERT_TRUE(interp->invoke().ok());
  EXPECT_EQ(output_bytes(*interp), first);
}

TEST(Interpreter, OutputsDoNotDependOnTheThreadCount) {
  std::vector<std::vector<uint8_t>> results;
  for (int threads : {1, 2, 3}) {
    InterpreterOptions options;
    options.num_threads = threads;
    auto interp = make(small_net(), options);
    ASSERT_NE(interp, nullptr);
    ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(seeded_input(192, 11))).ok());
    ASSERT_TRUE(interp->invoke().ok());
    results.push_back(output_bytes(*interp));
  }
  EXPECT_EQ(results[1], results[0]);
  EXPECT_EQ(results[2], results[0]);
}

TEST(Interpreter, SoftmaxOutputOfTheSmallNetIsADistribution) {
  auto interp = make(small_net());
  ASSERT_TRUE(interp->set_input_bytes(0, to_bytes(seeded_input(192, 13))).ok());
  ASSERT_TRUE(interp->invoke().ok());
  TensorView out = interp->output(0);
  EXPECT_EQ(out.shape(), (Shape{1, 10}));
  float sum = 0;
  for (int i = 0; i < 10; ++i) sum += out.data<float>()[i];
  EXPECT_NEAR(sum, 1.0f, 1e-6f);
}

TEST(Interpreter, GraphOutputThatIsAGraphInputNeedsNoOps) {
  ir::Graph g;
  int x = g.add_tensor("x", DType::kFloat32, Shape{2});
  g.inputs = {x};
  g.outputs = {x};
  auto r = testing::run_float(g, {{1, 2}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].values, (std::vector<float>{1, 2}));
}

}  // namespace

// --- dispatch, kernel sets, profiling

TEST(CpuFeatures, IsaNamesRoundTripAndUnknownNamesAreErrors) {
  for (Isa isa : {Isa::kPortable, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni}) {
    auto parsed = parse_isa(isa_name(isa));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, isa);
  }
  auto bad = parse_isa("sse9");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("avx512vnni"), std::string::npos);
}

TEST(CpuFeatures, ARequestedLevelIsCappedToTheCpu) {
  EXPECT_EQ(effective_isa(Isa::kPortable), Isa::kPortable);
  EXPECT_EQ(effective_isa(Isa::kAvx512Vnni), detected_isa());
  EXPECT_LE(static_cast<int>(default_isa()), static_cast<int>(detected_isa()));
}

TEST(Interpreter, ReferenceKernelSetAndEveryIsaGiveTheSameFloatResultsWithinRounding) {
  InterpreterOptions reference;
  reference.kernel_set = KernelSet::kReference;
  auto ref = make(small_net(), reference);
  ASSERT_NE(ref, nullptr);
  ASSERT_TRUE(ref->set_input_bytes(0, to_bytes(seeded_input(192, 5))).ok());
  ASSERT_TRUE(ref->invoke().ok());
  for (size_t k = 0; k < ref->graph().ops.size(); ++k) {
    EXPECT_EQ(ref->kernel_variant(static_cast<int>(k)), "reference") << "op " << k;
  }
  const float* expected = ref->output(0).data<float>();
  for (Isa isa : {Isa::kPortable, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni}) {
    InterpreterOptions options;
    options.isa = isa;
    auto opt = make(small_net(), options);
    ASSERT_NE(opt, nullptr);
    ASSERT_TRUE(opt->set_input_bytes(0, to_bytes(seeded_input(192, 5))).ok());
    ASSERT_TRUE(opt->invoke().ok());
    const float* got = opt->output(0).data<float>();
    for (int i = 0; i < 10; ++i) {
      EXPECT_NEAR(got[i], expected[i], 1e-5f * std::max(1.0f, std::fabs(expected[i])))
          << isa_name(isa) << " output " << i;
    }
  }
}

TEST(Interpreter, ProfileSumsEveryOpsEvalTimeAcrossInvokes) {
  InterpreterOptions options;
  options.profile = true;
  auto interp = make(small_net(), options);
  ASSERT_NE(interp, nullptr);
  ASSERT_EQ(interp->op_time_ns().size(), interp->graph().ops.size());
  for (int64_t t : interp->op_time_ns()) EXPECT_EQ(t, 0);
  ASSERT_TRUE(interp->invoke().ok());
  std::vector<int64_t> once(interp->op_time_ns().begin(), interp->op_time_ns().end());
  ASSERT_TRUE(interp->invoke().ok());
  for (size_t k = 0; k < once.size(); ++k) {
    EXPECT_GT(once[k], 0) << "op " << k;
    EXPECT_GT(interp->op_time_ns()[k], once[k]) << "op " << k;
  }
  interp->reset_profile();
  for (int64_t t : interp->op_time_ns()) EXPECT_EQ(t, 0);
  EXPECT_TRUE(make(small_net())->op_time_ns().empty());
}

}  // namespace qexp::interp
