// TFLite import of well-formed models: IR graph → serialize_tflite → import_tflite_buffer must give
// the same graph (ir::dump, quantization incl. min/max, constant bytes), plus the import-only
// features: legacy opcodes, missing options, external buffers, several subgraphs, metadata.
//
// Naming conventions of the round trip: the imported graph is named after the source name, and
// each op after its first output tensor; the test graphs follow both (tflite_test_graphs.h).

#include "framework/importers/tflite/tflite_importer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "framework/core/file_io.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/ir/dump.h"
#include "tests/importers/tflite_test_graphs.h"
#include "tflite_subset_obj_generated.h"

namespace qexp::tflite {
namespace {

namespace tt = qexp::tflite_test;
namespace fbo = ::tflite_obj;

std::vector<uint8_t> serialize(const ir::Graph& g) {
  auto bytes = serialize_tflite(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

std::vector<uint8_t> edit(const std::vector<uint8_t>& bytes,
                          const std::function<void(fbo::ModelT&)>& f) {
  auto model = fbo::UnPackModel(bytes.data());
  f(*model);
  flatbuffers::FlatBufferBuilder b;
  fbo::FinishModelBuffer(b, fbo::Model::Pack(b, model.get()));
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

ir::Graph import_ok(const std::vector<uint8_t>& bytes, const std::string& source) {
  auto g = import_tflite_buffer(bytes, source);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(*g) : ir::Graph();
}

/// Dumps equal, and what dumps leave out (min/max, zero points past the 4th, bytes) too.
void expect_same_graph(const ir::Graph& want, const ir::Graph& got) {
  EXPECT_EQ(ir::dump(want, {.max_scales = 1 << 20}), ir::dump(got, {.max_scales = 1 << 20}));
  ASSERT_EQ(want.tensors.size(), got.tensors.size());
  for (size_t i = 0; i < want.tensors.size(); ++i) {
    const ir::Tensor &a = want.tensors[i], &b = got.tensors[i];
    EXPECT_EQ(a.quant, b.quant) << "tensor " << i;
    ASSERT_EQ(a.is_const(), b.is_const()) << "tensor " << i;
    if (a.is_const()) {
      EXPECT_EQ(*a.data, *b.data) << "tensor " << i;
    }
  }
  for (size_t i = 0; i < want.ops.size() && i < got.ops.size(); ++i) {
    EXPECT_EQ(want.ops[i].options, got.ops[i].options) << "op " << i;
  }
}

void expect_round_trip(const ir::Graph& g) {
  ir::Graph back = import_ok(serialize(g), g.name);
  expect_same_graph(g, back);
  EXPECT_EQ(back.metadata.at("source_format"), "tflite");
  EXPECT_EQ(back.metadata.at("tflite_schema_version"), "3");
  EXPECT_EQ(back.metadata.at("tflite_subgraph_name"), "main");
  EXPECT_EQ(back.metadata.count("warning"), 0u);
}

TEST(TfliteRoundTrip, FloatCnnConvDepthwisePoolPadMeanReshapeFcSoftmax) {
  expect_round_trip(tt::float_cnn("cnn.tflite"));
}

TEST(TfliteRoundTrip, FloatElementwiseConcatActivationsSqueezeAndFcVariants) {
  ir::Graph g = tt::float_elementwise("elementwise.tflite");
  expect_round_trip(g);
  ir::Graph back = import_ok(serialize(g), g.name);
  // Optional inputs: an explicit -1 bias stays, a missing bias stays missing.
  EXPECT_EQ(back.ops[11].inputs, (std::vector<int>{13, 14, -1}));
  EXPECT_EQ(back.ops[13].inputs.size(), 2u);
}

TEST(TfliteRoundTrip, Int8PerAxisQuantizedConvKeepsScalesZeroPointsAxisAndMinMax) {
  ir::Graph g = tt::int8_per_axis_conv("int8.tflite");
  expect_round_trip(g);
  ir::Graph back = import_ok(serialize(g), g.name);
  const ir::QuantParams& w = back.tensors[2].quant;
  EXPECT_EQ(w.scale, (std::vector<float>{0.01f, 0.02f, 0.03f, 0.04f}));
  EXPECT_EQ(w.quantized_dimension, 0);
  EXPECT_EQ(back.tensors[4].quant.min, std::vector<float>{0.0f});
  EXPECT_EQ(back.tensors[4].quant.max, std::vector<float>{25.5f});
}

TEST(TfliteRoundTrip, Int8DepthwiseAddPoolPadMeanReshapeFcSoftmax) {
  expect_round_trip(tt::int8_ops("int8_ops.tflite"));
}

TEST(TfliteRoundTrip, PerAxisOnDimension3) {
  ir::Graph g = tt::float_cnn("dw.tflite");
  ir::Tensor& w = g.tensors[4];  // dw/weights [1,3,3,8]
  w.quant.scale = {1, 2, 3, 4, 5, 6, 7, 8};
  w.quant.zero_point = {0, 0, 0, 0, 0, 0, 0, 0};
  w.quant.quantized_dimension = 3;
  expect_round_trip(g);
}

TEST(TfliteRoundTrip, Float16ConstantAndDequantize) {
  ir::Graph g = tt::float16_weights("fp16.tflite");
  expect_round_trip(g);
  ir::Graph back = import_ok(serialize(g), g.name);
  EXPECT_EQ(back.tensors[1].dtype, DType::kFloat16);
  EXPECT_EQ(back.tensors[1].data->size(), 3u * 3 * 3 * 2 * 2);
}

TEST(TfliteRoundTrip, ThroughAFile) {
  ir::Graph g = tt::float_cnn("");
  std::string path = ::testing::TempDir() + "/tflite_round_trip.tflite";
  g.name = path;
  ASSERT_TRUE(export_tflite_file(g, path).ok());
  auto back = import_tflite_file(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  expect_same_graph(g, *back);
}

TEST(TfliteImport, RecordsMinRuntimeVersionAndDescription) {
  ir::Graph back = import_ok(serialize(tt::int8_per_axis_conv("m")), "m");
  EXPECT_EQ(back.metadata.at("tflite_min_runtime_version"), "1.14.0");
  EXPECT_EQ(back.metadata.at("tflite_description"), "qexp");
}

TEST(TfliteImport, SeveralSubgraphsImportTheFirstWithAWarning) {
  ir::Graph g = tt::float_cnn("multi");
  auto bytes = edit(serialize(g), [](fbo::ModelT& m) {
    auto extra = std::make_unique<fbo::SubGraphT>();
    extra->name = "other";
    m.subgraphs.push_back(std::move(extra));
    m.subgraphs.push_back(std::make_unique<fbo::SubGraphT>());
  });
  ir::Graph back = import_ok(bytes, "multi");
  EXPECT_EQ(back.metadata.at("warning"), "model has 3 subgraphs; qexp uses the first");
  expect_same_graph(g, back);
}

TEST(TfliteImport, LegacyOpcodeWithOnlyTheDeprecatedByteField) {
  ir::Graph g = tt::float_cnn("legacy");
  auto bytes = edit(serialize(g), [](fbo::ModelT& m) {
    for (auto& oc : m.operator_codes) oc->builtin_code = fbo::BuiltinOperator_ADD;  // 0 = unset
  });
  expect_same_graph(g, import_ok(bytes, "legacy"));
}

TEST(TfliteImport, MissingOptionsTablesReadAsSchemaDefaults) {
  ir::Graph g = tt::float_cnn("defaults");
  auto bytes = edit(serialize(g), [](fbo::ModelT& m) {
    auto& ops = m.subgraphs[0]->operators;
    ops[2]->builtin_options.Reset();  // PAD: its table is empty anyway
    ops[6]->builtin_options.Reset();  // RESHAPE: target from the shape input
    ops[7]->builtin_options.Reset();  // FULLY_CONNECTED: activation NONE
    ops[8]->builtin_options.Reset();  // SOFTMAX: beta 0, the schema default
  });
  ir::Graph back = import_ok(bytes, "defaults");
  EXPECT_TRUE(back.ops[6].opts<ir::ReshapeOptions>().new_shape.empty());
  EXPECT_EQ(back.ops[7].opts<ir::FullyConnectedOptions>(), ir::FullyConnectedOptions{});
  EXPECT_EQ(back.ops[8].opts<ir::SoftmaxOptions>().beta, 0.0f);
}

TEST(TfliteImport, ZeroDepthMultiplierIsDerivedFromChannels) {
  ir::Graph g = tt::float_cnn("dm");
  auto bytes = edit(serialize(g), [](fbo::ModelT& m) {
    m.subgraphs[0]->operators[1]->builtin_options.AsDepthwiseConv2DOptions()->depth_multiplier = 0;
  });
  expect_same_graph(g, import_ok(bytes, "dm"));
}

TEST(TfliteImport, BufferDataPastTheFlatbufferWithOffsetAndSize) {
  ir::Graph g = tt::float_cnn("external");
  const std::vector<uint8_t> good = serialize(g);
  std::vector<uint8_t> payload;
  // The offset field has a fixed width: pack once with a placeholder, then with the real value.
  auto move_out = [&](uint64_t offset) {
    return edit(good, [&](fbo::ModelT& m) {
      auto& buf = m.buffers[1];  // conv1/weights
      payload = buf->data;
      buf->data.clear();
      buf->offset = offset;
      buf->size = payload.size();
    });
  };
  size_t fb_size = move_out(2).size();
  size_t offset = (fb_size + 15) / 16 * 16;
  std::vector<uint8_t> bytes = move_out(offset);
  ASSERT_EQ(bytes.size(), fb_size);
  bytes.resize(offset, 0);
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  expect_same_graph(g, import_ok(bytes, "external"));
}

TEST(TfliteImport, MisalignedInputSpanIsCopied) {
  ir::Graph g = tt::int8_per_axis_conv("odd");
  std::vector<uint8_t> bytes = serialize(g);
  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
  auto back = import_tflite_buffer(std::span<const uint8_t>(shifted).subspan(1), "odd");
  ASSERT_TRUE(back.ok()) << back.status().message();
  expect_same_graph(g, *back);
}

}  // namespace
}  // namespace qexp::tflite
