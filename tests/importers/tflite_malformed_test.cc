// Malformed .tflite input: each case is its own test and pins the exact message (and code).
// Models are made by serializing a good IR graph with the exporter and editing the flatbuffer
// with the object API of the test schema (UnPackModel → mutate → Pack), or by cutting bytes.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>

#include "framework/core/limits.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/importers/tflite/tflite_importer.h"
#include "framework/ir/verifier.h"
#include "tests/importers/tflite_test_graphs.h"
#include "tflite_subset_obj_generated.h"

namespace qexp::tflite {
namespace {

namespace tt = qexp::tflite_test;
namespace fbo = ::tflite_obj;
using Bytes = std::vector<uint8_t>;

constexpr const char* kSource = "bad.tflite";

Bytes serialize(const ir::Graph& g) {
  auto bytes = serialize_tflite(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : Bytes();
}

// float_cnn: 19 tensors, 9 ops, 11 buffers (0 empty, 9 constants, min_runtime_version).
// Op 0 CONV_2D (tensors 0, 1, 2 → 3), op 7 FULLY_CONNECTED.
Bytes cnn() { return serialize(tt::float_cnn("cnn")); }
// int8_per_axis_conv: 6 tensors; op 1 CONV_2D (1, 2, 3 → 4); tensor 2 'conv/weights_int8'
// int8 [4,3,3,3] per-axis on dimension 0.
Bytes int8_conv() { return serialize(tt::int8_per_axis_conv("int8")); }

Bytes edit(const Bytes& bytes, const std::function<void(fbo::ModelT&)>& f) {
  auto model = fbo::UnPackModel(bytes.data());
  f(*model);
  flatbuffers::FlatBufferBuilder b;
  fbo::FinishModelBuffer(b, fbo::Model::Pack(b, model.get()));
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

fbo::SubGraphT& main_graph(fbo::ModelT& m) { return *m.subgraphs[0]; }
fbo::TensorT& tensor(fbo::ModelT& m, int i) { return *main_graph(m).tensors[i]; }
fbo::OperatorT& op(fbo::ModelT& m, int i) { return *main_graph(m).operators[i]; }
fbo::QuantizationParametersT& quant(fbo::ModelT& m, int i) { return *tensor(m, i).quantization; }

void expect_error(const Bytes& bytes, StatusCode code, const std::string& message) {
  auto r = import_tflite_buffer(bytes, kSource);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), message);
  EXPECT_EQ(r.status().code(), code) << status_code_name(r.status().code());
}

std::string temp_file(const std::string& name, const Bytes& bytes) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::string verifier_message(size_t size) {
  return "bad.tflite: corrupt or truncated TFLite model (" + std::to_string(size) +
         " bytes): the flatbuffer verifier rejected it";
}

// ----- file level ------------------------------------------------------------------------------

TEST(TfliteMalformed, MissingFile) {
  std::string path = ::testing::TempDir() + "/does_not_exist.tflite";
  auto r = import_tflite_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), path + ": no such file");
}

TEST(TfliteMalformed, EmptyFile) {
  std::string path = temp_file("empty.tflite", {});
  auto r = import_tflite_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(
      r.status().message(),
      path + ": file has 0 bytes, too small for a TFLite model (a flatbuffer needs at least 8)");
}

// Resource limits (framework/core/limits.h), lowered as `--limit NAME=VALUE` would.
TEST(TfliteMalformed, FileLargerThanTheModelLimit) {
  Bytes good = cnn();
  std::string path = temp_file("large.tflite", good);
  ASSERT_TRUE(set_limit("max_tflite_bytes=1K").ok());
  auto r = import_tflite_file(path);
  reset_limits();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), path + ": file has " + std::to_string(good.size()) +
                                      " bytes, the limit is 1024 (--limit max_tflite_bytes)");
  EXPECT_TRUE(import_tflite_file(path).ok());
}

TEST(TfliteMalformed, MoreTensorElementsThanTheModelLimit) {
  Bytes good = cnn();  // 1210 elements
  ASSERT_TRUE(set_limit("max_model_elements=1000").ok());
  auto r = import_tflite_buffer(good, kSource);
  reset_limits();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "bad.tflite: the model's 19 tensors hold 1210 elements, more than the limit of 1000 "
            "(--limit max_model_elements)");
}

TEST(TfliteMalformed, SevenBytes) {
  Bytes good = cnn();
  expect_error(Bytes(good.begin(), good.begin() + 7), StatusCode::kDataLoss,
               "bad.tflite: file has 7 bytes, too small for a TFLite model (a flatbuffer needs at "
               "least 8)");
}

