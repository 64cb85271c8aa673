#include "framework/exporters/tflite/tflite_exporter.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include "framework/core/checked_math.h"
#include "framework/core/file_io.h"
#include "framework/exporters/tflite/op_versions.h"
#include "framework/exporters/tflite/tflite_export_internal.h"
#include "framework/ir/verifier.h"

namespace qexp::tflite {
namespace {

namespace fb = internal::fb;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr const char* kErrorPrefix = "cannot export to TFLite";
constexpr const char* kDescription = "qexp";
constexpr const char* kSubgraphName = "main";
// TFLite's converter reserves 16 bytes for this metadata string (the buffer alignment).
constexpr size_t kRuntimeVersionBytes = 16;
// A flatbuffer is limited to 2 GiB; leave room for everything but the constants.
constexpr int64_t kMaxConstantBytes = (int64_t{1} << 31) - (int64_t{64} << 20);

std::string op_label(const ir::Graph& g, size_t i) {
  const ir::Op& op = g.ops[i];
  return str_cat("op ", i, " ", quoted(op.name), " (", ir::op_type_name(op.type), ")");
}

/// The conversion pass that lowers an IR-only op.
std::string_view lowering_pass(ir::OpType type) {
  switch (type) {
    case ir::OpType::kBatchNorm:
      return "fold-batchnorm";
    case ir::OpType::kMatMul:
      return "matmul-to-fully-connected";
    case ir::OpType::kIdentity:
      return "remove-identity";
    default:
      return "";
  }
}

bool fits_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/// What ir::verify does not check but TFLite's format needs.
Status check_exportable(const ir::Graph& g) {
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    if (ir::op_info(op.type).tflite_code < 0) {
      return failed_precondition(str_cat(op_label(g, i), " has no TFLite builtin; run the '",
                                         lowering_pass(op.type), "' pass first"));
    }
    // (Before ir::verify: the options may still be of the wrong kind.)
    if (const auto* reshape = std::get_if<ir::ReshapeOptions>(&op.options)) {
      for (int64_t d : reshape->new_shape) {
        if (!fits_int32(d)) {
          return out_of_range(
              str_cat(op_label(g, i), ": new_shape value ", d, " does not fit TFLite's int32"));
        }
      }
    }
  }
  int64_t total = 0;
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    const ir::Tensor& t = g.tensors[i];
    for (int64_t d : t.shape.dims()) {
      if (!fits_int32(d)) {
        return out_of_range(str_cat("tensor ", i, " ", quoted(t.name), ": dimension ", d,
                                    " of shape ", t.shape.to_string(),
                                    " does not fit TFLite's int32"));
      }
    }
    if (t.is_const() && (!checked_add(total, static_cast<int64_t>(t.data->size()) + 16, &total) ||
                         total > kMaxConstantBytes)) {
      return resource_exhausted(str_cat("the constants exceed ", kMaxConstantBytes,
                                        " bytes; a TFLite flatbuffer holds at most 2 GiB"));
    }
  }
  return ok_status();
}

class ModelWriter {
 public:
  explicit ModelWriter(const ir::Graph& g) : g_(g), b_(1024 + constant_bytes(g)) {}

  std::vector<uint8_t> write() {
    std::vector<Offset<fb::Buffer>> buffers;
    buffers.push_back(fb::CreateBuffer(b_));  // buffer 0: empty, by convention
    std::vector<Offset<fb::Tensor>> tensors;
    for (const ir::Tensor& t : g_.tensors) tensors.push_back(tensor(t, &buffers));
    std::vector<Offset<fb::Operator>> operators;
    for (const ir::Op& op : g_.ops) operators.push_back(op_entry(op));
    auto subgraph = fb::CreateSubGraph(b_, b_.CreateVector(tensors), b_.CreateVector(g_.inputs),
                                       b_.CreateVector(g_.outputs), b_.CreateVector(operators),
                                       b_.CreateString(kSubgraphName));
    std::vector<Offset<fb::Metadata>> metadata;
    metadata.push_back(runtime_version_metadata(&buffers));
    auto model = fb::CreateModel(b_, internal::kSchemaVersion, b_.CreateVector(opcodes_),
                                 b_.CreateVector(&subgraph, 1), b_.CreateString(kDescription),
                                 b_.CreateVector(buffers), 0, b_.CreateVector(metadata));
    fb::FinishModelBuffer(b_, model);
    return std::vector<uint8_t>(b_.GetBufferPointer(), b_.GetBufferPointer() + b_.GetSize());
  }

