#include "framework/importers/tflite/tflite_importer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "framework/core/checked_math.h"
#include "framework/core/file_io.h"
#include "framework/core/limits.h"
#include "framework/importers/tflite/tflite_import_internal.h"
#include "framework/ir/verifier.h"

namespace qexp::tflite {
namespace {

namespace fb = internal::fb;
using fb::Buffer;
using fb::Model;
using fb::QuantizationParameters;
using internal::ImportContext;

// Verifier limits, the flatbuffers defaults TFLite's own reader uses: models nest only a few
// levels deep (Model → SubGraph → Operator → options → vector), and the table limit bounds the
// work and memory a hostile file can cause (tables may be referenced many times).
constexpr flatbuffers::uoffset_t kMaxDepth = 64;
constexpr flatbuffers::uoffset_t kMaxTables = 1'000'000;

std::string printable_bytes(std::span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) {
    if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
      out += static_cast<char>(b);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

/// Copies a verified vector of scalars. memcpy, because the verifier aligns a vector's length
/// field to 4 bytes only: int64 elements (zero points) may sit at addresses ≡ 4 (mod 8).
template <typename T>
std::vector<T> copy_scalars(const flatbuffers::Vector<T>* v) {
  static_assert(FLATBUFFERS_LITTLEENDIAN, "flatbuffers data is little-endian");
  std::vector<T> out;
  if (v == nullptr) return out;
  out.resize(v->size());
  if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
  return out;
}

std::string tensor_label(int index, const fb::Tensor* t) {
  std::string_view name = t->name() != nullptr ? t->name()->string_view() : std::string_view();
  return str_cat("tensor ", index, " ", quoted(name));
}

Status check_header(std::span<const uint8_t> data, std::string_view source) {
  if (data.size() < 8) {
    return Status(StatusCode::kDataLoss,
                  str_cat(source, ": file has ", data.size(),
                          " bytes, too small for a TFLite model (a flatbuffer needs at least 8)"));
  }
  if (std::memcmp(data.data() + 4, fb::ModelIdentifier(), 4) != 0) {
    return invalid_argument(str_cat(source,
                                    ": not a TFLite model: file identifier (bytes 4-7) is '",
                                    printable_bytes(data.subspan(4, 4)), "', expected 'TFL3'"));
  }
  return ok_status();
}

Status verify_flatbuffer(std::span<const uint8_t> data, std::string_view source) {
  // The flatbuffer itself is at most 2 GiB - 1; larger files keep buffer data past its end.
  size_t fb_size = std::min<size_t>(data.size(), FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  flatbuffers::Verifier verifier(data.data(), fb_size, kMaxDepth, kMaxTables);
  if (!fb::VerifyModelBuffer(verifier)) {
    return data_loss(str_cat(source, ": corrupt or truncated TFLite model (", data.size(),
                             " bytes): the flatbuffer verifier rejected it"));
  }
  return ok_status();
}

/// The bytes of buffer `index`: inline data, or the offset/size form (offset > 1) that points
/// past the flatbuffer into the file.
Result<std::span<const uint8_t>> buffer_bytes(const ImportContext& ctx, uint32_t index) {
  const Buffer* b = ctx.model->buffers()->Get(index);
  if (b->offset() > 1) {
    int64_t end = 0;
    if (b->offset() > static_cast<uint64_t>(INT64_MAX) ||
        b->size() > static_cast<uint64_t>(INT64_MAX) ||
        !checked_add(static_cast<int64_t>(b->offset()), static_cast<int64_t>(b->size()), &end) ||
        end > static_cast<int64_t>(ctx.file.size())) {
      return ctx.error(
          StatusCode::kDataLoss,
          str_cat("buffer ", index, ": data at offset ", b->offset(), " with ", b->size(),
                  " bytes lies outside the file (", ctx.file.size(), " bytes)"));
    }
    return ctx.file.subspan(static_cast<size_t>(b->offset()), static_cast<size_t>(b->size()));
  }
  if (b->data() == nullptr) return std::span<const uint8_t>();
  return std::span<const uint8_t>(b->data()->data(), b->data()->size());
}

Result<Shape> import_shape(const ImportContext& ctx, const std::string& label,
                           const fb::Tensor* t) {
  const auto* dims = t->shape();
  size_t rank = dims != nullptr ? dims->size() : 0;
  if (rank > static_cast<size_t>(kMaxRank)) {
    return ctx.error(StatusCode::kOutOfRange, str_cat(label, ": shape has rank ", rank,
                                                      ", at most ", kMaxRank, " is supported"));
  }
  std::vector<int64_t> v;
  for (size_t i = 0; i < rank; ++i) v.push_back(dims->Get(static_cast<flatbuffers::uoffset_t>(i)));
  Shape shape(std::move(v));
  auto n = shape.checked_num_elements();
  if (!n.ok()) return ctx.error(n.status().code(), str_cat(label, ": ", n.status().message()));
  return shape;
}

Status check_scales(const ImportContext& ctx, const std::string& label,
                    const std::vector<float>& scale) {
  for (size_t i = 0; i < scale.size(); ++i) {
    if (!std::isfinite(scale[i]) || scale[i] <= 0.0f) {
      return ctx.error(StatusCode::kInvalidArgument,
                       str_cat(label, ": quantization scale[", i, "] = ", format_float(scale[i]),
                               ", expected a finite value > 0"));
    }
  }
  return ok_status();
}

Status import_quantization(const ImportContext& ctx, const std::string& label,
                           const QuantizationParameters* q, const Shape& shape,
                           ir::QuantParams* out) {
  if (q == nullptr) return ok_status();
  auto fail = [&](const std::string& what) {
    return ctx.error(StatusCode::kInvalidArgument, str_cat(label, ": ", what));
  };
  if (q->details_type() != fb::QuantizationDetails_NONE) {
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat(label, ": custom quantization details are not supported"));
  }
  out->min = copy_scalars(q->min());
  out->max = copy_scalars(q->max());
  out->scale = copy_scalars(q->scale());
  out->zero_point = copy_scalars(q->zero_point());
  out->quantized_dimension = q->quantized_dimension();
  const size_t n = out->scale.size();
  if (n == 0 && out->zero_point.empty()) return ok_status();
  if (n != out->zero_point.size()) {
    return fail(
        str_cat("quantization has ", n, " scales but ", out->zero_point.size(), " zero points"));
  }
  const int qd = out->quantized_dimension;
  if (qd < 0 || (shape.rank() > 0 && qd >= shape.rank()) || (n > 1 && shape.rank() == 0)) {
    return fail(str_cat("quantized_dimension ", qd, " is outside the rank ", shape.rank(),
                        " of shape ", shape.to_string()));
  }
  if (n > 1 && static_cast<int64_t>(n) != shape[qd]) {
    return fail(str_cat(n, " per-axis scales but dimension ", qd, " of shape ", shape.to_string(),
                        " has ", shape[qd]));
  }
  return check_scales(ctx, label, out->scale);
}

Status import_constant(const ImportContext& ctx, const std::string& label, uint32_t buffer,
                       ir::Tensor* t) {
  const uint32_t num_buffers = ctx.model->buffers() != nullptr ? ctx.model->buffers()->size() : 0;
  if (buffer >= num_buffers) {
    return ctx.error(StatusCode::kOutOfRange,
                     str_cat(label, ": buffer index ", buffer, " is out of range, the model has ",
                             num_buffers, " buffers"));
  }
  QEXP_ASSIGN_OR_RETURN(auto bytes, buffer_bytes(ctx, buffer));
  if (bytes.empty()) return ok_status();  // not a constant
  int64_t needed = 0;
  const bool fits =
      checked_mul(t->shape.num_elements(), static_cast<int64_t>(dtype_size(t->dtype)), &needed);
  if (!fits || static_cast<int64_t>(bytes.size()) != needed) {
    return ctx.error(StatusCode::kInvalidArgument,
                     str_cat(label, ": buffer ", buffer, " has ", bytes.size(), " bytes, shape ",
                             t->shape.to_string(), " ", dtype_name(t->dtype), " needs ",
                             fits ? std::to_string(needed) : std::string("at least 2^63")));
  }
  t->data = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  return ok_status();
}

Status import_tensor(const ImportContext& ctx, int index, const fb::Tensor* src) {
  const std::string label = tensor_label(index, src);
  ir::Tensor t;
  if (src->name() != nullptr) t.name = src->name()->str();
  auto dtype = internal::dtype_from_tflite(src->type());
  if (!dtype) {
    const char* name = fb::EnumNameTensorType(src->type());
    return ctx.error(
        StatusCode::kUnimplemented,
        str_cat(label, ": tensor type ",
                name != nullptr && name[0] ? std::string(name) : std::to_string(src->type()),
                " is not supported (qexp reads FLOAT32, FLOAT16, INT8, UINT8, INT16, "
                "INT32, INT64 and BOOL)"));
  }
  t.dtype = *dtype;
  if (src->sparsity() != nullptr) {
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat(label, ": sparse tensors are not supported"));
  }
  if (src->is_variable()) {
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat(label, ": variable tensors are not supported"));
  }
  QEXP_ASSIGN_OR_RETURN(t.shape, import_shape(ctx, label, src));
  QEXP_RETURN_IF_ERROR(import_quantization(ctx, label, src->quantization(), t.shape, &t.quant));
  QEXP_RETURN_IF_ERROR(import_constant(ctx, label, src->buffer(), &t));
  ctx.graph->add_tensor(std::move(t));
  return ok_status();
}

Result<std::vector<int>> import_io(const ImportContext& ctx, const flatbuffers::Vector<int32_t>* v,
                                   const char* what) {
  std::vector<int> out;
  if (v == nullptr) return out;
  for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) {
    int t = v->Get(i);
    if (t < 0 || t >= ctx.num_tensors()) {
      return ctx.error(StatusCode::kOutOfRange,
                       str_cat("subgraph ", what, " ", i, " refers to tensor ", t,
                               ", the subgraph has ", ctx.num_tensors(), " tensors"));
    }
    out.push_back(t);
  }
  return out;
}

