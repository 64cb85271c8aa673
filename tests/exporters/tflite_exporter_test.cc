// The .tflite layout the exporter writes, read back with the plain generated schema: what TFLite's
// converter writes (version 3, one "main" subgraph, buffer 0 empty, one buffer per constant,
// deduplicated opcodes with both code fields, options for every op, quantization, float16,
// min_runtime_version), determinism, and the errors for graphs TFLite cannot hold.

#include "framework/exporters/tflite/tflite_exporter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "framework/core/file_io.h"
#include "framework/importers/tflite/schema/tflite_subset_generated.h"
#include "tests/importers/tflite_test_graphs.h"

namespace qexp::tflite {
namespace {

namespace tt = qexp::tflite_test;
namespace fb = ::tflite;

std::vector<uint8_t> serialize(const ir::Graph& g) {
  auto bytes = serialize_tflite(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

/// The model in `bytes` (which must outlive the returned pointer), after verification.
const fb::Model* verified(const std::vector<uint8_t>& bytes) {
  flatbuffers::Verifier v(bytes.data(), bytes.size());
  EXPECT_TRUE(fb::VerifyModelBuffer(v));
  return fb::GetModel(bytes.data());
}

std::string metadata_string(const fb::Model* m, const std::string& name) {
  for (const fb::Metadata* md : *m->metadata()) {
    if (md->name()->str() != name) continue;
    const auto* data = m->buffers()->Get(md->buffer())->data();
    return std::string(reinterpret_cast<const char*>(data->data()), data->size());
  }
  return "<missing>";
}

TEST(TfliteExport, SameGraphGivesIdenticalBytes) {
  ir::Graph g = tt::float_cnn("det");
  std::vector<uint8_t> a = serialize(g);
  std::vector<uint8_t> b = serialize(g);
  ir::Graph copy = g;
  std::vector<uint8_t> c = serialize(copy);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(serialize(tt::int8_per_axis_conv("q")), serialize(tt::int8_per_axis_conv("q")));
}

TEST(TfliteExport, ModelLayoutMatchesTheConverterConventions) {
  ir::Graph g = tt::float_cnn("layout");
  std::vector<uint8_t> bytes = serialize(g);
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(std::memcmp(bytes.data() + 4, "TFL3", 4), 0);
  const fb::Model* m = verified(bytes);
  EXPECT_EQ(m->version(), 3u);
  ASSERT_EQ(m->subgraphs()->size(), 1u);
  const fb::SubGraph* sg = m->subgraphs()->Get(0);
  EXPECT_EQ(sg->name()->str(), "main");
  ASSERT_EQ(sg->tensors()->size(), g.tensors.size());
  EXPECT_EQ(sg->operators()->size(), g.ops.size());
  EXPECT_EQ(std::vector<int>(sg->inputs()->begin(), sg->inputs()->end()), g.inputs);
  EXPECT_EQ(std::vector<int>(sg->outputs()->begin(), sg->outputs()->end()), g.outputs);

  // Buffer 0 empty; activations point at it; each constant has its own 16-byte aligned buffer.
  const auto* buffers = m->buffers();
  EXPECT_TRUE(buffers->Get(0)->data() == nullptr || buffers->Get(0)->data()->size() == 0);
  uint32_t next = 1;
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    const fb::Tensor* t = sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(i));
    EXPECT_EQ(t->name()->str(), g.tensors[i].name);
    if (!g.tensors[i].is_const()) {
      EXPECT_EQ(t->buffer(), 0u) << i;
      continue;
    }
    EXPECT_EQ(t->buffer(), next++) << i;
    const auto* data = buffers->Get(t->buffer())->data();
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(std::vector<uint8_t>(data->begin(), data->end()), *g.tensors[i].data);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data->data()) % 16, 0u) << i;
  }
  EXPECT_EQ(buffers->size(), next + 1);  // + the min_runtime_version buffer
}

TEST(TfliteExport, OperatorCodesAreDeduplicatedAndCarryBothCodeFields) {
  ir::Graph g = tt::float_elementwise("codes");  // two CONCATENATION, two FULLY_CONNECTED
  const std::vector<uint8_t> bytes = serialize(g);
  const fb::Model* m = verified(bytes);
  const auto* codes = m->operator_codes();
  EXPECT_EQ(codes->size(), 13u);  // 14 ops, 13 distinct (op, version) pairs
  std::vector<int> seen;
  for (const fb::OperatorCode* oc : *codes) {
    EXPECT_EQ(oc->deprecated_builtin_code(), std::min<int>(oc->builtin_code(), 127));
    EXPECT_EQ(oc->custom_code(), nullptr);
    seen.push_back(oc->builtin_code());
  }
  // First-use order.
  EXPECT_EQ(seen, (std::vector<int>{0, 41, 18, 2, 14, 28, 19, 21, 20, 22, 9, 43, 9}));
  // The two FULLY_CONNECTED differ: keep_num_dims (version 5) and no bias input (version 6).
  const fb::SubGraph* sg = m->subgraphs()->Get(0);
  EXPECT_EQ(codes->Get(sg->operators()->Get(11)->opcode_index())->version(), 5);
  EXPECT_EQ(codes->Get(sg->operators()->Get(13)->opcode_index())->version(), 6);
}

