#include "framework/ir/shape_inference.h"

#include <algorithm>

#include "framework/core/checked_math.h"
#include "framework/core/strings.h"

namespace qexp::ir {
namespace {

Status op_error(const Op& op, const std::string& what) {
  return invalid_argument(
      str_cat("op ", quoted(op.name), " (", op_type_name(op.type), "): ", what));
}

const Tensor* input_tensor(const Graph& g, const Op& op, size_t i) {
  if (i >= op.inputs.size() || op.inputs[i] < 0) return nullptr;
  return &g.tensors[static_cast<size_t>(op.inputs[i])];
}

/// Reads a constant int32/int64 tensor as int64 values.
Result<std::vector<int64_t>> const_ints(const Graph& g, const Op& op, size_t i, const char* what) {
  const Tensor* t = input_tensor(g, op, i);
  if (t == nullptr || !t->is_const()) {
    return op_error(op, str_cat(what, " (input ", i, ") must be a constant tensor"));
  }
  std::vector<int64_t> out;
  if (t->dtype == DType::kInt32) {
    for (int32_t v : t->const_data<int32_t>()) out.push_back(v);
  } else if (t->dtype == DType::kInt64) {
    for (int64_t v : t->const_data<int64_t>()) out.push_back(v);
  } else {
    return op_error(op, str_cat(what, " (input ", i, ") must be int32 or int64, got ",
                                dtype_name(t->dtype)));
  }
  return out;
}

Result<Shape> windowed_output(const Op& op, const Shape& in, int64_t fh, int64_t fw,
                              Padding padding, int sh, int sw, int dh, int dw, int64_t channels) {
  if (in.rank() != 4) return op_error(op, str_cat("input must be NHWC rank 4, got ", in.to_string()));
  int64_t oh = conv_output_size(padding, in[1], fh, sh, dh);
  int64_t ow = conv_output_size(padding, in[2], fw, sw, dw);
  if (oh <= 0 || ow <= 0) {
    return op_error(op, str_cat("window ", fh, "x", fw, " stride ", sh, "x", sw, " dilation ", dh,
                                "x", dw, " with ", padding_name(padding),
                                " padding does not fit input ", in.to_string()));
  }
  return Shape{in[0], oh, ow, channels};
}

Result<Shape> reshape_output(const Graph& g, const Op& op, const Shape& in) {
  std::vector<int64_t> target;
  if (input_tensor(g, op, 1) != nullptr) {
    QEXP_ASSIGN_OR_RETURN(target, const_ints(g, op, 1, "shape"));
  } else {
    target = op.opts<ReshapeOptions>().new_shape;
  }
  int64_t total = in.num_elements();
  int64_t known = 1;
  int wildcard = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (wildcard >= 0) return op_error(op, "shape has more than one -1");
      wildcard = static_cast<int>(i);
    } else if (target[i] < 0 || !checked_mul(known, target[i], &known)) {
      return op_error(op, str_cat("invalid target shape ", Shape(target).to_string()));
    }
  }
  if (wildcard >= 0) {
    if (known == 0 || total % known != 0) {
      return op_error(op, str_cat("cannot reshape ", in.to_string(), " to ",
                                  Shape(target).to_string()));
    }
    target[static_cast<size_t>(wildcard)] = total / known;
  } else if (known != total) {
    return op_error(op, str_cat("cannot reshape ", in.to_string(), " (", total, " elements) to ",
                                Shape(target).to_string(), " (", known, " elements)"));
  }
  return Shape(target);
}

Result<int> normalize_axis(const Op& op, int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) {
    return op_error(op, str_cat("axis ", axis, " is outside [", -rank, ", ", rank, ")"));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

}  // namespace

int64_t conv_output_size(Padding padding, int64_t in, int64_t filter, int stride, int dilation) {
  if (stride < 1 || dilation < 1 || filter < 1 || in < 0) return -1;
  int64_t eff = (filter - 1) * dilation + 1;
  if (padding == Padding::kSame) return (in + stride - 1) / stride;
  if (in < eff) return -1;
  return (in - eff + stride) / stride;
}

int64_t conv_padding_before(Padding padding, int64_t in, int64_t filter, int stride,
                            int dilation, int64_t out) {
  if (padding == Padding::kValid) return 0;
  int64_t eff = (filter - 1) * dilation + 1;
  int64_t total = std::max<int64_t>((out - 1) * stride + eff - in, 0);
  return total / 2;
}

Result<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  int rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    int ia = a.rank() - rank + i, ib = b.rank() - rank + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1) {
      return invalid_argument(
          str_cat("shapes ", a.to_string(), " and ", b.to_string(), " do not broadcast"));
    }
    out[static_cast<size_t>(i)] = da == 1 ? db : da;
  }
  return Shape(out);
}

