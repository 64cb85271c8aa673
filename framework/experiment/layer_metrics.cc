#include "framework/experiment/layer_metrics.h"

#include <cmath>
#include <cstring>

#include "framework/core/dtype.h"
#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"
#include "framework/quantization/quant_params.h"

namespace qexp::exp {
namespace {

using ir::OpType;

bool is_quantized_int(DType t) {
  return t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16 || t == DType::kInt32;
}

template <typename T>
void dequantize_typed(const T* q, int64_t n, const Shape& shape, const ir::QuantParams& p,
                      float* out) {
  if (p.scale.size() <= 1) {
    const double s = p.scale.empty() ? 1.0 : p.scale[0];
    const double z = p.zero_point.empty() ? 0.0 : static_cast<double>(p.zero_point[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(s * (q[i] - z));
    return;
  }
  const quant::AxisSplit a = quant::split_axis(shape, p.quantized_dimension);
  int64_t i = 0;
  for (int64_t o = 0; o < a.outer; ++o) {
    for (int64_t c = 0; c < a.channels; ++c) {
      const double s = p.scale[static_cast<size_t>(c)];
      const double z = c < static_cast<int64_t>(p.zero_point.size())
                           ? static_cast<double>(p.zero_point[static_cast<size_t>(c)])
                           : 0.0;
      for (int64_t k = 0; k < a.inner; ++k, ++i) out[i] = static_cast<float>(s * (q[i] - z));
    }
  }
}

// TFLite QUANTIZE semantics for one per-tensor parameter set: round(x / scale) half away from
// zero, plus the zero point, clamped to the type's range.
template <typename T>
void quantize_typed(const float* x, int64_t n, const ir::QuantParams& p, T* out) {
  const double s = p.scale.empty() ? 1.0 : p.scale[0];
  const double z = p.zero_point.empty() ? 0.0 : static_cast<double>(p.zero_point[0]);
  constexpr double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) {
    const double q = std::round(static_cast<double>(x[i]) / s) + z;
    out[i] = static_cast<T>(std::min(hi, std::max(lo, q)));
  }
}

// Writes float values into `dst` (float32 copied, integer types quantized with `p`).
void store(const float* x, int64_t n, const ir::QuantParams& p, TensorView dst) {
  switch (dst.dtype()) {
    case DType::kInt8: return quantize_typed(x, n, p, dst.data<int8_t>());
    case DType::kUInt8: return quantize_typed(x, n, p, dst.data<uint8_t>());
    case DType::kInt16: return quantize_typed(x, n, p, dst.data<int16_t>());
    default: std::memcpy(dst.raw(), x, static_cast<size_t>(n) * sizeof(float));
  }
}

// Quantize-dequantize of float values with the parameters of an integer tensor.
std::vector<float> fake_quantize(const float* x, int64_t n, const ir::Tensor& like) {
  qexp::Tensor q(like.dtype, Shape({n}));
  store(x, n, like.quant, q.view());
  return dequantize_view(q.view(), like.quant);
}

bool has_weights(OpType t) {
  return t == OpType::kConv2D || t == OpType::kDepthwiseConv2D || t == OpType::kFullyConnected;
}

// A graph running one op of `g`. Constants are copied, DEQUANTIZE(constant) inputs are folded to
// float32 constants, `replace` substitutes input positions by given constants, and every other
// input becomes a graph input (`sources` holds its tensor id in g).
struct SingleOp {
  std::shared_ptr<const ir::Graph> graph;
  std::vector<int> sources;
  std::unique_ptr<interp::Interpreter> interpreter;
};

Result<SingleOp> single_op(const ir::Graph& g, int op_index,
                           const std::map<size_t, ir::Tensor>& replace) {
  const ir::Op& op = g.ops[static_cast<size_t>(op_index)];
  auto mini = std::make_shared<ir::Graph>();
  SingleOp out;
  std::vector<int> inputs;
  std::map<int, int> mapped;
  for (size_t k = 0; k < op.inputs.size(); ++k) {
    const int id = op.inputs[k];
    if (id < 0) {
      inputs.push_back(-1);
      continue;
    }
    if (auto r = replace.find(k); r != replace.end()) {
      inputs.push_back(mini->add_tensor(r->second));
      continue;
    }
    if (auto m = mapped.find(id); m != mapped.end()) {
      inputs.push_back(m->second);
      continue;
    }
    const ir::Tensor& t = g.tensors[static_cast<size_t>(id)];
    const int producer = g.producer(id);
    int nid;
    if (t.is_const()) {
      nid = mini->add_tensor(t);
    } else if (producer >= 0 && g.ops[static_cast<size_t>(producer)].type == OpType::kDequantize &&
               g.tensors[static_cast<size_t>(g.ops[static_cast<size_t>(producer)].inputs[0])]
                   .is_const()) {
      const ir::Tensor& c =
          g.tensors[static_cast<size_t>(g.ops[static_cast<size_t>(producer)].inputs[0])];
      std::vector<float> v = dequantize_view(c.const_view(), c.quant);
      std::vector<uint8_t> bytes(v.size() * sizeof(float));
      std::memcpy(bytes.data(), v.data(), bytes.size());
      nid = mini->add_const(t.name, DType::kFloat32, t.shape, std::move(bytes));
    } else {
      ir::Tensor in = t;
      in.data = nullptr;
      nid = mini->add_tensor(std::move(in));
      mini->inputs.push_back(nid);
      out.sources.push_back(id);
    }
    mapped[id] = nid;
    inputs.push_back(nid);
  }
  std::vector<int> outputs;
  for (int id : op.outputs) outputs.push_back(mini->add_tensor(g.tensors[static_cast<size_t>(id)]));
  mini->outputs = outputs;
  mini->add_op(op.type, op.name, std::move(inputs), std::move(outputs), op.options);
  out.graph = mini;
  auto interp = interp::Interpreter::create(out.graph);
  if (!interp.ok()) {
    return Status(interp.status().code(),
                  str_cat("layer '", op.name, "' alone: ", interp.status().message()));
  }
  out.interpreter = std::move(interp).value();
  return out;
}

struct Layer {
  LayerMetrics metrics;
  int variant_out = -1, float_out = -1;
  std::optional<SingleOp> isolated, weight_only, activation_only;
  std::vector<int> isolated_float_sources;  ///< float-graph tensor per isolated input
  std::vector<const ir::Tensor*> fake_quant;  ///< activation_only: variant input params or null
};

// The float-graph tensor a variant tensor carries: through QUANTIZE / DEQUANTIZE, by name.
int float_source(const ir::Graph& variant, const ir::Graph& fg, int id) {
  for (int guard = 0; guard < 8; ++guard) {
    const int f = fg.find_tensor(variant.tensors[static_cast<size_t>(id)].name);
    if (f >= 0 && !fg.tensors[static_cast<size_t>(f)].is_const()) return f;
    const int p = variant.producer(id);
    if (p < 0) return -1;
    const ir::Op& op = variant.ops[static_cast<size_t>(p)];
    if (op.type != OpType::kQuantize && op.type != OpType::kDequantize) return -1;
    id = op.inputs[0];
  }
  return -1;
}

Status plan_layer(const ir::Graph& fg, const ir::Graph& vg, int index, Layer* layer) {
  const ir::Op& vop = vg.ops[static_cast<size_t>(index)];
  const ir::Tensor& vout = vg.tensors[static_cast<size_t>(vop.outputs[0])];
  LayerMetrics& m = layer->metrics;
  m.index = index;
  m.name = vout.name;
  m.op = std::string(ir::op_type_name(vop.type));
  m.dtype = std::string(dtype_name(vout.dtype));
  if (is_quantized_int(vout.dtype) && !vout.quant.scale.empty()) m.scale = vout.quant.scale[0];
  layer->variant_out = vop.outputs[0];
  layer->float_out = fg.find_tensor(vout.name);

  QEXP_ASSIGN_OR_RETURN(SingleOp iso, single_op(vg, index, {}));
  for (int src : iso.sources) {
    const int f = float_source(vg, fg, src);
    if (f < 0) return ok_status();  // an input without a float counterpart: no isolated error
    layer->isolated_float_sources.push_back(f);
  }
  layer->isolated = std::move(iso);

  const int fop_index = fg.producer(layer->float_out);
  if (fop_index < 0) return ok_status();
  const ir::Op& fop = fg.ops[static_cast<size_t>(fop_index)];
  if (fop.type != vop.type || fop.inputs.size() != vop.inputs.size()) return ok_status();
  if (has_weights(fop.type) && fop.inputs.size() > 1) {
    const int vw = vop.inputs[1];
    const ir::Tensor& w = vg.tensors[static_cast<size_t>(vw)];
    std::optional<ir::Tensor> deq;
    const int p = vg.producer(vw);
    const ir::Tensor* c = w.is_const() ? &w : nullptr;
    if (c == nullptr && p >= 0 && vg.ops[static_cast<size_t>(p)].type == OpType::kDequantize) {
      c = &vg.tensors[static_cast<size_t>(vg.ops[static_cast<size_t>(p)].inputs[0])];
      if (!c->is_const()) c = nullptr;
    }
    if (c != nullptr) {
      std::vector<float> v = dequantize_view(c->const_view(), c->quant);
      ir::Tensor t = fg.tensors[static_cast<size_t>(fop.inputs[1])];
      auto bytes = std::make_shared<std::vector<uint8_t>>(v.size() * sizeof(float));
      std::memcpy(bytes->data(), v.data(), bytes->size());
      t.data = std::move(bytes);
      QEXP_ASSIGN_OR_RETURN(SingleOp wo, single_op(fg, fop_index, {{size_t{1}, std::move(t)}}));
      layer->weight_only = std::move(wo);
    }
  }
  QEXP_ASSIGN_OR_RETURN(SingleOp ao, single_op(fg, fop_index, {}));
  bool any = false;
  for (int src : ao.sources) {
    const ir::Tensor* like = nullptr;
    for (size_t k = 0; k < fop.inputs.size(); ++k) {
      if (fop.inputs[k] != src) continue;
      const ir::Tensor& vt = vg.tensors[static_cast<size_t>(vop.inputs[k])];
      if (is_quantized_int(vt.dtype) && !vt.quant.scale.empty()) like = &vt;
    }
    any = any || like != nullptr;
    layer->fake_quant.push_back(like);
  }
  if (any) layer->activation_only = std::move(ao);
  return ok_status();
}

// Runs a single-op graph on float inputs and adds its error against `reference`.
Status run_single(SingleOp& s, const std::vector<const float*>& inputs, const float* reference,
                  ErrorAccumulator* acc, const std::vector<const ir::Tensor*>* fake_quant) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    TensorView in = s.interpreter->input(static_cast<int>(k));
    const int64_t n = in.num_elements();
    if (fake_quant != nullptr && (*fake_quant)[k] != nullptr) {
      std::vector<float> fq = fake_quantize(inputs[k], n, *(*fake_quant)[k]);
      store(fq.data(), n, {}, in);
    } else {
      store(inputs[k], n, s.graph->tensors[static_cast<size_t>(s.graph->inputs[k])].quant, in);
    }
  }
  QEXP_RETURN_IF_ERROR(s.interpreter->invoke());
  const ir::Tensor& ot = s.graph->tensors[static_cast<size_t>(s.graph->outputs[0])];
  std::vector<float> out = dequantize_view(s.interpreter->output(0), ot.quant);
  acc->add(reference, out.data(), static_cast<int64_t>(out.size()));
  return ok_status();
}

const float* float_data(const interp::Interpreter& in, int id) {
  return in.tensor(id).data<float>();
}

}  // namespace