TEST(TfliteExport, EveryOpCarriesItsOptions) {
  ir::Graph g = tt::float_cnn("opts");
  const std::vector<uint8_t> bytes = serialize(g);
  const fb::Model* m = verified(bytes);
  const auto* ops = m->subgraphs()->Get(0)->operators();
  const fb::Conv2DOptions* conv = ops->Get(0)->builtin_options_as_Conv2DOptions();
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->fused_activation_function(), fb::ActivationFunctionType_RELU6);
  EXPECT_EQ(conv->padding(), fb::Padding_SAME);
  EXPECT_EQ(conv->stride_h(), 1);
  const auto* dw = ops->Get(1)->builtin_options_as_DepthwiseConv2DOptions();
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->depth_multiplier(), 2);
  EXPECT_EQ(dw->stride_w(), 2);
  EXPECT_EQ(dw->padding(), fb::Padding_VALID);
  EXPECT_NE(ops->Get(2)->builtin_options_as_PadOptions(), nullptr);
  const auto* pool = ops->Get(3)->builtin_options_as_Pool2DOptions();
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->filter_height(), 2);
  EXPECT_TRUE(ops->Get(5)->builtin_options_as_ReducerOptions()->keep_dims());
  const auto* reshape = ops->Get(6)->builtin_options_as_ReshapeOptions();
  ASSERT_NE(reshape, nullptr);
  EXPECT_EQ(std::vector<int>(reshape->new_shape()->begin(), reshape->new_shape()->end()),
            (std::vector<int>{1, -1}));
  EXPECT_EQ(ops->Get(7)->builtin_options_as_FullyConnectedOptions()->fused_activation_function(),
            fb::ActivationFunctionType_RELU);
  EXPECT_EQ(ops->Get(8)->builtin_options_as_SoftmaxOptions()->beta(), 1.0f);
}