/// Model-level metadata: description, the min_runtime_version entry the converter writes.
Status import_model_metadata(const ImportContext& ctx) {
  ir::Graph& g = *ctx.graph;
  g.metadata["source_format"] = "tflite";
  g.metadata["tflite_schema_version"] = std::to_string(ctx.model->version());
  if (ctx.model->description() != nullptr && ctx.model->description()->size() > 0) {
    g.metadata["tflite_description"] = ctx.model->description()->str();
  }
  if (ctx.subgraph->name() != nullptr && ctx.subgraph->name()->size() > 0) {
    g.metadata["tflite_subgraph_name"] = ctx.subgraph->name()->str();
  }
  if (ctx.model->subgraphs()->size() > 1) {
    g.metadata["warning"] =
        str_cat("model has ", ctx.model->subgraphs()->size(), " subgraphs; qexp uses the first");
  }
  if (ctx.model->metadata() == nullptr) return ok_status();
  const uint32_t num_buffers = ctx.model->buffers() != nullptr ? ctx.model->buffers()->size() : 0;
  for (const fb::Metadata* m : *ctx.model->metadata()) {
    if (m->name() == nullptr || m->name()->string_view() != "min_runtime_version") continue;
    if (m->buffer() >= num_buffers) {
      return ctx.error(StatusCode::kOutOfRange,
                       str_cat("metadata 'min_runtime_version': buffer index ", m->buffer(),
                               " is out of range, the model has ", num_buffers, " buffers"));
    }
    QEXP_ASSIGN_OR_RETURN(auto bytes, buffer_bytes(ctx, m->buffer()));
    // A NUL-padded string (16 bytes from TFLite's converter).
    auto end = std::find(bytes.begin(), bytes.end(), uint8_t{0});
    auto version = bytes.first(static_cast<size_t>(end - bytes.begin()));
    if (!version.empty()) g.metadata["tflite_min_runtime_version"] = printable_bytes(version);
  }
  return ok_status();
}

