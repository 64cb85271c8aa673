#include "framework/analysis/regularizers.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "framework/core/strings.h"

namespace qexp::analysis {
namespace {

// "a:0" → "a"; "^a" (control input) → "".
std::string data_name(const std::string& input) {
  if (input.empty() || input[0] == '^') return "";
  const size_t colon = input.rfind(':');
  if (colon != std::string::npos && input.substr(colon + 1) == "0") return input.substr(0, colon);
  return input;
}

// The float32 scale as the decimal a user wrote (4e-05, not 3.9999998989515007e-05): the shortest
// text that round-trips to the same float, read back as a double.
double as_decimal(float v) { return std::strtod(format_float(v).c_str(), nullptr); }

bool is_weight_op(ir::OpType t) {
  return t == ir::OpType::kConv2D || t == ir::OpType::kDepthwiseConv2D ||
         t == ir::OpType::kFullyConnected || t == ir::OpType::kMatMul;
}

class Detector {
 public:
  explicit Detector(const ir::Graph& g) : g_(g) {
    for (size_t i = 0; i < g.aside.size(); ++i) aside_[g.aside[i].name] = i;
  }

  RegularizerFinding find(const ir::ForeignNode& l2loss) const {
    RegularizerFinding f;
    f.l2loss_node = l2loss.name;
    std::vector<std::string> data;
    for (const std::string& in : l2loss.inputs) {
      if (!data_name(in).empty()) data.push_back(data_name(in));
    }
    if (data.size() != 1) {
      f.reason = str_cat("L2Loss has ", data.size(), " data inputs, expected 1");
      return f;
    }
    f.weight = data[0];
    if (!resolve_weight(f)) return f;
    resolve_scale(l2loss, f);
    return f;
  }

 private:
  // Names connected to `name` through Identity nodes, aside or in the graph. The importer reads
  // constants through Identity without keeping the node, so TF's variable convention stands in
  // for it: `K/read` is the Identity of `K`.
  std::set<std::string> identity_class(const std::string& name) const {
    std::set<std::string> s{name, name + "/read"};
    if (ends_with(name, "/read")) s.insert(name.substr(0, name.size() - 5));
    for (bool grew = true; grew;) {
      grew = false;
      for (const ir::ForeignNode& n : g_.aside) {
        if (n.op != "Identity" || n.inputs.empty()) continue;
        const std::string in = data_name(n.inputs[0]);
        if (s.count(in) != s.count(n.name)) grew = s.insert(in).second | s.insert(n.name).second;
      }
      for (const ir::Op& op : g_.ops) {
        if (op.type != ir::OpType::kIdentity || op.inputs.empty() || op.outputs.empty()) continue;
        const std::string& a = g_.tensors[static_cast<size_t>(op.inputs[0])].name;
        const std::string& b = g_.tensors[static_cast<size_t>(op.outputs[0])].name;
        if (s.count(a) != s.count(b)) grew = s.insert(a).second | s.insert(b).second;
      }
    }
    return s;
  }

  bool resolve_weight(RegularizerFinding& f) const {
    const std::set<std::string> names = identity_class(f.weight);
    for (const ir::Op& op : g_.ops) {
      if (!is_weight_op(op.type) || op.inputs.size() < 2 || op.inputs[1] < 0) continue;
      const ir::Tensor& w = g_.tensors[static_cast<size_t>(op.inputs[1])];
      if (names.count(w.name) == 0) continue;
      if (!w.is_const() || w.dtype != DType::kFloat32) {
        f.reason = str_cat("L2Loss reads ", quoted(w.name), ", the weights of ", quoted(op.name),
                           ", which are not a float32 constant");
        return false;
      }
      f.weight = w.name;
      f.op = op.name;
      return true;
    }
    f.reason = str_cat("L2Loss reads ", quoted(f.weight),
                       ", which is not the constant weight tensor of a conv, depthwise, "
                       "fully-connected or matmul op of the inference graph");
    return false;
  }

  // A scalar float32 constant named `name` (aside or in the graph), or the reason it is not.
  std::optional<double> scalar_const(const std::string& name, std::string* reason) const {
    const qexp::Tensor* value = nullptr;
    auto a = aside_.find(name);
    if (a != aside_.end()) {
      const ir::ForeignNode& n = g_.aside[a->second];
      if (n.op == "Identity" && !n.inputs.empty())
        return scalar_const(data_name(n.inputs[0]), reason);
      if (n.op != "Const" || !n.value) {
        *reason = str_cat("the scale ", quoted(name), " is a ", n.op, " node, not a constant");
        return std::nullopt;
      }
      value = &*n.value;
    } else {
      const int t = g_.find_tensor(name);
      if (t < 0 || !g_.tensors[static_cast<size_t>(t)].is_const()) {
        *reason = str_cat("the scale ", quoted(name), " is not a constant");
        return std::nullopt;
      }
      const ir::Tensor& gt = g_.tensors[static_cast<size_t>(t)];
      if (gt.dtype != DType::kFloat32 || gt.shape.num_elements() != 1) {
        *reason = str_cat("the scale ", quoted(name), " is not a float32 scalar");
        return std::nullopt;
      }
      return as_decimal(gt.const_data<float>()[0]);
    }
    if (value->dtype() != DType::kFloat32 || value->num_elements() != 1) {
      *reason = str_cat("the scale ", quoted(name), " is a ", dtype_name(value->dtype()),
                        value->shape().to_string(), " constant, expected a float32 scalar");
      return std::nullopt;
    }
    return as_decimal(value->data<float>()[0]);
  }

  void resolve_scale(const ir::ForeignNode& l2loss, RegularizerFinding& f) const {
    const ir::ForeignNode* mul = nullptr;
    for (const ir::ForeignNode& n : g_.aside) {
      if (n.op != "Mul") continue;
      for (const std::string& in : n.inputs) {
        if (data_name(in) == l2loss.name) mul = &n;
      }
      if (mul != nullptr) break;
    }
    if (mul == nullptr) {
      f.source = "l2_loss";
      f.scale = 1.0;
      f.understood = true;
      return;
    }
    f.source =
        ends_with(mul->name, "Regularizer/l2_regularizer") ? "l2_regularizer" : "l2_loss_mul";
    std::vector<std::string> others;
    for (const std::string& in : mul->inputs) {
      const std::string d = data_name(in);
      if (!d.empty() && d != l2loss.name) others.push_back(d);
    }
    if (others.size() != 1) {
      f.reason = str_cat(quoted(mul->name), " multiplies ", quoted(l2loss.name), " by ",
                         others.size(), " other inputs, expected one scale");
      return;
    }
    std::string reason;
    f.scale = scalar_const(others[0], &reason);
    if (!f.scale || !std::isfinite(*f.scale) || *f.scale < 0) {
      f.reason = f.scale ? str_cat("the scale ", quoted(others[0]), " is ", format_double(*f.scale),
                                   ", expected a finite value >= 0")
                         : reason;
      f.scale.reset();
      return;
    }
    f.understood = true;
  }

  const ir::Graph& g_;
  std::map<std::string, size_t> aside_;
};

}  // namespace

std::vector<RegularizerFinding> detect_regularizers(const ir::Graph& imported) {
  Detector d(imported);
  std::vector<RegularizerFinding> out;
  for (const ir::ForeignNode& n : imported.aside) {
    if (n.op == "L2Loss") out.push_back(d.find(n));
  }
  return out;
}

}  // namespace qexp::analysis
