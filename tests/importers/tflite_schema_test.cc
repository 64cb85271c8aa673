// Pins qexp's TFLite schema subset (framework/importers/tflite/schema/tflite_subset.fbs) to the
// facts of TFLite's own schema.fbs: enum values, union type codes and field slots. The builder
// round trip proves the generated API is usable; the slot checks prove wire compatibility.
#include "framework/importers/tflite/schema/tflite_subset_generated.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace qexp {
namespace {

// vtable offset of field slot `id` (flatbuffers: 4 bytes of vtable header, 2 bytes per slot).
constexpr int slot(int id) { return 4 + 2 * id; }

TEST(TfliteSchema, TensorTypeValuesMatchTflite) {
  EXPECT_EQ(tflite::TensorType_FLOAT32, 0);
  EXPECT_EQ(tflite::TensorType_FLOAT16, 1);
  EXPECT_EQ(tflite::TensorType_INT32, 2);
  EXPECT_EQ(tflite::TensorType_UINT8, 3);
  EXPECT_EQ(tflite::TensorType_INT64, 4);
  EXPECT_EQ(tflite::TensorType_STRING, 5);
  EXPECT_EQ(tflite::TensorType_BOOL, 6);
  EXPECT_EQ(tflite::TensorType_INT16, 7);
  EXPECT_EQ(tflite::TensorType_INT8, 9);
  EXPECT_EQ(tflite::TensorType_FLOAT64, 10);
  EXPECT_EQ(tflite::TensorType_UINT32, 15);
  EXPECT_EQ(tflite::TensorType_UINT16, 16);
  EXPECT_EQ(tflite::TensorType_INT4, 17);
}

TEST(TfliteSchema, BuiltinOperatorValuesMatchTflite) {
  EXPECT_EQ(tflite::BuiltinOperator_ADD, 0);
  EXPECT_EQ(tflite::BuiltinOperator_AVERAGE_POOL_2D, 1);
  EXPECT_EQ(tflite::BuiltinOperator_CONCATENATION, 2);
  EXPECT_EQ(tflite::BuiltinOperator_CONV_2D, 3);
  EXPECT_EQ(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 4);
  EXPECT_EQ(tflite::BuiltinOperator_DEQUANTIZE, 6);
  EXPECT_EQ(tflite::BuiltinOperator_FULLY_CONNECTED, 9);
  EXPECT_EQ(tflite::BuiltinOperator_LOGISTIC, 14);
  EXPECT_EQ(tflite::BuiltinOperator_MAX_POOL_2D, 17);
  EXPECT_EQ(tflite::BuiltinOperator_MUL, 18);
  EXPECT_EQ(tflite::BuiltinOperator_RELU, 19);
  EXPECT_EQ(tflite::BuiltinOperator_RELU_N1_TO_1, 20);
  EXPECT_EQ(tflite::BuiltinOperator_RELU6, 21);
  EXPECT_EQ(tflite::BuiltinOperator_RESHAPE, 22);
  EXPECT_EQ(tflite::BuiltinOperator_SOFTMAX, 25);
  EXPECT_EQ(tflite::BuiltinOperator_TANH, 28);
  EXPECT_EQ(tflite::BuiltinOperator_PAD, 34);
  EXPECT_EQ(tflite::BuiltinOperator_TRANSPOSE, 39);
  EXPECT_EQ(tflite::BuiltinOperator_MEAN, 40);
  EXPECT_EQ(tflite::BuiltinOperator_SUB, 41);
  EXPECT_EQ(tflite::BuiltinOperator_SQUEEZE, 43);
  EXPECT_EQ(tflite::BuiltinOperator_PADV2, 60);
  EXPECT_EQ(tflite::BuiltinOperator_QUANTIZE, 114);
  EXPECT_EQ(tflite::BuiltinOperator_HARD_SWISH, 117);
  EXPECT_EQ(tflite::BuiltinOperator_BATCH_MATMUL, 126);
  EXPECT_EQ(tflite::BuiltinOperator_PLACEHOLDER_FOR_GREATER_OP_CODES, 127);
  EXPECT_EQ(tflite::BuiltinOperator_GELU, 150);
  EXPECT_EQ(tflite::BuiltinOperator_RIGHT_SHIFT, 161);
  EXPECT_EQ(tflite::BuiltinOperator_MAX, tflite::BuiltinOperator_RIGHT_SHIFT);
}

TEST(TfliteSchema, BuiltinOptionsTypeCodesMatchTflite) {
  EXPECT_EQ(tflite::BuiltinOptions_Conv2DOptions, 1);
  EXPECT_EQ(tflite::BuiltinOptions_DepthwiseConv2DOptions, 2);
  EXPECT_EQ(tflite::BuiltinOptions_Pool2DOptions, 5);
  EXPECT_EQ(tflite::BuiltinOptions_FullyConnectedOptions, 8);
  EXPECT_EQ(tflite::BuiltinOptions_SoftmaxOptions, 9);
  EXPECT_EQ(tflite::BuiltinOptions_ConcatenationOptions, 10);
  EXPECT_EQ(tflite::BuiltinOptions_AddOptions, 11);
  EXPECT_EQ(tflite::BuiltinOptions_ReshapeOptions, 17);
  EXPECT_EQ(tflite::BuiltinOptions_MulOptions, 21);
  EXPECT_EQ(tflite::BuiltinOptions_PadOptions, 22);
  EXPECT_EQ(tflite::BuiltinOptions_TransposeOptions, 26);
  EXPECT_EQ(tflite::BuiltinOptions_ReducerOptions, 27);
  EXPECT_EQ(tflite::BuiltinOptions_SubOptions, 28);
  EXPECT_EQ(tflite::BuiltinOptions_SqueezeOptions, 30);
  EXPECT_EQ(tflite::BuiltinOptions_DequantizeOptions, 38);
  EXPECT_EQ(tflite::BuiltinOptions_PadV2Options, 43);
  EXPECT_EQ(tflite::BuiltinOptions_QuantizeOptions, 89);
  EXPECT_EQ(tflite::BuiltinOptions_HardSwishOptions, 91);
  EXPECT_EQ(tflite::BuiltinOptions_BatchMatMulOptions, 101);
  EXPECT_EQ(tflite::BuiltinOptions_SignOptions, 123);
  EXPECT_EQ(tflite::BuiltinOptions_RightShiftOptions, 126);
}

TEST(TfliteSchema, SmallEnumsMatchTflite) {
  EXPECT_EQ(tflite::Padding_SAME, 0);
  EXPECT_EQ(tflite::Padding_VALID, 1);
  EXPECT_EQ(tflite::ActivationFunctionType_NONE, 0);
  EXPECT_EQ(tflite::ActivationFunctionType_RELU, 1);
  EXPECT_EQ(tflite::ActivationFunctionType_RELU_N1_TO_1, 2);
  EXPECT_EQ(tflite::ActivationFunctionType_RELU6, 3);
  EXPECT_EQ(tflite::ActivationFunctionType_TANH, 4);
  EXPECT_EQ(tflite::FullyConnectedOptionsWeightsFormat_SHUFFLED4x16INT8, 1);
}

// Field slots (ids) of the fields qexp reads, as in TFLite's schema.fbs. A union takes two slots.
TEST(TfliteSchema, FieldSlotsMatchTflite) {
  using QP = tflite::QuantizationParameters;
  EXPECT_EQ(QP::VT_SCALE, slot(2));
  EXPECT_EQ(QP::VT_ZERO_POINT, slot(3));
  EXPECT_EQ(QP::VT_DETAILS_TYPE, slot(4));
  EXPECT_EQ(QP::VT_QUANTIZED_DIMENSION, slot(6));

  using T = tflite::Tensor;
  EXPECT_EQ(T::VT_SHAPE, slot(0));
  EXPECT_EQ(T::VT_TYPE, slot(1));
  EXPECT_EQ(T::VT_BUFFER, slot(2));
  EXPECT_EQ(T::VT_NAME, slot(3));
  EXPECT_EQ(T::VT_QUANTIZATION, slot(4));
  EXPECT_EQ(T::VT_IS_VARIABLE, slot(5));
  EXPECT_EQ(T::VT_SPARSITY, slot(6));
  EXPECT_EQ(T::VT_SHAPE_SIGNATURE, slot(7));

  using OC = tflite::OperatorCode;
  EXPECT_EQ(OC::VT_DEPRECATED_BUILTIN_CODE, slot(0));
  EXPECT_EQ(OC::VT_CUSTOM_CODE, slot(1));
  EXPECT_EQ(OC::VT_VERSION, slot(2));
  EXPECT_EQ(OC::VT_BUILTIN_CODE, slot(3));

  using Op = tflite::Operator;
  EXPECT_EQ(Op::VT_OPCODE_INDEX, slot(0));
  EXPECT_EQ(Op::VT_INPUTS, slot(1));
  EXPECT_EQ(Op::VT_OUTPUTS, slot(2));
  EXPECT_EQ(Op::VT_BUILTIN_OPTIONS_TYPE, slot(3));
  EXPECT_EQ(Op::VT_BUILTIN_OPTIONS, slot(4));
  EXPECT_EQ(Op::VT_CUSTOM_OPTIONS, slot(5));
  EXPECT_EQ(Op::VT_INTERMEDIATES, slot(8));

  EXPECT_EQ(tflite::SubGraph::VT_OPERATORS, slot(3));
  EXPECT_EQ(tflite::SubGraph::VT_NAME, slot(4));
  EXPECT_EQ(tflite::Buffer::VT_DATA, slot(0));
  EXPECT_EQ(tflite::Buffer::VT_SIZE, slot(2));
  EXPECT_EQ(tflite::Model::VT_BUFFERS, slot(4));
  EXPECT_EQ(tflite::Model::VT_METADATA, slot(6));
  EXPECT_EQ(tflite::Model::VT_SIGNATURE_DEFS, slot(7));
  EXPECT_EQ(tflite::SignatureDef::VT_SUBGRAPH_INDEX, slot(4));  // slot 3 is deprecated_tag

  EXPECT_EQ(tflite::Conv2DOptions::VT_FUSED_ACTIVATION_FUNCTION, slot(3));
  EXPECT_EQ(tflite::Conv2DOptions::VT_DILATION_H_FACTOR, slot(5));
  EXPECT_EQ(tflite::DepthwiseConv2DOptions::VT_DEPTH_MULTIPLIER, slot(3));
  EXPECT_EQ(tflite::DepthwiseConv2DOptions::VT_DILATION_H_FACTOR, slot(6));
  EXPECT_EQ(tflite::Pool2DOptions::VT_FUSED_ACTIVATION_FUNCTION, slot(5));
  EXPECT_EQ(tflite::FullyConnectedOptions::VT_KEEP_NUM_DIMS, slot(2));
  EXPECT_EQ(tflite::ConcatenationOptions::VT_FUSED_ACTIVATION_FUNCTION, slot(1));
  EXPECT_EQ(tflite::AddOptions::VT_POT_SCALE_INT16, slot(1));
  EXPECT_EQ(tflite::ResizeBilinearOptions::VT_ALIGN_CORNERS, slot(2));
  EXPECT_EQ(tflite::BatchMatMulOptions::VT_ADJ_Y, slot(1));
}

// The effective builtin code of an OperatorCode (TFLite's GetBuiltinCode rule).
tflite::BuiltinOperator builtin_code_of(const tflite::OperatorCode& oc) {
  return static_cast<tflite::BuiltinOperator>(
      std::max<int32_t>(oc.deprecated_builtin_code(), static_cast<int32_t>(oc.builtin_code())));
}

// Builds: input[1,4] f32 -> FULLY_CONNECTED(w[2,4], b[2], RELU) -> [1,2] f32 -> QUANTIZE -> int8
// with per-tensor params; also an OperatorCode >= 127 and a per-channel int8 weight tensor.
std::vector<uint8_t> build_tiny_model() {
  flatbuffers::FlatBufferBuilder fbb;
  using namespace tflite;

  const float w[8] = {1, 2, 3, 4, -1, -2, -3, -4};
  const float b[2] = {0.5f, -0.5f};
  const int8_t wq[8] = {127, -127, 1, 2, 3, 4, 5, 6};
  auto raw = [&](const void* p, size_t n) {
    fbb.ForceVectorAlignment(n, 1, 16);
    return CreateBuffer(fbb, fbb.CreateVector(static_cast<const uint8_t*>(p), n));
  };
  std::vector<flatbuffers::Offset<Buffer>> buffers = {
      CreateBuffer(fbb), raw(w, sizeof(w)), raw(b, sizeof(b)), raw(wq, sizeof(wq))};

  std::vector<float> out_scale = {0.05f};
  std::vector<int64_t> out_zp = {-3};
  auto q_int8 = CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &out_scale, &out_zp);
  std::vector<float> w_scales = {0.01f, 0.02f};
  std::vector<int64_t> w_zps = {0, 0};
  auto q_pc = CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &w_scales, &w_zps,
                                                 QuantizationDetails_NONE, 0,
                                                 /*quantized_dimension=*/0);

  std::vector<int32_t> s_in = {1, 4}, s_w = {2, 4}, s_b = {2}, s_out = {1, 2};
  std::vector<flatbuffers::Offset<Tensor>> tensors = {
      CreateTensorDirect(fbb, &s_in, TensorType_FLOAT32, 0, "input"),
      CreateTensorDirect(fbb, &s_w, TensorType_FLOAT32, 1, "fc/weights"),
      CreateTensorDirect(fbb, &s_b, TensorType_FLOAT32, 2, "fc/bias"),
      CreateTensorDirect(fbb, &s_out, TensorType_FLOAT32, 0, "fc/out"),
      CreateTensorDirect(fbb, &s_out, TensorType_INT8, 0, "out_q", q_int8),
      CreateTensorDirect(fbb, &s_w, TensorType_INT8, 3, "w_per_channel", q_pc),
  };

  std::vector<flatbuffers::Offset<OperatorCode>> codes = {
      CreateOperatorCode(fbb, BuiltinOperator_FULLY_CONNECTED, 0, 1,
                         BuiltinOperator_FULLY_CONNECTED),
      CreateOperatorCode(fbb, BuiltinOperator_QUANTIZE, 0, 1, BuiltinOperator_QUANTIZE),
      // A writer stores min(code, 127) in the byte field.
      CreateOperatorCode(fbb, 127, 0, 1, BuiltinOperator_GELU),
      // An old writer sets only the byte field.
      CreateOperatorCode(fbb, BuiltinOperator_CONV_2D, 0, 2),
  };

  auto fc_opts = CreateFullyConnectedOptions(fbb, ActivationFunctionType_RELU);
  std::vector<int32_t> fc_in = {0, 1, 2}, fc_out = {3}, q_in = {3}, q_outs = {4};
  std::vector<flatbuffers::Offset<Operator>> ops = {
      CreateOperatorDirect(fbb, 0, &fc_in, &fc_out, BuiltinOptions_FullyConnectedOptions,
                           fc_opts.Union()),
      CreateOperatorDirect(fbb, 1, &q_in, &q_outs, BuiltinOptions_QuantizeOptions,
                           CreateQuantizeOptions(fbb).Union()),
  };
  std::vector<int32_t> g_in = {0}, g_out = {4};
  std::vector<flatbuffers::Offset<SubGraph>> subgraphs = {
      CreateSubGraphDirect(fbb, &tensors, &g_in, &g_out, &ops, "main")};
  auto model = CreateModelDirect(fbb, 3, &codes, &subgraphs, "qexp schema test", &buffers);
  FinishModelBuffer(fbb, model);
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