TEST(TfliteMalformed, WrongIdentifier) {
  Bytes bytes = cnn();
  std::memcpy(bytes.data() + 4, "TFL2", 4);
  expect_error(bytes, StatusCode::kInvalidArgument,
               "bad.tflite: not a TFLite model: file identifier (bytes 4-7) is 'TFL2', expected "
               "'TFL3'");
}

TEST(TfliteMalformed, WrongIdentifierWithUnprintableBytes) {
  Bytes bytes = cnn();
  const uint8_t id[4] = {0x00, 0x01, 'A', 0xff};
  std::memcpy(bytes.data() + 4, id, 4);
  expect_error(bytes, StatusCode::kInvalidArgument,
               "bad.tflite: not a TFLite model: file identifier (bytes 4-7) is '\\x00\\x01A\\xff', "
               "expected 'TFL3'");
}

TEST(TfliteMalformed, RandomBytes) {
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    auto noise = tt::seeded_floats(64, seed);
    Bytes bytes(noise.size() * 4);
    std::memcpy(bytes.data(), noise.data(), bytes.size());
    auto r = import_tflite_buffer(bytes, kSource);
    ASSERT_FALSE(r.ok()) << seed;
    EXPECT_EQ(r.status().message().rfind("bad.tflite: not a TFLite model: file identifier", 0), 0u)
        << r.status().message();
    std::memcpy(bytes.data() + 4, "TFL3", 4);  // past the identifier check: the verifier
    expect_error(bytes, StatusCode::kDataLoss, verifier_message(bytes.size()));
  }
}

TEST(TfliteMalformed, TruncatedAtSeveralCutPoints) {
  const Bytes good = cnn();
  for (size_t cut : {size_t{8}, size_t{12}, size_t{64}, good.size() / 4, good.size() / 2,
                     good.size() * 3 / 4, good.size() - 16}) {
    SCOPED_TRACE(cut);
    expect_error(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)),
                 StatusCode::kDataLoss, verifier_message(cut));
  }
}

// Every prefix of a small model either fails cleanly or (when only trailing padding was cut)
// imports; nothing crashes or reads out of bounds (the sanitizer builds check the latter).
TEST(TfliteMalformed, EveryTruncationFailsCleanly) {
  const Bytes good = int8_conv();
  for (size_t cut = 0; cut < good.size(); ++cut) {
    auto r = import_tflite_buffer(std::span<const uint8_t>(good.data(), cut), kSource);
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().rfind("bad.tflite: ", 0), 0u) << cut;
    }
  }
}

// Seeded random byte corruption: the importer returns an error or a verified graph, never
// crashes. A corrupted model that still passes every check must satisfy ir::verify.
TEST(TfliteMalformed, RandomByteCorruptionNeverCrashes) {
  const Bytes good = int8_conv();
  uint32_t s = 12345;
  auto next = [&s] { return s = s * 1664525u + 1013904223u; };
  int imported = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes bytes = good;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) {
      bytes[(next() >> 8) % bytes.size()] = static_cast<uint8_t>(next() >> 24);
    }
    auto r = import_tflite_buffer(bytes, kSource);
    if (r.ok()) {
      ++imported;
      EXPECT_TRUE(ir::verify(*r).ok());
    } else {
      EXPECT_EQ(r.status().message().rfind("bad.tflite: ", 0), 0u) << r.status().message();
    }
  }
  EXPECT_LT(imported, 3000);
}

TEST(TfliteMalformed, SchemaVersion) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { m.version = 2; }), StatusCode::kUnimplemented,
               "bad.tflite: schema version 2 is not supported (qexp reads 3)");
}

TEST(TfliteMalformed, NoSubgraphs) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { m.subgraphs.clear(); }),
               StatusCode::kInvalidArgument, "bad.tflite: the model has no subgraphs");
}

// ----- tensors and buffers ---------------------------------------------------------------------

TEST(TfliteMalformed, BufferIndexPastTheEnd) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { tensor(m, 1).buffer = 99; }),
               StatusCode::kOutOfRange,
               "bad.tflite: tensor 1 'conv1/weights': buffer index 99 is out of range, the model "
               "has 11 buffers");
}

TEST(TfliteMalformed, BufferShorterThanItsShape) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { m.buffers[1]->data.resize(100); }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 1 'conv1/weights': buffer 1 has 100 bytes, shape [4,3,3,3] "
               "float32 needs 432");
}

