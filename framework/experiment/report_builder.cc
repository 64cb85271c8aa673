// report.json (docs/report-schema.md) from the config, the provenance and the finished tasks.
// A pure function of those: no clock, no thread count, except in `timing`.

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "framework/analysis/analysis.h"
#include "framework/calibration/registry.h"
#include "framework/core/file_io.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/data/preprocess.h"
#include "framework/experiment/metrics.h"
#include "framework/experiment/runner_internal.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/quantization/quant_params.h"

namespace qexp::exp {
namespace {

using json = nlohmann::json;

std::string file_sha256(const std::string& path) {
  auto h = sha256_file(path);
  return h.ok() ? h.value() : "";
}

json provenance(const RunContext& ctx) {
  const ExperimentConfig& c = ctx.config;
  json p = json::object();
  p["config"] = {{"path", c.source}, {"sha256", config_hash(c)}};
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(c.model.resolved_path, ec);
  p["model"] = {{"path", c.model.path},
                {"format", ctx.options.model_format},
                {"bytes", ec ? 0 : bytes},
                {"sha256", ctx.model_sha256}};
  p["dataset"] = {{"manifest", c.dataset.manifest},
                  {"manifest_sha256", file_sha256(c.dataset.resolved_manifest)},
                  {"name", ctx.eval_manifest.name},
                  {"split", c.dataset.split},
                  {"count", ctx.eval_indices.size()},
                  {"preprocess", data::canonical_text(ctx.eval_manifest.preprocess)},
                  {"preprocess_hash", data::preprocess_hash(ctx.eval_manifest.preprocess)}};
  p["calibration"] = {{"manifest", c.calibration.manifest},
                      {"manifest_sha256", ctx.calibration_manifest_sha256},
                      {"split", c.calibration.split}};
  // Float kernels round differently per instruction set (summation order, FMA), and calibration
  // statistics come from float inference: a report reproduces bit for bit on the same ISA level
  // (QEXP_ISA selects a lower one).
  p["interpreter"] = {{"kernel_set", "optimized"},
                      {"isa", std::string(interp::isa_name(interp::default_isa()))}};
  std::vector<std::string> used;
  for (const VariantConfig& v : c.variants) {
    if (uses_calibration(v.mode)) used.push_back(v.calibrator);
  }
  json plugins = json::array();
  for (const calib::PluginDescription& d : ctx.registry.list()) {
    const bool file = d.origin != "built-in";
    if (!file && std::find(used.begin(), used.end(), d.name) == used.end()) continue;
    plugins.push_back({{"name", d.name},
                       {"kind", std::string(calib::plugin_kind_name(d.kind))},
                       {"version", d.version},
                       {"origin", d.origin},
                       {"sha256", file ? file_sha256(d.origin) : ""}});
  }
  p["plugins"] = std::move(plugins);
  p["dependencies"] = ctx.options.dependencies;
  return p;
}

// One variant from its task files: status, accuracy (shard counts summed in shard order),
// fidelity, export and layers; `timing` receives its machine-dependent figures.
json variant_json(const RunContext& ctx, size_t i, json* timing) {
  const VariantConfig& v = ctx.config.variants[i];
  json r = {{"name", v.name}, {"mode", std::string(variant_mode_name(v.mode))},
            {"status", "ok"}, {"settings", settings_json(v)}};
  std::string error;
  bool missing = false;
  auto fail = [&](const json& task) {
    if (!task.is_object()) {
      missing = true;
    } else if (task.contains("error") && error.empty()) {
      error = task["error"].get<std::string>();
    }
  };
  json ranges = json::array();
  if (uses_calibration(v.mode)) {
    json c = load_json(ctx, calibration_task(ctx, v));
    fail(c);
    if (c.is_object() && !c.contains("error")) {
      if (c["errors"].contains(v.name) && error.empty()) error = c["errors"][v.name];
      if (c["ranges"].contains(v.name)) ranges = c["ranges"][v.name];
      (*timing)["statistics_seconds"] = c["timing"]["statistics_seconds"];
      (*timing)["calibration_peak_rss_delta_bytes"] = c["timing"]["peak_rss_delta_bytes"];
      (*timing)["calibration_seconds"] = c["timing"]["calibrator_seconds"].value(v.name, 0.0);
    }
  }
  int64_t count = 0, skipped = 0, top1 = 0, top5 = 0;
  double seconds = 0.0;
  FidelitySums fid;
  bool has_fidelity = false;
  for (int s = 0; s < ctx.num_shards(); ++s) {
    json e = load_json(ctx, eval_task(v, s));
    fail(e);
    if (!e.is_object() || e.contains("error")) continue;
    count += e["count"].get<int64_t>();
    skipped += e["skipped"].get<int64_t>();
    top1 += e["top1"].get<int64_t>();
    top5 += e["top5"].get<int64_t>();
    seconds += e["timing"]["seconds"].get<double>();
    if (e["fidelity"].is_object()) {
      const json& f = e["fidelity"];
      FidelitySums part;
      part.rows = f["rows"];
      part.agree = f["agree"];
      part.kl_sum = f["kl_sum"];
      part.error.signal = f["signal"];
      part.error.noise = f["noise"];
      part.error.count = f["count"];
      fid.merge(part);
      has_fidelity = true;
    }
  }
  json layers = load_json(ctx, layers_task(v));
  fail(layers);
  if (!error.empty() || missing) {
    r["status"] = error.empty() ? "not_run" : "failed";
    if (!error.empty()) r["error"] = error;
    return r;
  }
  auto pct = [&](int64_t n) { return count ? 100.0 * static_cast<double>(n) / count : 0.0; };
  r["tflite"] = layers["tflite"];
  r["size_bytes"] = layers["size_bytes"];
  r["ops"] = layers["ops"];
  r["accuracy"] = {{"count", count},
                   {"skipped", skipped},
                   {"top1", {{"correct", top1}, {"percent", pct(top1)}}},
                   {"top5", {{"correct", top5}, {"percent", pct(top5)}}}};
  if (has_fidelity) {
    Fidelity f = fid.finish();
    r["fidelity"] = {{"count", f.count},
                     {"top1_agreement_percent", f.top1_agreement_percent},
                     {"mean_kl", f.mean_kl},
                     {"output_sqnr_db", opt_number(f.output_sqnr_db)}};
  } else {
    r["fidelity"] = nullptr;
  }
  r["layers"] = layers["layers"];
  r["ranges"] = std::move(ranges);
  (*timing)["eval_seconds"] = seconds;
  (*timing)["images_per_second"] = seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
  for (const auto& [k, val] : layers["timing"].items()) (*timing)[k] = val;
  return r;
}

// Deltas vs the baseline, once every variant is known.
void add_deltas(json& variants, const json* base) {
  for (json& r : variants) {
    if (r["status"] != "ok") continue;
    for (const char* k : {"top1", "top5"}) {
      r["accuracy"][k]["delta_pp"] =
          base ? json(r["accuracy"][k]["percent"].get<double>() -
                      (*base)["accuracy"][k]["percent"].get<double>())
               : json(nullptr);
    }
    r["size_ratio"] = base ? json(r["size_bytes"].get<double>() /
                                  (*base)["size_bytes"].get<double>())
                           : json(nullptr);
  }
}

double number_or(const json& j, double fallback) {
  return j.is_number() ? j.get<double>() : fallback;
}

json groups(const ExperimentConfig& c, const json& variants) {
  json out = json::array();
  std::vector<bool> taken(variants.size(), false);
  for (size_t i = 0; i < variants.size(); ++i) {
    if (taken[i] || variants[i]["status"] != "ok" || !uses_calibration(c.variants[i].mode)) continue;
    json key = variants[i]["settings"];
    key.erase("calibration_seed");
    std::vector<size_t> members{i};
    for (size_t k = i + 1; k < variants.size(); ++k) {
      if (taken[k] || variants[k]["status"] != "ok" || variants[k]["mode"] != variants[i]["mode"]) continue;
      json other = variants[k]["settings"];
      other.erase("calibration_seed");
      if (other == key) members.push_back(k);
    }
    if (members.size() < 2) continue;
    std::vector<double> top1, delta, agree;
    json names = json::array();
    for (size_t m : members) {
      taken[m] = true;
      const json& v = variants[m];
      names.push_back(v["name"]);
      top1.push_back(v["accuracy"]["top1"]["percent"].get<double>());
      delta.push_back(number_or(v["accuracy"]["top1"]["delta_pp"], 0.0));
      if (v["fidelity"].is_object()) agree.push_back(v["fidelity"]["top1_agreement_percent"].get<double>());
    }
    std::string name = variants[i]["name"].get<std::string>();
    const std::string suffix = str_cat("-s", c.variants[i].calibration_seed);
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
    } else {
      name += "-seeds";
    }
    SampleSummary s = summarize(top1);
    out.push_back({{"name", name}, {"variants", names}, {"n", s.n}, {"top1_mean", s.mean},
                   {"top1_std", s.stddev}, {"top1_ci95", s.ci95}, {"top1_min", s.min},
                   {"top1_max", s.max}, {"delta_pp_mean", summarize(delta).mean},
                   {"agreement_mean", agree.empty() ? json(nullptr) : json(summarize(agree).mean)}});
  }
  return out;
}

json best_variant(const json& variants) {
  const json* best = nullptr;
  for (const json& v : variants) {
    if (v["status"] != "ok" || v["mode"] == "float") continue;
    if (best == nullptr) {
      best = &v;
      continue;
    }
    const double a = v["accuracy"]["top1"]["percent"], b = (*best)["accuracy"]["top1"]["percent"];
    if (a > b || (a == b && v["size_bytes"].get<int64_t>() < (*best)["size_bytes"].get<int64_t>())) {
      best = &v;
    }
  }
  return best ? (*best)["name"] : json(nullptr);
}

json worst_layers(const json& variants) {
  json all = json::array();
  for (const json& v : variants) {
    if (v["status"] != "ok") continue;
    for (const json& l : v["layers"]) {
      if (!l["sqnr_db"].is_number()) continue;
      all.push_back({{"variant", v["name"]}, {"index", l["index"]}, {"name", l["name"]},
                     {"op", l["op"]}, {"sqnr_db", l["sqnr_db"]}});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const json& a, const json& b) {
    return a["sqnr_db"].get<double>() < b["sqnr_db"].get<double>();
  });
  if (all.size() > 10) all.erase(all.begin() + 10, all.end());
  return all;
}

// Fraction of the histogram's mass outside [lo, hi], partial bins counted proportionally.
double clipped_fraction(const json& h, double lo, double hi) {
  const double a = h["lo"], b = h["hi"];
  const json& counts = h["counts"];
  const double w = (b - a) / static_cast<double>(counts.size());
  double total = 0, inside = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double c = counts[i].get<double>();
    const double x0 = a + w * static_cast<double>(i), x1 = x0 + w;
    total += c;
    const double overlap = w > 0 ? std::max(0.0, std::min(x1, hi) - std::max(x0, lo)) / w
                                 : (x0 >= lo && x0 <= hi ? 1.0 : 0.0);
    inside += c * std::min(1.0, overlap);
  }
  return total > 0 ? std::max(0.0, 1.0 - inside / total) : 0.0;
}