 private:
  static size_t constant_bytes(const ir::Graph& g) {
    size_t n = 0;
    for (const ir::Tensor& t : g.tensors) n += t.is_const() ? t.data->size() + 16 : 0;
    return n;
  }

  Offset<fb::QuantizationParameters> quantization(const ir::QuantParams& q) {
    auto vec = [&](const auto& v) { return v.empty() ? 0 : b_.CreateVector(v); };
    auto min = vec(q.min);
    auto max = vec(q.max);
    auto scale = vec(q.scale);
    auto zero_point = vec(q.zero_point);
    return fb::CreateQuantizationParameters(b_, min, max, scale, zero_point,
                                            fb::QuantizationDetails_NONE, 0, q.quantized_dimension);
  }

  Offset<fb::Tensor> tensor(const ir::Tensor& t, std::vector<Offset<fb::Buffer>>* buffers) {
    uint32_t buffer = 0;
    if (t.is_const() && !t.data->empty()) {
      buffer = static_cast<uint32_t>(buffers->size());
      buffers->push_back(fb::CreateBufferDirect(b_, t.data.get()));
    }
    std::vector<int32_t> dims(t.shape.dims().begin(), t.shape.dims().end());
    auto shape = b_.CreateVector(dims);
    auto name = b_.CreateString(t.name);
    Offset<fb::QuantizationParameters> quant = 0;
    if (internal::writes_quantization(t)) quant = quantization(t.quant);
    return fb::CreateTensor(b_, shape, internal::dtype_to_tflite(t.dtype), buffer, name, quant);
  }

  /// Index of the OperatorCode for (op type, version), created on first use.
  uint32_t opcode_index(const ir::Op& op) {
    const int code = ir::op_info(op.type).tflite_code;
    const int version = tflite_op_version(g_, op);
    auto [it, inserted] =
        opcode_map_.try_emplace({code, version}, static_cast<uint32_t>(opcodes_.size()));
    if (inserted) {
      const auto deprecated = static_cast<int8_t>(std::min(code, 127));
      opcodes_.push_back(fb::CreateOperatorCode(b_, deprecated, 0, version,
                                                static_cast<fb::BuiltinOperator>(code)));
    }
    return it->second;
  }

  Offset<fb::Operator> op_entry(const ir::Op& op) {
    const uint32_t opcode = opcode_index(op);
    auto inputs = b_.CreateVector(op.inputs);
    auto outputs = b_.CreateVector(op.outputs);
    auto [options_type, options] = internal::build_options(b_, g_, op);
    return fb::CreateOperator(b_, opcode, inputs, outputs, options_type, options);
  }

  Offset<fb::Metadata> runtime_version_metadata(std::vector<Offset<fb::Buffer>>* buffers) {
    std::string version = model_min_runtime_version(g_);
    // Upstream skips the write when the string does not fit; the buffer stays zero then.
    if (version.size() >= kRuntimeVersionBytes) version.clear();
    std::vector<uint8_t> bytes(kRuntimeVersionBytes, 0);
    std::memcpy(bytes.data(), version.data(), version.size());
    const auto index = static_cast<uint32_t>(buffers->size());
    buffers->push_back(fb::CreateBufferDirect(b_, &bytes));
    return fb::CreateMetadataDirect(b_, "min_runtime_version", index);
  }

  const ir::Graph& g_;
  FlatBufferBuilder b_;
  std::vector<Offset<fb::OperatorCode>> opcodes_;
  std::map<std::pair<int, int>, uint32_t> opcode_map_;
};

}  // namespace

Result<std::vector<uint8_t>> serialize_tflite(const ir::Graph& graph) {
  QEXP_RETURN_IF_ERROR_CTX(check_exportable(graph), kErrorPrefix);
  QEXP_RETURN_IF_ERROR_CTX(ir::verify(graph), kErrorPrefix);
  return ModelWriter(graph).write();
}

Status export_tflite_file(const ir::Graph& graph, const std::string& path) {
  auto bytes = serialize_tflite(graph);
  if (!bytes.ok()) return std::move(bytes).status().with_context(path);
  return write_file_atomic(path, *bytes);
}

}  // namespace qexp::tflite