std::vector<float> dequantize_view(const TensorView& value, const ir::QuantParams& quant) {
  const int64_t n = value.num_elements();
  std::vector<float> out(static_cast<size_t>(n));
  switch (value.dtype()) {
    case DType::kFloat32:
      std::memcpy(out.data(), value.raw(), out.size() * sizeof(float));
      break;
    case DType::kFloat16:
      for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = half_to_float(value.data<uint16_t>()[i]);
      break;
    case DType::kInt8:
      dequantize_typed(value.data<int8_t>(), n, value.shape(), quant, out.data());
      break;
    case DType::kUInt8:
      dequantize_typed(value.data<uint8_t>(), n, value.shape(), quant, out.data());
      break;
    case DType::kInt16:
      dequantize_typed(value.data<int16_t>(), n, value.shape(), quant, out.data());
      break;
    case DType::kInt32:
      dequantize_typed(value.data<int32_t>(), n, value.shape(), quant, out.data());
      break;
    default:
      break;
  }
  return out;
}

Result<std::vector<LayerMetrics>> measure_layers(std::shared_ptr<const ir::Graph> float_graph,
                                                 std::shared_ptr<const ir::Graph> variant,
                                                 const std::vector<Tensor>& samples) {
  const ir::Graph& fg = *float_graph;
  const ir::Graph& vg = *variant;
  std::vector<Layer> layers;
  for (size_t i = 0; i < vg.ops.size(); ++i) {
    const ir::Op& op = vg.ops[i];
    if (op.type == OpType::kQuantize || op.type == OpType::kDequantize || op.outputs.empty()) {
      continue;
    }
    const ir::Tensor& out = vg.tensors[static_cast<size_t>(op.outputs[0])];
    const int f = fg.find_tensor(out.name);
    if (f < 0 || fg.tensors[static_cast<size_t>(f)].is_const() ||
        fg.tensors[static_cast<size_t>(f)].dtype != DType::kFloat32 ||
        !(is_quantized_int(out.dtype) || out.dtype == DType::kFloat32)) {
      continue;
    }
    Layer layer;
    QEXP_RETURN_IF_ERROR(plan_layer(fg, vg, static_cast<int>(i), &layer));
    layers.push_back(std::move(layer));
  }
  interp::InterpreterOptions keep;
  keep.preserve_all_tensors = true;
  QEXP_ASSIGN_OR_RETURN(auto fi, interp::Interpreter::create(float_graph, keep));
  QEXP_ASSIGN_OR_RETURN(auto vi, interp::Interpreter::create(variant, keep));
  const ir::Tensor& vin = vg.tensors[static_cast<size_t>(vg.inputs[0])];
  for (const Tensor& sample : samples) {
    if (sample.byte_size() != fi->input(0).byte_size()) {
      return invalid_argument("layer metrics: a sample does not match the model input");
    }
    std::memcpy(fi->input(0).raw(), sample.raw(), sample.byte_size());
    QEXP_RETURN_IF_ERROR(fi->invoke());
    store(sample.data<float>(), sample.num_elements(), vin.quant, vi->input(0));
    QEXP_RETURN_IF_ERROR(vi->invoke());
    for (Layer& l : layers) {
      const float* ref = float_data(*fi, l.float_out);
      std::vector<float> got = dequantize_view(
          vi->tensor(l.variant_out), vg.tensors[static_cast<size_t>(l.variant_out)].quant);
      l.metrics.accumulated.add(ref, got.data(), static_cast<int64_t>(got.size()));
      if (l.isolated) {
        std::vector<const float*> in;
        for (int f : l.isolated_float_sources) in.push_back(float_data(*fi, f));
        if (!l.metrics.isolated) l.metrics.isolated.emplace();
        QEXP_RETURN_IF_ERROR(run_single(*l.isolated, in, ref, &*l.metrics.isolated, nullptr));
      }
      for (auto [single, acc, fq] :
           {std::tuple{&l.weight_only, &l.metrics.weight_only, false},
            std::tuple{&l.activation_only, &l.metrics.activation_only, true}}) {
        if (!*single) continue;
        if (!*acc) acc->emplace();
        std::vector<const float*> in;
        for (int src : (*single)->sources) in.push_back(float_data(*fi, src));
        QEXP_RETURN_IF_ERROR(run_single(**single, in, ref, &**acc, fq ? &l.fake_quant : nullptr));
      }
    }
  }
  std::vector<LayerMetrics> out;
  for (Layer& l : layers) out.push_back(std::move(l.metrics));
  return out;
}

}  // namespace qexp::exp