json activation_histograms(const RunContext& ctx, const json& variants, const json& worst) {
  json out = json::array();
  const VariantConfig* first = nullptr;
  for (const VariantConfig& v : ctx.config.variants) {
    if (uses_calibration(v.mode)) {
      first = &v;
      break;
    }
  }
  if (first == nullptr) return out;
  json calib = load_json(ctx, calibration_task(ctx, *first));
  if (!calib.is_object() || !calib.contains("histograms")) return out;
  const json& summary = calib["histograms"];
  std::vector<std::string> names;
  for (const json& l : worst) {
    const std::string n = l["name"];
    if (std::find(names.begin(), names.end(), n) == names.end() && names.size() < 5) names.push_back(n);
  }
  for (const std::string& n : names) {
    for (const json& h : summary["tensors"]) {
      if (h["tensor"] != n) continue;
      json ranges = json::array();
      for (const json& v : variants) {
        if (v["status"] != "ok") continue;
        for (const json& r : v["ranges"]) {
          if (r["tensor"] != n) continue;
          ranges.push_back({{"variant", v["name"]}, {"calibrator", v["settings"]["calibrator"]},
                            {"min", r["min"]}, {"max", r["max"]},
                            {"clipped_fraction", clipped_fraction(h, r["min"], r["max"])}});
        }
      }
      out.push_back({{"tensor", n}, {"lo", h["lo"]}, {"hi", h["hi"]}, {"counts", h["counts"]},
                     {"ranges", std::move(ranges)}});
    }
  }
  return out;
}

