// weights: what the quantizer will see in each weight tensor and why it quantizes well or badly.
// The statistics are of the converted (batch-norm folded) weights — what int8 quantization
// really rounds — next to the raw imported kernels, which are what L2 regularization acted on.

#include "plugins/analysis/weights/weights.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "framework/analysis/regularizers.h"
#include "framework/analysis/weight_stats.h"
#include "framework/core/strings.h"

namespace qexp::analysis {
namespace {

using json = nlohmann::json;

// The recommendation rules, stated once (also written into the report).
constexpr double kPerChannelGainDb = 6.0;     // worst-channel predicted SQNR gain of per-channel
constexpr double kClipCrest = 12.0;           // crest factor above this with 6σ outliers → clip
constexpr double kExcludeDb = 20.0;           // per-channel predicted SQNR below this → exclude
constexpr double kRegularizeKurtosis = 10.0;  // unregularized and kurtosis above this

const char* kRules =
    "per-channel: the worst output channel's predicted SQNR is >= 6 dB higher per-channel than "
    "per-tensor; clip: crest factor "
    "max|w|/std > 12 and values beyond 6 sigma exist; exclude: predicted per-channel SQNR < 20 "
    "dB; regularize: no L2 found or stated and kurtosis > 10. score = 100 * clamp((predicted "
    "per-tensor SQNR - 20 dB) / 20 dB, 0, 1); model score = mean of the layer scores.";

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

struct Layer {
  const ir::Op* op = nullptr;
  const ir::Tensor* weights = nullptr;  // converted float graph
  const ir::Tensor* raw = nullptr;      // imported graph, before the passes (may be null)
  int axis = 0;
  std::string output;  // the op's output tensor name (report.json layers[].name)
};

std::vector<Layer> weight_layers(const ir::Graph& g, const ir::Graph* imported) {
  std::vector<Layer> out;
  for (const ir::Op& op : g.ops) {
    const int axis = weight_channel_axis(op.type);
    if (axis < 0 || op.inputs.size() < 2 || op.inputs[1] < 0) continue;
    const ir::Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
    if (!w.is_const() || w.dtype != DType::kFloat32 || axis >= w.shape.rank()) continue;
    Layer l{&op, &w, nullptr, axis, ""};
    if (!op.outputs.empty()) l.output = g.tensors[static_cast<size_t>(op.outputs[0])].name;
    const int k = imported ? imported->find_op(op.name) : -1;
    if (k >= 0) {
      const ir::Op& src = imported->ops[static_cast<size_t>(k)];
      if (src.inputs.size() >= 2 && src.inputs[1] >= 0) {
        const ir::Tensor& r = imported->tensors[static_cast<size_t>(src.inputs[1])];
        if (r.is_const() && r.dtype == DType::kFloat32) l.raw = &r;
      }
    }
    out.push_back(l);
  }
  return out;
}

json stats_json(const ValueStats& s) {
  return {{"count", s.count},
          {"min", s.min},
          {"max", s.max},
          {"mean", s.mean},
          {"std", s.std},
          {"l2_norm", s.l2_norm},
          {"kurtosis", s.kurtosis},
          {"crest_factor", s.crest_factor},
          {"beyond_3sigma", s.beyond_3sigma},
          {"beyond_6sigma", s.beyond_6sigma}};
}

// Per-channel figures and the spread of the channel ranges (largest / smallest max|w| over the
// channels that are not all zero).
json channels_json(const Layer& l, double* spread) {
  json min = json::array(), max = json::array(), sd = json::array(), norm = json::array();
  double lo = INFINITY, hi = 0;
  int64_t zero = 0;
  for (const auto& c : split_channels(l.weights->const_data<float>(), l.weights->shape, l.axis)) {
    const ValueStats s = value_stats(c);
    min.push_back(s.min);
    max.push_back(s.max);
    sd.push_back(s.std);
    norm.push_back(s.l2_norm);
    if (s.abs_max() > 0) {
      lo = std::min(lo, s.abs_max());
      hi = std::max(hi, s.abs_max());
    } else {
      ++zero;
    }
  }
  *spread = hi > 0 ? hi / lo : 0.0;
  return {{"count", min.size()},
          {"zero_channels", zero},
          {"range_spread", *spread},
          {"min", min},
          {"max", max},
          {"std", sd},
          {"l2_norm", norm}};
}

// How much folding changed the ranges: max|w| after / before, and per channel.
json bn_fold_json(const Layer& l) {
  if (l.raw == nullptr) return nullptr;
  const ValueStats raw = value_stats(l.raw->const_data<float>());
  const ValueStats folded = value_stats(l.weights->const_data<float>());
  const bool changed = *l.raw->data != *l.weights->data || l.raw->shape != l.weights->shape;
  json j = {
      {"folded", changed},
      {"raw", stats_json(raw)},
      {"abs_max_ratio", raw.abs_max() > 0 ? json(folded.abs_max() / raw.abs_max()) : json(nullptr)},
      {"channel_gain_min", nullptr},
      {"channel_gain_max", nullptr}};
  if (l.raw->shape != l.weights->shape) return j;
  const auto a = split_channels(l.raw->const_data<float>(), l.raw->shape, l.axis);
  const auto b = split_channels(l.weights->const_data<float>(), l.weights->shape, l.axis);
  double lo = INFINITY, hi = 0;
  for (size_t c = 0; c < a.size(); ++c) {
    const double ra = value_stats(a[c]).abs_max(), rb = value_stats(b[c]).abs_max();
    if (ra <= 0) continue;
    lo = std::min(lo, rb / ra);
    hi = std::max(hi, rb / ra);
  }
  if (hi > 0 || lo < INFINITY) {
    j["channel_gain_min"] = lo;
    j["channel_gain_max"] = hi;
  }
  return j;
}

json quant_json(const WeightQuantError& e) {
  return {{"step_min", e.step_min},
          {"step_max", e.step_max},
          {"predicted_sqnr_db", opt(e.predicted_sqnr_db)},
          {"predicted_uniform_sqnr_db", opt(e.predicted_uniform_sqnr_db)},
          {"measured_sqnr_db", opt(e.measured_sqnr_db)},
          {"worst_channel_predicted_sqnr_db", opt(e.worst_channel_predicted_sqnr_db)}};
}

struct Regularization {
  std::optional<double> scale;
  std::string source, node;
};

// The regularization of one layer: found in the model, else stated in the config, else none.
Regularization regularization_of(const Layer& l, const std::vector<RegularizerFinding>& found,
                                 const RegularizationConfig& config) {
  for (const RegularizerFinding& f : found) {
    if (f.understood && f.op == l.op->name) return {f.scale, f.source, f.l2loss_node};
  }
  for (const RegularizationRule& r : config.layers) {
    std::regex re(r.pattern);  // checked by the caller
    const bool raw_match = l.raw != nullptr && std::regex_search(l.raw->name, re);
    if (raw_match || std::regex_search(l.weights->name, re) || std::regex_search(l.op->name, re)) {
      return {r.l2, "config", r.pattern};
    }
  }
  if (config.l2) return {config.l2, "config", ""};
  return {};
}

// Measured weight-only output SQNR of this layer in each variant of a `qexp run`.
json run_measurements(const Layer& l, const json* variants) {
  json out = json::array();
  if (variants == nullptr || !variants->is_array()) return out;
  for (const json& v : *variants) {
    if (v.value("status", "") != "ok" || !v.contains("layers")) continue;
    for (const json& r : v["layers"]) {
      if (r.value("name", "") != l.output || !r.contains("weight_only_sqnr_db")) continue;
      const json& s = v["settings"];
      const bool fc = l.op->type == ir::OpType::kFullyConnected;
      const bool pc = fc ? s.value("fc_per_channel", false) : s.value("per_channel", true);
      out.push_back({{"variant", v["name"]},
                     {"mode", v["mode"]},
                     {"per_channel", pc},
                     {"weight_only_sqnr_db", r["weight_only_sqnr_db"]}});
    }
  }
  return out;
}

}  // namespace

double quantizability_score(double predicted_sqnr_db) {
  return 100.0 * std::clamp((predicted_sqnr_db - 20.0) / 20.0, 0.0, 1.0);
}

namespace {

json recommendations(const ValueStats& s, const WeightQuantError& pt, const WeightQuantError& pc,
                     const Regularization& reg) {
  json r = json::array();
  const double t = pt.worst_channel_predicted_sqnr_db.value_or(INFINITY);
  const double w = pc.worst_channel_predicted_sqnr_db.value_or(INFINITY);
  const double c = pc.predicted_sqnr_db.value_or(INFINITY);
  if (std::isfinite(t) && w - t >= kPerChannelGainDb) r.push_back("per-channel");
  if (s.crest_factor > kClipCrest && s.beyond_6sigma > 0) r.push_back("clip");
  if (c < kExcludeDb) r.push_back("exclude");
  if (!reg.scale && s.kurtosis > kRegularizeKurtosis) r.push_back("regularize");
  return r;
}

json layer_json(const Layer& l, const std::vector<RegularizerFinding>& found,
                const AnalysisInput& in, double* score) {
  const ValueStats s = value_stats(l.weights->const_data<float>());
  const WeightQuantError pt = weight_quant_error(*l.weights, l.axis, false);
  const WeightQuantError pc = weight_quant_error(*l.weights, l.axis, true);
  const Regularization reg = regularization_of(l, found, in.regularization);
  double spread = 0;
  json channels = channels_json(l, &spread);
  *score = quantizability_score(pt.predicted_sqnr_db.value_or(INFINITY));
  const double penalized = l.raw ? value_stats(l.raw->const_data<float>()).sum_sq : s.sum_sq;
  const GridHistogram h = int8_grid_histogram(l.weights->const_data<float>());
  json j = {{"op", l.op->name},
            {"type", std::string(ir::op_type_name(l.op->type))},
            {"output", l.output},
            {"tensor", l.weights->name},
            {"shape", l.weights->shape.dims()},
            {"channel_axis", l.axis},
            {"stats", stats_json(s)},
            {"channels", std::move(channels)},
            {"bn_fold", bn_fold_json(l)},
            {"regularization", nullptr},
            {"int8", {{"per_tensor", quant_json(pt)}, {"per_channel", quant_json(pc)}}},
            {"run", run_measurements(l, in.variants)},
            {"score", *score},
            {"recommendations", recommendations(s, pt, pc, reg)},
            {"histogram", {{"step", h.step}, {"counts", h.counts}}}};
  if (reg.scale) {
    j["regularization"] = {{"l2", *reg.scale},
                           {"source", reg.source},
                           {"node", reg.node},
                           {"penalty", *reg.scale * penalized / 2.0}};
  }
  return j;
}

json findings_json(const std::vector<RegularizerFinding>& found) {
  json out = json::array();
  for (const RegularizerFinding& f : found) {
    out.push_back({{"node", f.l2loss_node},
                   {"weight", f.weight},
                   {"op", f.op},
                   {"source", f.source},
                   {"l2", opt(f.scale)},
                   {"status", f.understood ? "ok" : "not understood"},
                   {"reason", f.reason}});
  }
  return out;
}

// Spearman correlation and the fraction of layers whose prediction is within 1.5 dB, for one
// pair of predicted / measured figures over the layers.
json agreement(const json& layers, const char* granularity) {
  std::vector<double> p, m;
  int64_t within = 0;
  for (const json& l : layers) {
    const json& q = l["int8"][granularity];
    if (!q["predicted_sqnr_db"].is_number() || !q["measured_sqnr_db"].is_number()) continue;
    p.push_back(q["predicted_sqnr_db"]);
    m.push_back(q["measured_sqnr_db"]);
    within += std::fabs(p.back() - m.back()) <= 1.5;
  }
  return {{"layers", p.size()}, {"within_1_5_db", within}, {"spearman", opt(spearman(p, m))}};
}

// Predicted weight SQNR (of the variant's granularity) vs the run's weight-only output SQNR.
json run_agreement(const json& layers, const json* variants) {
  json out = json::array();
  if (variants == nullptr || !variants->is_array()) return out;
  for (const json& v : *variants) {
    std::vector<double> p, m;
    for (const json& l : layers) {
      for (const json& r : l["run"]) {
        if (r["variant"] != v["name"] || !r["weight_only_sqnr_db"].is_number()) continue;
        const char* g = r["per_channel"].get<bool>() ? "per_channel" : "per_tensor";
        if (!l["int8"][g]["predicted_sqnr_db"].is_number()) continue;
        p.push_back(l["int8"][g]["predicted_sqnr_db"]);
        m.push_back(r["weight_only_sqnr_db"]);
      }
    }
    if (p.empty()) continue;
    out.push_back(
        {{"variant", v["name"]}, {"layers", p.size()}, {"spearman", opt(spearman(p, m))}});
  }
  return out;
}

Status check_config(const RegularizationConfig& c) {
  for (const RegularizationRule& r : c.layers) {
    try {
      std::regex re(r.pattern);
    } catch (const std::regex_error& e) {
      return invalid_argument(str_cat("regularization pattern ", quoted(r.pattern),
                                      " is not a valid regular expression: ", e.what()));
    }
  }
  return ok_status();
}

}  // namespace

Result<json> analyze_weights(const AnalysisInput& in) {
  if (in.float_graph == nullptr) return invalid_argument("weights: no float graph");
  QEXP_RETURN_IF_ERROR(check_config(in.regularization));
  const std::vector<RegularizerFinding> found =
      in.imported ? detect_regularizers(*in.imported) : std::vector<RegularizerFinding>{};
  json layers = json::array(), unregularized = json::array();
  double score_sum = 0, score_min = 100, kurt = 0, crest = 0, spread = 0;
  for (const Layer& l : weight_layers(*in.float_graph, in.imported)) {
    double score = 0;
    json j = layer_json(l, found, in, &score);
    score_sum += score;
    score_min = std::min(score_min, score);
    kurt += j["stats"]["kurtosis"].get<double>();
    crest += j["stats"]["crest_factor"].get<double>();
    spread += j["channels"]["range_spread"].get<double>();
    if (j["regularization"].is_null()) unregularized.push_back(l.op->name);
    layers.push_back(std::move(j));
  }
  const double n = std::max<double>(1.0, static_cast<double>(layers.size()));
  json model = {{"layers", layers.size()},
                {"score", layers.empty() ? json(nullptr) : json(score_sum / n)},
                {"min_score", layers.empty() ? json(nullptr) : json(score_min)},
                {"mean_kurtosis", kurt / n},
                {"mean_crest_factor", crest / n},
                {"mean_channel_range_spread", spread / n}};
  return json{{"version", 1},
              {"model", std::move(model)},
              {"regularizers", findings_json(found)},
              {"unregularized", std::move(unregularized)},
              {"prediction",
               {{"per_tensor", agreement(layers, "per_tensor")},
                {"per_channel", agreement(layers, "per_channel")},
                {"run", run_agreement(layers, in.variants)}}},
              {"rules", kRules},
              {"layers", std::move(layers)}};
}

namespace {

class WeightsAnalysis final : public Analysis {
 public:
  Result<json> run(const AnalysisInput& input) const override { return analyze_weights(input); }
};

}  // namespace
}  // namespace qexp::analysis

QEXP_REGISTER_ANALYSIS(weights, qexp::analysis::WeightsAnalysis, "1.0.0",
                       "Weight statistics, L2 regularization, predicted vs measured int8 SQNR")