TEST(TfliteSchema, BuiltModelVerifiesAndReadsBack) {
  const std::vector<uint8_t> bytes = build_tiny_model();
  ASSERT_TRUE(tflite::ModelBufferHasIdentifier(bytes.data()));
  EXPECT_EQ(std::memcmp(bytes.data() + 4, "TFL3", 4), 0);
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  ASSERT_TRUE(tflite::VerifyModelBuffer(verifier));

  const tflite::Model* model = tflite::GetModel(bytes.data());
  EXPECT_EQ(model->version(), 3u);
  EXPECT_EQ(model->description()->str(), "qexp schema test");
  ASSERT_EQ(model->subgraphs()->size(), 1u);
  const tflite::SubGraph* g = model->subgraphs()->Get(0);
  EXPECT_EQ(g->name()->str(), "main");
  ASSERT_EQ(g->tensors()->size(), 6u);
  ASSERT_EQ(g->operators()->size(), 2u);

  const tflite::Tensor* w = g->tensors()->Get(1);
  EXPECT_EQ(w->name()->str(), "fc/weights");
  EXPECT_EQ(w->type(), tflite::TensorType_FLOAT32);
  ASSERT_EQ(w->shape()->size(), 2u);
  EXPECT_EQ(w->shape()->Get(0), 2);
  EXPECT_EQ(w->shape()->Get(1), 4);
  const tflite::Buffer* wb = model->buffers()->Get(w->buffer());
  ASSERT_EQ(wb->data()->size(), 8 * sizeof(float));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(wb->data()->data()) % 16, 0u) << "force_align: 16";
  float w0[8];
  std::memcpy(w0, wb->data()->data(), sizeof(w0));
  EXPECT_EQ(w0[3], 4.0f);
  EXPECT_EQ(w0[7], -4.0f);
  EXPECT_EQ(model->buffers()->Get(0)->data(), nullptr) << "buffer 0 is the empty sentinel";

  const tflite::Tensor* out = g->tensors()->Get(4);
  EXPECT_EQ(out->type(), tflite::TensorType_INT8);
  ASSERT_NE(out->quantization(), nullptr);
  EXPECT_FLOAT_EQ(out->quantization()->scale()->Get(0), 0.05f);
  EXPECT_EQ(out->quantization()->zero_point()->Get(0), -3);
  EXPECT_EQ(out->quantization()->min(), nullptr);
  EXPECT_EQ(out->sparsity(), nullptr);

  const tflite::Tensor* pc = g->tensors()->Get(5);
  ASSERT_EQ(pc->quantization()->scale()->size(), 2u);
  EXPECT_FLOAT_EQ(pc->quantization()->scale()->Get(1), 0.02f);
  EXPECT_EQ(pc->quantization()->quantized_dimension(), 0);

  const tflite::Operator* fc = g->operators()->Get(0);
  const tflite::OperatorCode* fc_code = model->operator_codes()->Get(fc->opcode_index());
  EXPECT_EQ(builtin_code_of(*fc_code), tflite::BuiltinOperator_FULLY_CONNECTED);
  EXPECT_EQ(fc->builtin_options_type(), tflite::BuiltinOptions_FullyConnectedOptions);
  ASSERT_NE(fc->builtin_options_as_FullyConnectedOptions(), nullptr);
  EXPECT_EQ(fc->builtin_options_as_Conv2DOptions(), nullptr);
  EXPECT_EQ(fc->builtin_options_as_FullyConnectedOptions()->fused_activation_function(),
            tflite::ActivationFunctionType_RELU);
  EXPECT_EQ(fc->builtin_options_as_FullyConnectedOptions()->weights_format(),
            tflite::FullyConnectedOptionsWeightsFormat_DEFAULT);
  ASSERT_EQ(fc->inputs()->size(), 3u);
  EXPECT_EQ(fc->inputs()->Get(2), 2);

  const tflite::Operator* q = g->operators()->Get(1);
  EXPECT_EQ(builtin_code_of(*model->operator_codes()->Get(q->opcode_index())),
            tflite::BuiltinOperator_QUANTIZE);
  EXPECT_EQ(q->builtin_options_type(), tflite::BuiltinOptions_QuantizeOptions);

  const tflite::OperatorCode* gelu = model->operator_codes()->Get(2);
  EXPECT_EQ(gelu->deprecated_builtin_code(), 127);
  EXPECT_EQ(builtin_code_of(*gelu), tflite::BuiltinOperator_GELU);
  const tflite::OperatorCode* old_conv = model->operator_codes()->Get(3);
  EXPECT_EQ(old_conv->builtin_code(), tflite::BuiltinOperator_ADD) << "unset reads as 0";
  EXPECT_EQ(builtin_code_of(*old_conv), tflite::BuiltinOperator_CONV_2D);
  EXPECT_EQ(old_conv->version(), 2);
  EXPECT_EQ(model->operator_codes()->Get(0)->version(), 1);
}