json weight_ranges(const ir::Graph& g) {
  json out = json::array();
  for (const ir::Op& op : g.ops) {
    const bool conv = op.type == ir::OpType::kConv2D || op.type == ir::OpType::kFullyConnected;
    if (!(conv || op.type == ir::OpType::kDepthwiseConv2D) || op.inputs.size() < 2) continue;
    const ir::Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
    if (!w.is_const() || w.dtype != DType::kFloat32 || w.shape.rank() < 2) continue;
    const int axis = conv ? 0 : w.shape.rank() - 1;
    const quant::AxisSplit a = quant::split_axis(w.shape, axis);
    std::vector<float> lo(static_cast<size_t>(a.channels), INFINITY), hi(lo.size(), -INFINITY);
    std::span<const float> d = w.const_data<float>();
    size_t i = 0;
    for (int64_t o = 0; o < a.outer; ++o) {
      for (size_t c = 0; c < lo.size(); ++c) {
        for (int64_t k = 0; k < a.inner; ++k, ++i) {
          lo[c] = std::min(lo[c], d[i]);
          hi[c] = std::max(hi[c], d[i]);
        }
      }
    }
    out.push_back({{"tensor", w.name}, {"op", std::string(ir::op_type_name(op.type))},
                   {"channels", a.channels}, {"min", lo}, {"max", hi}});
  }
  return out;
}