Result<std::vector<Shape>> infer_output_shapes(const Graph& g, const Op& op) {
  const Tensor* in0 = input_tensor(g, op, 0);
  if (in0 == nullptr) return op_error(op, "missing first input");
  const Shape& s0 = in0->shape;
  switch (op.type) {
    case OpType::kConv2D: {
      const Tensor* w = input_tensor(g, op, 1);
      if (w == nullptr || w->shape.rank() != 4) {
        return op_error(op, "filter must be rank 4 [out_channels, h, w, in_channels]");
      }
      const auto& o = op.opts<Conv2DOptions>();
      if (s0.rank() == 4 && w->shape[3] != s0[3] && (w->shape[3] == 0 || s0[3] % w->shape[3] != 0)) {
        return op_error(op, str_cat("filter ", w->shape.to_string(), " expects ", w->shape[3],
                                    " input channels, input is ", s0.to_string()));
      }
      QEXP_ASSIGN_OR_RETURN(Shape out, windowed_output(op, s0, w->shape[1], w->shape[2], o.padding,
                                                       o.stride_h, o.stride_w, o.dilation_h,
                                                       o.dilation_w, w->shape[0]));
      return std::vector<Shape>{out};
    }
    case OpType::kDepthwiseConv2D: {
      const Tensor* w = input_tensor(g, op, 1);
      if (w == nullptr || w->shape.rank() != 4 || w->shape[0] != 1) {
        return op_error(op, "filter must be rank 4 [1, h, w, channels * depth_multiplier]");
      }
      const auto& o = op.opts<DepthwiseConv2DOptions>();
      if (s0.rank() == 4 && w->shape[3] != s0[3] * o.depth_multiplier) {
        return op_error(op, str_cat("filter ", w->shape.to_string(), " does not match input ",
                                    s0.to_string(), " with depth_multiplier ", o.depth_multiplier));
      }
      QEXP_ASSIGN_OR_RETURN(Shape out, windowed_output(op, s0, w->shape[1], w->shape[2], o.padding,
                                                       o.stride_h, o.stride_w, o.dilation_h,
                                                       o.dilation_w, w->shape[3]));
      return std::vector<Shape>{out};
    }
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D: {
      const auto& o = op.opts<Pool2DOptions>();
      if (s0.rank() != 4) return op_error(op, "input must be NHWC rank 4");
      QEXP_ASSIGN_OR_RETURN(Shape out, windowed_output(op, s0, o.filter_h, o.filter_w, o.padding,
                                                       o.stride_h, o.stride_w, 1, 1, s0[3]));
      return std::vector<Shape>{out};
    }
    case OpType::kFullyConnected: {
      const Tensor* w = input_tensor(g, op, 1);
      if (w == nullptr || w->shape.rank() != 2) {
        return op_error(op, "weights must be rank 2 [units, input_depth]");
      }
      int64_t k = w->shape[1], n = w->shape[0];
      int64_t total = s0.num_elements();
      if (k <= 0 || total % k != 0) {
        return op_error(op, str_cat("input ", s0.to_string(), " is not a multiple of weights ",
                                    w->shape.to_string(), " input depth ", k));
      }
      if (op.opts<FullyConnectedOptions>().keep_num_dims) {
        if (s0.rank() == 0 || s0[s0.rank() - 1] != k) {
          return op_error(op, "keep_num_dims needs the last input dimension to equal the depth");
        }
        Shape out = s0;
        out[out.rank() - 1] = n;
        return std::vector<Shape>{out};
      }
      return std::vector<Shape>{Shape{total / k, n}};
    }
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul: {
      const Tensor* in1 = input_tensor(g, op, 1);
      if (in1 == nullptr) return op_error(op, "missing second input");
      auto r = broadcast_shapes(s0, in1->shape);
      if (!r.ok()) return op_error(op, r.status().message());
      return std::vector<Shape>{*r};
    }
    case OpType::kMatMul: {
      const Tensor* in1 = input_tensor(g, op, 1);
      const auto& o = op.opts<MatMulOptions>();
      if (in1 == nullptr || s0.rank() != 2 || in1->shape.rank() != 2) {
        return op_error(op, "inputs must be rank 2");
      }
      int64_t m = o.transpose_a ? s0[1] : s0[0], ka = o.transpose_a ? s0[0] : s0[1];
      int64_t kb = o.transpose_b ? in1->shape[1] : in1->shape[0];
      int64_t n = o.transpose_b ? in1->shape[0] : in1->shape[1];
      if (ka != kb) {
        return op_error(op, str_cat("inner dimensions differ: ", s0.to_string(), " x ",
                                    in1->shape.to_string()));
      }
      return std::vector<Shape>{Shape{m, n}};
    }
    case OpType::kReshape: {
      QEXP_ASSIGN_OR_RETURN(Shape out, reshape_output(g, op, s0));
      return std::vector<Shape>{out};
    }
    case OpType::kSqueeze: {
      const auto& dims = op.opts<SqueezeOptions>().squeeze_dims;
      std::vector<bool> drop(static_cast<size_t>(s0.rank()), false);
      if (dims.empty()) {
        for (int i = 0; i < s0.rank(); ++i) drop[static_cast<size_t>(i)] = s0[i] == 1;
      } else {
        for (int d : dims) {
          QEXP_ASSIGN_OR_RETURN(int a, normalize_axis(op, d, s0.rank()));
          if (s0[a] != 1) {
            return op_error(op, str_cat("cannot squeeze dimension ", d, " of ", s0.to_string()));
          }
          drop[static_cast<size_t>(a)] = true;
        }
      }
      std::vector<int64_t> out;
      for (int i = 0; i < s0.rank(); ++i) {
        if (!drop[static_cast<size_t>(i)]) out.push_back(s0[i]);
      }
      return std::vector<Shape>{Shape(out)};
    }
    case OpType::kMean: {
      QEXP_ASSIGN_OR_RETURN(auto axes, const_ints(g, op, 1, "axes"));
      std::vector<bool> reduce(static_cast<size_t>(s0.rank()), false);
      for (int64_t a : axes) {
        QEXP_ASSIGN_OR_RETURN(int n, normalize_axis(op, a, s0.rank()));
        reduce[static_cast<size_t>(n)] = true;
      }
      bool keep = op.opts<ReducerOptions>().keep_dims;
      std::vector<int64_t> out;
      for (int i = 0; i < s0.rank(); ++i) {
        if (!reduce[static_cast<size_t>(i)]) {
          out.push_back(s0[i]);
        } else if (keep) {
          out.push_back(1);
        }
      }
      return std::vector<Shape>{Shape(out)};
    }
    case OpType::kPad: {
      QEXP_ASSIGN_OR_RETURN(auto pads, const_ints(g, op, 1, "paddings"));
      if (pads.size() != static_cast<size_t>(2 * s0.rank())) {
        return op_error(op, str_cat("paddings has ", pads.size(), " values, expected [",
                                    s0.rank(), ",2]"));
      }
      Shape out = s0;
      for (int i = 0; i < s0.rank(); ++i) {
        int64_t before = pads[static_cast<size_t>(2 * i)], after = pads[static_cast<size_t>(2 * i + 1)];
        if (before < 0 || after < 0) return op_error(op, "negative padding");
        out[i] = s0[i] + before + after;
      }
      return std::vector<Shape>{out};
    }
    case OpType::kConcatenation: {
      QEXP_ASSIGN_OR_RETURN(int axis,
                            normalize_axis(op, op.opts<ConcatenationOptions>().axis, s0.rank()));
      Shape out = s0;
      for (size_t i = 1; i < op.inputs.size(); ++i) {
        const Tensor* t = input_tensor(g, op, i);
        if (t == nullptr || t->shape.rank() != s0.rank()) {
          return op_error(op, str_cat("input ", i, " has a different rank"));
        }
        for (int d = 0; d < s0.rank(); ++d) {
          if (d != axis && t->shape[d] != s0[d]) {
            return op_error(op, str_cat("input ", i, " shape ", t->shape.to_string(),
                                        " does not match ", s0.to_string(), " off axis ", axis));
          }
        }
        out[axis] += t->shape[axis];
      }
      return std::vector<Shape>{out};
    }
    case OpType::kBatchNorm: {
      int64_t c = s0.rank() > 0 ? s0[s0.rank() - 1] : 1;
      for (size_t i = 1; i < 5; ++i) {
        const Tensor* t = input_tensor(g, op, i);
        if (t == nullptr || t->shape.num_elements() != c) {
          return op_error(op, str_cat("parameter input ", i, " must have ", c, " elements"));
        }
      }
      return std::vector<Shape>{s0};
    }
    case OpType::kSoftmax:
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReluN1To1:
    case OpType::kQuantize:
    case OpType::kDequantize:
    case OpType::kIdentity:
      return std::vector<Shape>{s0};
  }
  return op_error(op, "no shape rule");
}

Status infer_shapes(Graph& graph) {
  for (const Op& op : graph.ops) {
    QEXP_ASSIGN_OR_RETURN(auto shapes, infer_output_shapes(graph, op));
    if (shapes.size() != op.outputs.size()) {
      return op_error(op, str_cat("has ", op.outputs.size(), " outputs, expected ", shapes.size()));
    }
    for (size_t i = 0; i < shapes.size(); ++i) {
      graph.tensors[static_cast<size_t>(op.outputs[i])].shape = shapes[i];
    }
  }
  return ok_status();
}

}  // namespace qexp::ir