TEST(TfliteSchema, VerifierRejectsTruncatedAndWrongIdentifier) {
  std::vector<uint8_t> bytes = build_tiny_model();
  for (size_t cut : {size_t{0}, size_t{7}, bytes.size() / 2, bytes.size() - 1}) {
    flatbuffers::Verifier v(bytes.data(), cut);
    EXPECT_FALSE(tflite::VerifyModelBuffer(v)) << "truncated to " << cut << " bytes";
  }
  bytes[4] = 'X';
  flatbuffers::Verifier v(bytes.data(), bytes.size());
  EXPECT_FALSE(tflite::VerifyModelBuffer(v));
}

TEST(TfliteSchema, DefaultsMatchTflite) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(tflite::CreateConv2DOptions(fbb));
  auto* conv = flatbuffers::GetRoot<tflite::Conv2DOptions>(fbb.GetBufferPointer());
  EXPECT_EQ(conv->padding(), tflite::Padding_SAME);
  EXPECT_EQ(conv->dilation_w_factor(), 1);
  EXPECT_EQ(conv->dilation_h_factor(), 1);
  EXPECT_EQ(conv->fused_activation_function(), tflite::ActivationFunctionType_NONE);

  flatbuffers::FlatBufferBuilder fbb2;
  fbb2.Finish(tflite::CreateAddOptions(fbb2));
  auto* add = flatbuffers::GetRoot<tflite::AddOptions>(fbb2.GetBufferPointer());
  EXPECT_TRUE(add->pot_scale_int16());
}

}  // namespace
}  // namespace qexp