TEST(TfliteExport, QuantizationParametersPerAxis) {
  ir::Graph g = tt::int8_per_axis_conv("q");
  const std::vector<uint8_t> bytes = serialize(g);
  const fb::Model* m = verified(bytes);
  const auto* tensors = m->subgraphs()->Get(0)->tensors();
  EXPECT_EQ(tensors->Get(0)->quantization(), nullptr);  // float: no table
  const fb::Tensor* w = tensors->Get(2);
  EXPECT_EQ(w->type(), fb::TensorType_INT8);
  const fb::QuantizationParameters* q = w->quantization();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(std::vector<float>(q->scale()->begin(), q->scale()->end()),
            (std::vector<float>{0.01f, 0.02f, 0.03f, 0.04f}));
  EXPECT_EQ(std::vector<int64_t>(q->zero_point()->begin(), q->zero_point()->end()),
            (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(q->quantized_dimension(), 0);
  const fb::Tensor* y = tensors->Get(4);
  EXPECT_EQ(y->quantization()->zero_point()->Get(0), -128);
  EXPECT_EQ(y->quantization()->min()->Get(0), 0.0f);
  EXPECT_EQ(y->quantization()->max()->Get(0), 25.5f);
  EXPECT_EQ(tensors->Get(3)->type(), fb::TensorType_INT32);
  // int8 CONV_2D is version 3; QUANTIZE to int8 and DEQUANTIZE from int8 are 1 and 2.
  const auto* codes = m->operator_codes();
  EXPECT_EQ(codes->Get(0)->builtin_code(), fb::BuiltinOperator_QUANTIZE);
  EXPECT_EQ(codes->Get(0)->version(), 1);
  EXPECT_EQ(codes->Get(1)->builtin_code(), fb::BuiltinOperator_CONV_2D);
  EXPECT_EQ(codes->Get(1)->version(), 3);
  EXPECT_EQ(codes->Get(2)->builtin_code(), fb::BuiltinOperator_DEQUANTIZE);
  EXPECT_EQ(codes->Get(2)->version(), 2);
}

TEST(TfliteExport, Float16ConstantIsStoredAsHalf) {
  ir::Graph g = tt::float16_weights("fp16");
  const std::vector<uint8_t> bytes = serialize(g);
  const fb::Model* m = verified(bytes);
  const fb::Tensor* w = m->subgraphs()->Get(0)->tensors()->Get(1);
  EXPECT_EQ(w->type(), fb::TensorType_FLOAT16);
  const auto* data = m->buffers()->Get(w->buffer())->data();
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->size(), 3u * 3 * 3 * 2 * 2);
  uint16_t first;
  std::memcpy(&first, data->data(), 2);
  EXPECT_EQ(half_to_float(first), half_to_float(float_to_half(tt::seeded_floats(1, 21)[0])));
  EXPECT_EQ(m->operator_codes()->Get(0)->version(), 3);  // DEQUANTIZE from float16
}

TEST(TfliteExport, MinRuntimeVersionMetadata) {
  auto version_of = [](const ir::Graph& g) {
    const std::vector<uint8_t> bytes = serialize(g);
    std::string s = metadata_string(verified(bytes), "min_runtime_version");
    EXPECT_EQ(s.size(), 16u);
    return std::string(s.c_str());
  };
  EXPECT_EQ(version_of(tt::float16_weights("a")), "1.15.0");  // DEQUANTIZE v3
  EXPECT_EQ(version_of(tt::float_cnn("b")), "1.6.0");         // MEAN v1
  EXPECT_EQ(version_of(tt::int8_per_axis_conv("c")), "1.14.0");
  EXPECT_EQ(version_of(tt::float_elementwise("d")), "2.1.0");  // FULLY_CONNECTED v6
}

TEST(TfliteExport, IrOnlyOpsNameThePassThatLowersThem) {
  ir::Graph g;
  int x = g.add_tensor("x", DType::kFloat32, Shape{1, 4});
  int y = g.add_tensor("y", DType::kFloat32, Shape{1, 4});
  g.inputs = {x};
  g.outputs = {y};
  g.add_op(ir::OpType::kIdentity, "id", {x}, {y}, ir::NoOptions{});
  auto r = serialize_tflite(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "cannot export to TFLite: op 0 'id' (IDENTITY) has no TFLite builtin; run the "
            "'remove-identity' pass first");

  g.ops[0].type = ir::OpType::kMatMul;
  g.ops[0].options = ir::MatMulOptions{};
  EXPECT_NE(serialize_tflite(g).status().message().find("'matmul-to-fully-connected' pass"),
            std::string::npos);
  g.ops[0].type = ir::OpType::kBatchNorm;
  EXPECT_NE(serialize_tflite(g).status().message().find("'fold-batchnorm' pass"),
            std::string::npos);
}

TEST(TfliteExport, InvalidGraphIsRejectedWithTheVerifierMessage) {
  ir::Graph g = tt::float_cnn("bad");
  g.tensors[3].shape = Shape{1, 8, 8, 5};
  auto r = serialize_tflite(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "cannot export to TFLite: op 0 'conv1/Relu6' (CONV_2D): output tensor 3 'conv1/Relu6' "
            "has shape [1,8,8,5], the op computes [1,8,8,4]");
}

TEST(TfliteExport, OptionsOfTheWrongKindAreAnErrorNotACrash) {
  ir::Graph g = tt::float_cnn("bad");
  g.ops[6].options = ir::NoOptions{};  // the RESHAPE
  auto r = serialize_tflite(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "cannot export to TFLite: op 6 'flatten/Reshape' (RESHAPE): options of the wrong kind");
}

TEST(TfliteExport, ReshapeTargetMustFitInt32) {
  ir::Graph g = tt::float_cnn("big");
  g.ops[6].opts<ir::ReshapeOptions>().new_shape = {1, int64_t{1} << 40};
  auto r = serialize_tflite(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "cannot export to TFLite: op 6 'flatten/Reshape' (RESHAPE): new_shape value "
            "1099511627776 does not fit TFLite's int32");
}

TEST(TfliteExport, FileIsWrittenAtomicallyAndErrorsNameThePath) {
  std::string dir = ::testing::TempDir() + "/tflite_export_test";
  ASSERT_TRUE(make_directories(dir).ok());
  std::string path = dir + "/model.tflite";
  ir::Graph g = tt::float_cnn("file");
  ASSERT_TRUE(export_tflite_file(g, path).ok());
  auto bytes = read_file(path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, serialize(g));
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename(), "model.tflite");  // no temporary left behind
  }

  int z = g.add_tensor("z", DType::kFloat32, Shape{1, 10});
  g.add_op(ir::OpType::kIdentity, "id", {g.outputs[0]}, {z}, ir::NoOptions{});
  Status s = export_tflite_file(g, dir + "/other.tflite");
  EXPECT_EQ(s.message(), dir +
                             "/other.tflite: cannot export to TFLite: op 9 'id' (IDENTITY) has "
                             "no TFLite builtin; run the 'remove-identity' pass first");
  EXPECT_FALSE(std::filesystem::exists(dir + "/other.tflite"));
}

}  // namespace
}  // namespace qexp::tflite