TEST(TfliteMalformed, ExternalBufferOutsideTheFile) {
  Bytes bytes = edit(cnn(), [](fbo::ModelT& m) {
    m.buffers[1]->data.clear();
    m.buffers[1]->offset = 1000000;
    m.buffers[1]->size = 432;
  });
  expect_error(bytes, StatusCode::kDataLoss,
               "bad.tflite: buffer 1: data at offset 1000000 with 432 bytes lies outside the file "
               "(" +
                   std::to_string(bytes.size()) + " bytes)");
}

TEST(TfliteMalformed, ExternalBufferOffsetPlusSizeOverflows) {
  Bytes bytes = edit(cnn(), [](fbo::ModelT& m) {
    m.buffers[1]->data.clear();
    m.buffers[1]->offset = 16;
    m.buffers[1]->size = std::numeric_limits<uint64_t>::max() - 8;
  });
  expect_error(bytes, StatusCode::kDataLoss,
               "bad.tflite: buffer 1: data at offset 16 with 18446744073709551607 bytes lies "
               "outside the file (" +
                   std::to_string(bytes.size()) + " bytes)");
}

TEST(TfliteMalformed, ShapeProductOverflows64Bits) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      tensor(m, 0).shape = {2147483647, 2147483647, 2147483647};
                    }),
               StatusCode::kOutOfRange,
               "bad.tflite: tensor 0 'input': shape [2147483647,2147483647,2147483647]: element "
               "count overflows 64 bits");
}

TEST(TfliteMalformed, NegativeDimension) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      tensor(m, 0).shape = {1, -1, 8, 3};
                    }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 0 'input': shape [1,-1,8,3] has a negative dimension");
}

TEST(TfliteMalformed, RankAboveEight) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { tensor(m, 0).shape.assign(9, 1); }),
               StatusCode::kOutOfRange,
               "bad.tflite: tensor 0 'input': shape has rank 9, at most 8 is supported");
}

TEST(TfliteMalformed, UnsupportedTensorType) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { tensor(m, 0).type = fbo::TensorType_STRING; }),
               StatusCode::kUnimplemented,
               "bad.tflite: tensor 0 'input': tensor type STRING is not supported (qexp reads "
               "FLOAT32, FLOAT16, INT8, UINT8, INT16, INT32, INT64 and BOOL)");
}

TEST(TfliteMalformed, SparseTensor) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      tensor(m, 15).sparsity = std::make_unique<fbo::SparsityParametersT>();
                    }),
               StatusCode::kUnimplemented,
               "bad.tflite: tensor 15 'fc/weights': sparse tensors are not supported");
}

TEST(TfliteMalformed, VariableTensor) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { tensor(m, 3).is_variable = true; }),
               StatusCode::kUnimplemented,
               "bad.tflite: tensor 3 'conv1/Relu6': variable tensors are not supported");
}

// ----- quantization ----------------------------------------------------------------------------

TEST(TfliteMalformed, PerAxisScaleCountDiffersFromChannelCount) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) {
                      quant(m, 2).scale = {0.1f, 0.2f, 0.3f};
                      quant(m, 2).zero_point = {0, 0, 0};
                    }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 2 'conv/weights_int8': 3 per-axis scales but dimension 0 of "
               "shape [4,3,3,3] has 4");
}

TEST(TfliteMalformed, ScaleAndZeroPointCountsDiffer) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) {
                      quant(m, 2).zero_point = {0, 0};
                    }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 2 'conv/weights_int8': quantization has 4 scales but 2 zero "
               "points");
}

TEST(TfliteMalformed, QuantizedDimensionOutOfRange) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { quant(m, 2).quantized_dimension = 4; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 2 'conv/weights_int8': quantized_dimension 4 is outside the "
               "rank 4 of shape [4,3,3,3]");
}

TEST(TfliteMalformed, QuantizedDimensionNegative) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { quant(m, 2).quantized_dimension = -1; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 2 'conv/weights_int8': quantized_dimension -1 is outside the "
               "rank 4 of shape [4,3,3,3]");
}

TEST(TfliteMalformed, ZeroScale) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { quant(m, 2).scale[1] = 0.0f; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 2 'conv/weights_int8': quantization scale[1] = 0, expected a "
               "finite value > 0");
}