// The config's analysis plugins (`analysis: [weights]`) on the model, with the variants' per-layer
// measurements; docs/report-schema.md "analysis". A failing analysis becomes {"error": …} in
// its place instead of failing the report.
json analyses(const RunContext& ctx, const json& variants) {
  const ExperimentConfig& c = ctx.config;
  analysis::AnalysisInput in;
  in.float_graph = ctx.float_graph.get();
  in.variants = &variants;
  in.regularization.l2 = c.regularization.l2;
  for (const auto& [pattern, l2] : c.regularization.layers) {
    in.regularization.layers.push_back({pattern, l2});
  }
  auto r = analysis::run_analyses_on_model(ctx.registry, c.analysis, c.model.resolved_path,
                                           c.model.input_arrays, c.model.output_arrays, in);
  return r.ok() ? std::move(r).value() : json{{"error", r.status().message()}};
}

}  // namespace

json build_report(const RunContext& ctx, bool interrupted, double total_seconds) {
  const ExperimentConfig& c = ctx.config;
  json variants = json::array();
  json timing_variants = json::object();
  bool all_ok = !interrupted;
  for (size_t i = 0; i < c.variants.size(); ++i) {
    json t = json::object();
    variants.push_back(variant_json(ctx, i, &t));
    all_ok = all_ok && variants.back()["status"] == "ok";
    timing_variants[c.variants[i].name] = std::move(t);
  }
  const json* base = nullptr;
  if (ctx.baseline >= 0 && variants[static_cast<size_t>(ctx.baseline)]["status"] == "ok") {
    base = &variants[static_cast<size_t>(ctx.baseline)];
  }
  json base_copy = base ? *base : json(nullptr);
  add_deltas(variants, base ? &base_copy : nullptr);
  json r = json::object();
  r["schema_version"] = 1;
  r["qexp"] = {{"version", ctx.options.qexp_version}, {"git_revision", ctx.options.git_revision}};
  r["experiment"] = {{"name", c.experiment.name}, {"seed", c.experiment.seed}};
  r["status"] = all_ok ? "complete" : "partial";
  r["provenance"] = provenance(ctx);
  r["config"] = json::parse(to_json(c), nullptr, false);
  r["baseline"] = ctx.baseline >= 0 ? json(c.variants[static_cast<size_t>(ctx.baseline)].name)
                                    : json(nullptr);
  r["groups"] = groups(c, variants);
  r["best_variant"] = best_variant(variants);
  r["worst_layers"] = worst_layers(variants);
  r["activation_histograms"] = activation_histograms(ctx, variants, r["worst_layers"]);
  r["weight_ranges"] = weight_ranges(*ctx.float_graph);
  if (!c.analysis.empty()) r["analysis"] = analyses(ctx, variants);
  r["variants"] = std::move(variants);
  json baseline_seconds = nullptr;
  if (ctx.baseline >= 0) {
    baseline_seconds = timing_variants[c.variants[static_cast<size_t>(ctx.baseline)].name].value(
        "eval_seconds", json(nullptr));
  }
  r["timing"] = {{"total_seconds", total_seconds},
                 {"baseline_seconds", baseline_seconds},
                 {"variants", std::move(timing_variants)},
                 {"threads", ctx.threads},
                 {"resumed_tasks", ctx.reused}};
  return r;
}

}  // namespace qexp::exp
