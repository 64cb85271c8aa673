#pragma once
/// Writes a qexp IR graph (as loaded from a .tflite) as an ONNX model (opset 13) for the peer
/// benchmarks: a float graph as plain ONNX, an int8 graph as ONNX QDQ carrying qexp's own
/// quantization parameters.
///
/// - Layout: ONNX convolutions are NCHW, qexp's tensors NHWC. The graph inputs and outputs keep
///   qexp's NHWC shapes (so the same raw input bytes feed both runtimes); a Transpose follows a
///   4-D input, and 4-D activations stay NCHW inside. Before RESHAPE and FULLY_CONNECTED a 4-D
///   activation whose spatial size is not 1x1 is transposed back to NHWC order.
/// - Ops: CONV_2D and DEPTHWISE_CONV_2D → Conv (weights OHWI → OIHW, depthwise [1,H,W,C·M] →
///   [C·M,1,H,W] with group = C; SAME padding as explicit pads, the extra row / column at the
///   end like TensorFlow); AVERAGE_POOL_2D / MAX_POOL_2D → AveragePool / MaxPool (padding
///   excluded from averages, like TFLite); RESHAPE → Reshape; SOFTMAX → Softmax (beta ≠ 1 as a
///   Mul first); FULLY_CONNECTED → Reshape to [-1, K] + Gemm (transB); QUANTIZE / DEQUANTIZE →
///   QuantizeLinear / DequantizeLinear. Fused RELU → Relu, RELU6 → Clip(0, 6), RELU_N1_TO_1 →
///   Clip(-1, 1).
/// - QDQ: every quantized activation is produced in float and passed through QuantizeLinear →
///   DequantizeLinear with its per-tensor scale and zero point; quantized constants are stored
///   as integers (int8 weights, int32 biases) followed by DequantizeLinear, per-axis parameters
///   with `axis` (0 after the weight reordering). Runtimes fuse these patterns into integer
///   kernels (ONNX Runtime: QLinearConv and friends).

#include <string>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::bench_peers {

struct OnnxExportSummary {
  int onnx_nodes = 0;
  int quantized_tensors = 0;  ///< activations written as QuantizeLinear → DequantizeLinear
};

/// The serialized ModelProto. Errors (kUnimplemented) name the first op or tensor the exporter
/// cannot express (another op type, int16 activations, a dynamic shape, keep_num_dims).
Result<std::string> export_onnx(const ir::Graph& graph, OnnxExportSummary* summary = nullptr);

}  // namespace qexp::bench_peers