TEST(TfliteMalformed, NegativeScale) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { quant(m, 1).scale[0] = -0.5f; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: tensor 1 'input_int8': quantization scale[0] = -0.5, expected a finite "
               "value > 0");
}

TEST(TfliteMalformed, NanScale) {
  expect_error(
      edit(int8_conv(),
           [](fbo::ModelT& m) { quant(m, 2).scale[3] = std::numeric_limits<float>::quiet_NaN(); }),
      StatusCode::kInvalidArgument,
      "bad.tflite: tensor 2 'conv/weights_int8': quantization scale[3] = nan, expected a "
      "finite value > 0");
}

TEST(TfliteMalformed, CustomQuantization) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) { quant(m, 2).details.Set(fbo::CustomQuantizationT{}); }),
               StatusCode::kUnimplemented,
               "bad.tflite: tensor 2 'conv/weights_int8': custom quantization details are not "
               "supported");
}

// ----- operators -------------------------------------------------------------------------------

TEST(TfliteMalformed, RequiredInputIsMinusOne) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).inputs[0] = -1; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 1 (CONV_2D): input 0 is -1 (absent), but CONV_2D requires it");
}

TEST(TfliteMalformed, InputTensorIndexPastTheEnd) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).inputs[1] = 250; }),
               StatusCode::kOutOfRange,
               "bad.tflite: operator 1 (CONV_2D): input 1 refers to tensor 250, the subgraph has 6 "
               "tensors");
}

TEST(TfliteMalformed, InputTensorIndexNegative) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).inputs[2] = -7; }),
               StatusCode::kOutOfRange,
               "bad.tflite: operator 1 (CONV_2D): input 2 refers to tensor -7, the subgraph has 6 "
               "tensors");
}

TEST(TfliteMalformed, OutputTensorIndexPastTheEnd) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 2).outputs[0] = 6; }),
               StatusCode::kOutOfRange,
               "bad.tflite: operator 2 (DEQUANTIZE): output 0 refers to tensor 6, the subgraph "
               "has 6 tensors");
}

TEST(TfliteMalformed, SubgraphInputIndexPastTheEnd) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { main_graph(m).inputs = {42}; }),
               StatusCode::kOutOfRange,
               "bad.tflite: subgraph input 0 refers to tensor 42, the subgraph has 19 tensors");
}

TEST(TfliteMalformed, OperatorHasTooManyInputs) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).inputs.push_back(0); }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 1 (CONV_2D): has 4 inputs, expected 2 to 3");
}

TEST(TfliteMalformed, OperatorHasTooFewInputs) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { op(m, 5).inputs.resize(1); }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 5 (MEAN): has 1 inputs, expected 2");
}

TEST(TfliteMalformed, OperatorHasTwoOutputs) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 0).outputs.push_back(5); }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 0 (QUANTIZE): has 2 outputs, expected 1");
}

TEST(TfliteMalformed, OpcodeIndexOutOfRange) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).opcode_index = 7; }),
               StatusCode::kOutOfRange,
               "bad.tflite: operator 1: opcode index 7 is out of range, the model has 3 operator "
               "codes");
}

TEST(TfliteMalformed, UnsupportedBuiltinOperator) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) {
                      m.operator_codes[1]->deprecated_builtin_code = 99;
                      m.operator_codes[1]->builtin_code = fbo::BuiltinOperator_SQUARED_DIFFERENCE;
                    }),
               StatusCode::kUnimplemented,
               "bad.tflite: operator 1: unsupported builtin operator 99 (SQUARED_DIFFERENCE)");
}

TEST(TfliteMalformed, BuiltinCodeUnknownToTheSchema) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) {
                      m.operator_codes[1]->deprecated_builtin_code = 127;
                      m.operator_codes[1]->builtin_code = static_cast<fbo::BuiltinOperator>(300);
                    }),
               StatusCode::kUnimplemented,
               "bad.tflite: operator 1: unsupported builtin operator 300 (unknown to qexp's "
               "schema)");
}

TEST(TfliteMalformed, CustomOperator) {
  expect_error(edit(int8_conv(),
                    [](fbo::ModelT& m) {
                      m.operator_codes[1]->deprecated_builtin_code = 32;
                      m.operator_codes[1]->builtin_code = fbo::BuiltinOperator_CUSTOM;
                      m.operator_codes[1]->custom_code = "MyFancyConv";
                    }),
               StatusCode::kUnimplemented,
               "bad.tflite: operator 1: custom operator 'MyFancyConv' is not supported (qexp reads "
               "builtin operators only)");
}