Status import_model(ImportContext& ctx) {
  const Model* model = ctx.model;
  if (model->version() != internal::kSchemaVersion) {
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat("schema version ", model->version(), " is not supported (qexp reads ",
                             internal::kSchemaVersion, ")"));
  }
  if (model->subgraphs() == nullptr || model->subgraphs()->size() == 0) {
    return ctx.error(StatusCode::kInvalidArgument, "the model has no subgraphs");
  }
  ctx.subgraph = model->subgraphs()->Get(0);
  const auto* tensors = ctx.subgraph->tensors();
  const uint32_t n = tensors != nullptr ? tensors->size() : 0;
  if (n > static_cast<uint32_t>(INT32_MAX)) {
    return ctx.error(StatusCode::kOutOfRange, str_cat("the subgraph has ", n, " tensors"));
  }
  ctx.graph->tensors.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    QEXP_RETURN_IF_ERROR(import_tensor(ctx, static_cast<int>(i), tensors->Get(i)));
  }
  QEXP_ASSIGN_OR_RETURN(ctx.graph->inputs, import_io(ctx, ctx.subgraph->inputs(), "input"));
  QEXP_ASSIGN_OR_RETURN(ctx.graph->outputs, import_io(ctx, ctx.subgraph->outputs(), "output"));
  QEXP_RETURN_IF_ERROR(internal::import_operators(ctx));
  return import_model_metadata(ctx);
}

}  // namespace

Result<ir::Graph> import_tflite_buffer(std::span<const uint8_t> data,
                                       std::string_view source_name) {
  QEXP_RETURN_IF_ERROR(check_header(data, source_name));
  // Flatbuffer accessors read scalars in place; keep them aligned.
  std::vector<uint8_t> aligned_copy;
  if (reinterpret_cast<uintptr_t>(data.data()) % alignof(std::max_align_t) != 0) {
    aligned_copy.assign(data.begin(), data.end());
    data = aligned_copy;
  }
  QEXP_RETURN_IF_ERROR(verify_flatbuffer(data, source_name));
  ir::Graph graph;
  graph.name = std::string(source_name);
  ImportContext ctx;
  ctx.source = source_name;
  ctx.file = data;
  ctx.model = fb::GetModel(data.data());
  ctx.graph = &graph;
  QEXP_RETURN_IF_ERROR(import_model(ctx));
  QEXP_RETURN_IF_ERROR_CTX(ir::verify(graph), source_name);
  return graph;
}

Result<ir::Graph> import_tflite_file(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = read_file(path, limits().max_tflite_bytes);
  if (!bytes.ok()) return name_limit(bytes.status(), "max_tflite_bytes");
  return import_tflite_buffer(*bytes, path);
}

}  // namespace qexp::tflite
