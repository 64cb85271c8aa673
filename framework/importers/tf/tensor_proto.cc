// Decoding TensorFlow TensorProto values and rendering attrs, for the GraphDef importer.

#include <cstring>

#include "framework/core/checked_math.h"
#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_internal.h"

namespace qexp::tf::internal {
namespace {

Result<DType> dtype_of(tfproto::DataType t, std::string_view what) {
  switch (t) {
    case tfproto::DT_FLOAT: return DType::kFloat32;
    case tfproto::DT_HALF: return DType::kFloat16;
    case tfproto::DT_INT32: return DType::kInt32;
    case tfproto::DT_INT64: return DType::kInt64;
    case tfproto::DT_INT8: return DType::kInt8;
    case tfproto::DT_UINT8: return DType::kUInt8;
    case tfproto::DT_INT16: return DType::kInt16;
    case tfproto::DT_BOOL: return DType::kBool;
    default:
      return unimplemented(str_cat(what, ": tensor type ", tfproto::DataType_Name(t),
                                   " (", static_cast<int>(t), ") is not supported"));
  }
}

// Fills `out` from a typed repeated field: values in order, the last one repeated to the end.
template <typename Src, typename Dst>
Status fill_typed(const Src& values, Dst* out, int64_t n, std::string_view what) {
  int64_t count = values.size();
  if (count == 0) return ok_status();  // all zeros
  if (count > n) {
    return invalid_argument(str_cat(what, ": ", count, " values for a tensor of ", n, " elements"));
  }
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<Dst>(values.Get(static_cast<int>(i < count ? i : count - 1)));
  }
  return ok_status();
}

}  // namespace

bool parse_input_ref(std::string_view input, InputRef* out) {
  if (input.empty()) return false;
  if (input[0] == '^') {
    out->node = std::string(input.substr(1));
    out->index = -1;
    return !out->node.empty();
  }
  size_t colon = input.rfind(':');
  if (colon == std::string_view::npos) {
    out->node = std::string(input);
    out->index = 0;
    return true;
  }
  std::string_view idx = input.substr(colon + 1);
  if (idx.empty() || idx.size() > 6) return false;
  int v = 0;
  for (char c : idx) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out->node = std::string(input.substr(0, colon));
  out->index = v;
  return !out->node.empty();
}

Result<Tensor> decode_tensor_proto(const tfproto::TensorProto& proto, std::string_view what) {
  QEXP_ASSIGN_OR_RETURN(DType dtype, dtype_of(proto.dtype(), what));
  std::vector<int64_t> dims;
  if (proto.tensor_shape().unknown_rank()) {
    return invalid_argument(str_cat(what, ": constant has unknown rank"));
  }
  for (const auto& d : proto.tensor_shape().dim()) dims.push_back(d.size());
  Shape shape(dims);
  auto n_or = shape.checked_num_elements();
  if (!n_or.ok()) return Status(n_or.status()).with_context(what);
  int64_t n = *n_or;
  int64_t bytes = 0;
  if (!checked_mul(n, static_cast<int64_t>(dtype_size(dtype)), &bytes) || bytes > (int64_t{1} << 31)) {
    return resource_exhausted(str_cat(what, ": constant of shape ", shape.to_string(),
                                      " is larger than 2 GiB"));
  }
  Tensor t(dtype, shape);
  if (!proto.tensor_content().empty()) {
    if (static_cast<int64_t>(proto.tensor_content().size()) != bytes) {
      return invalid_argument(str_cat(what, ": tensor_content has ", proto.tensor_content().size(),
                                      " bytes, shape ", shape.to_string(), " ",
                                      dtype_name(dtype), " needs ", bytes));
    }
    std::memcpy(t.raw(), proto.tensor_content().data(), static_cast<size_t>(bytes));
    return t;
  }
  switch (dtype) {
    case DType::kFloat32:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.float_val(), t.data<float>(), n, what));
      break;
    case DType::kInt32:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.int_val(), t.data<int32_t>(), n, what));
      break;
    case DType::kInt16:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.int_val(), t.data<int16_t>(), n, what));
      break;
    case DType::kInt8:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.int_val(), t.data<int8_t>(), n, what));
      break;
    case DType::kUInt8:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.int_val(), t.data<uint8_t>(), n, what));
      break;
    case DType::kInt64:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.int64_val(), t.data<int64_t>(), n, what));
      break;
    case DType::kBool:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.bool_val(), t.data<bool>(), n, what));
      break;
    case DType::kFloat16:
      QEXP_RETURN_IF_ERROR(fill_typed(proto.half_val(), t.data<uint16_t>(), n, what));
      break;
  }
  return t;
}

std::string attr_to_text(const tfproto::AttrValue& v) {
  switch (v.value_case()) {
    case tfproto::AttrValue::kS: return v.s();
    case tfproto::AttrValue::kI: return std::to_string(v.i());
    case tfproto::AttrValue::kF: return format_float(v.f());
    case tfproto::AttrValue::kB: return v.b() ? "true" : "false";
    case tfproto::AttrValue::kType: return tfproto::DataType_Name(v.type());
    case tfproto::AttrValue::kShape: {
      if (v.shape().unknown_rank()) return "<unknown rank>";
      std::vector<int64_t> dims;
      for (const auto& d : v.shape().dim()) dims.push_back(d.size());
      return Shape(dims).to_string();
    }
    case tfproto::AttrValue::kList: {
      const auto& l = v.list();
      if (l.i_size() > 0) return "[" + str_join(l.i(), ",") + "]";
      if (l.f_size() > 0) return "[" + str_join(l.f(), ",") + "]";
      if (l.s_size() > 0) return "[" + str_join(l.s(), ",") + "]";
      return "[]";
    }
    case tfproto::AttrValue::kTensor: {
      std::vector<int64_t> dims;
      for (const auto& d : v.tensor().tensor_shape().dim()) dims.push_back(d.size());
      return str_cat("tensor ", tfproto::DataType_Name(v.tensor().dtype()), Shape(dims).to_string());
    }
    default: return "";
  }
}

}  // namespace qexp::tf::internal