TEST(TfliteMalformed, OptionsOfTheWrongType) {
  expect_error(
      edit(cnn(),
           [](fbo::ModelT& m) { op(m, 0).builtin_options.Set(fbo::DepthwiseConv2DOptionsT{}); }),
      StatusCode::kInvalidArgument,
      "bad.tflite: operator 0 (CONV_2D): builtin options are DepthwiseConv2DOptions, "
      "expected Conv2DOptions");
}

TEST(TfliteMalformed, OptionsOnAnOpThatHasNone) {
  Bytes good = serialize(tt::float_elementwise("e"));
  expect_error(edit(good, [](fbo::ModelT& m) { op(m, 4).builtin_options.Set(fbo::AddOptionsT{}); }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 4 (LOGISTIC): builtin options are AddOptions, expected none");
}

TEST(TfliteMalformed, ZeroStride) {
  expect_error(
      edit(cnn(), [](fbo::ModelT& m) { op(m, 0).builtin_options.AsConv2DOptions()->stride_h = 0; }),
      StatusCode::kInvalidArgument,
      "bad.tflite: operator 0 (CONV_2D): stride_h is 0, expected >= 1");
}

TEST(TfliteMalformed, UnknownActivation) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      op(m, 0).builtin_options.AsConv2DOptions()->fused_activation_function =
                          static_cast<fbo::ActivationFunctionType>(9);
                    }),
               StatusCode::kInvalidArgument,
               "bad.tflite: operator 0 (CONV_2D): fused_activation_function 9 is not a TFLite "
               "activation (0 to 5)");
}

TEST(TfliteMalformed, ShuffledFullyConnectedWeights) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      op(m, 7).builtin_options.AsFullyConnectedOptions()->weights_format =
                          fbo::FullyConnectedOptionsWeightsFormat_SHUFFLED4x16INT8;
                    }),
               StatusCode::kUnimplemented,
               "bad.tflite: operator 7 (FULLY_CONNECTED): weights_format SHUFFLED4x16INT8 is not "
               "supported (only DEFAULT)");
}

// ----- graph level (ir::verify, prefixed with the file name) -----------------------------------

TEST(TfliteMalformed, OutputShapeDisagreesWithTheOp) {
  expect_error(edit(cnn(),
                    [](fbo::ModelT& m) {
                      tensor(m, 3).shape = {1, 8, 8, 5};
                    }),
               StatusCode::kInvalidArgument,
               "bad.tflite: op 0 'conv1/Relu6' (CONV_2D): output tensor 3 'conv1/Relu6' has shape "
               "[1,8,8,5], the op computes [1,8,8,4]");
}

TEST(TfliteMalformed, ConstantGraphInput) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { main_graph(m).inputs = {1}; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: graph input tensor 1 'conv1/weights' is a constant");
}

// A cycle: a TFLite subgraph lists operators in execution order, so an operator that reads the
// output of a later operator (here CONV_2D reads DEQUANTIZE's output, which depends on CONV_2D)
// closes a cycle; the interpreter would read a tensor nobody has written yet.
TEST(TfliteMalformed, CycleThroughALaterOperator) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 1).inputs[0] = 5; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: op 1 'conv/Relu_int8' (CONV_2D): input 0 tensor 5 'output' is "
               "produced later, by op 2 (cycle or wrong order)");
}

TEST(TfliteMalformed, CycleOperatorConsumesItsOwnOutput) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 2).inputs[0] = 5; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: op 2 'output' (DEQUANTIZE): input 0 tensor 5 'output' is the op's own "
               "output (cycle)");
}

TEST(TfliteMalformed, TensorWrittenByTwoOperators) {
  expect_error(edit(int8_conv(), [](fbo::ModelT& m) { op(m, 2).outputs[0] = 4; }),
               StatusCode::kInvalidArgument,
               "bad.tflite: op 2 'conv/Relu_int8' (DEQUANTIZE): output tensor 4 'conv/Relu_int8' "
               "is a constant, a graph input or already produced");
}

TEST(TfliteMalformed, MetadataBufferIndexOutOfRange) {
  expect_error(edit(cnn(), [](fbo::ModelT& m) { m.metadata[0]->buffer = 500; }),
               StatusCode::kOutOfRange,
               "bad.tflite: metadata 'min_runtime_version': buffer index 500 is out of range, the "
               "model has 11 buffers");
}

}  // namespace
}  // namespace qexp::tflite
