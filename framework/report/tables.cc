#include "framework/report/tables.h"

#include "framework/core/strings.h"

namespace qexp::report::detail {
namespace {

constexpr std::string_view kMissing = "–";

std::string or_missing(std::string s) { return s.empty() ? std::string(kMissing) : s; }

// "value (detail)" with empty parts left out.
std::string with_detail(const std::string& value, const std::string& detail) {
  if (detail.empty()) return or_missing(value);
  return value.empty() ? detail : str_cat(value, " (", detail, ")");
}

std::string join_nonempty(const std::vector<std::string>& parts, std::string_view sep) {
  std::vector<std::string> kept;
  for (const std::string& p : parts) {
    if (!p.empty()) kept.push_back(p);
  }
  return str_join(kept, sep);
}

std::string labelled(std::string_view label, const Json& value) {
  std::string s = scalar_text(value);
  return s.empty() ? "" : str_cat(label, s);
}

// "<value><unit>", or "" for a missing value.
std::string with_unit(const Json& value, std::string_view unit) {
  std::string s = scalar_text(value);
  return s.empty() ? "" : str_cat(s, unit);
}

std::string plugins_text(const Json& provenance) {
  std::vector<std::string> parts;
  for (const Json& p : list(provenance, "plugins")) {
    std::string detail = join_nonempty({text(get(p, "kind")), text(get(p, "origin"))}, ", ");
    std::string name = join_nonempty({text(get(p, "name")), scalar_text(get(p, "version"))}, " ");
    parts.push_back(with_detail(name, detail));
  }
  return parts.empty() ? "none" : str_join(parts, "; ");
}

std::string dependencies_text(const Json& provenance) {
  const Json& deps = get(provenance, "dependencies");
  std::vector<std::string> parts;
  if (deps.is_object()) {
    for (auto it = deps.begin(); it != deps.end(); ++it) {
      parts.push_back(str_cat(it.key(), " ", scalar_text(it.value())));
    }
  }
  return or_missing(str_join(parts, ", "));
}

}  // namespace

std::string experiment_name(const Json& report) {
  return text(get_path(report, {"experiment", "name"}), "unnamed");
}

std::vector<Item> run_items(const Json& report) {
  const Json& qexp = get(report, "qexp");
  return {
      {"status", or_missing(text(get(report, "status")))},
      {"schema version", or_missing(scalar_text(get(report, "schema_version")))},
      {"qexp", or_missing(join_nonempty(
                   {scalar_text(get(qexp, "version")), labelled("git ", get(qexp, "git_revision"))},
                   ", "))},
      {"seed", or_missing(scalar_text(get_path(report, {"experiment", "seed"})))},
      {"baseline", or_missing(text(get(report, "baseline")))},
  };
}

std::vector<Item> provenance_items(const Json& report) {
  const Json& prov = get(report, "provenance");
  const Json& model = get(prov, "model");
  const Json& config = get(prov, "config");
  const Json& data = get(prov, "dataset");
  const Json& calib = get(prov, "calibration");
  std::string model_detail =
      join_nonempty({text(get(model, "format")), with_unit(get(model, "bytes"), " bytes"),
                     labelled("sha256 ", get(model, "sha256"))},
                    ", ");
  std::string data_detail = join_nonempty(
      {labelled("split ", get(data, "split")), with_unit(get(data, "count"), " images"),
       labelled("manifest ", get(data, "manifest")),
       labelled("manifest sha256 ", get(data, "manifest_sha256")),
       labelled("preprocess ", get(data, "preprocess")),
       labelled("preprocess hash ", get(data, "preprocess_hash"))},
      ", ");
  return {
      {"model", with_detail(text(get(model, "path")), model_detail)},
      {"config", with_detail(text(get(config, "path")),
                             labelled("resolved config sha256 ", get(config, "sha256")))},
      {"git revision", or_missing(text(get_path(report, {"qexp", "git_revision"})))},
      {"dataset", with_detail(text(get(data, "name")), data_detail)},
      {"calibration data",
       with_detail(text(get(calib, "manifest")),
                   join_nonempty({labelled("split ", get(calib, "split")),
                                  labelled("manifest sha256 ", get(calib, "manifest_sha256"))},
                                 ", "))},
      {"plugins", plugins_text(prov)},
      {"dependencies", dependencies_text(prov)},
  };
}

std::string granularity(const Json& variant) {
  std::string mode = text(get(variant, "mode"));
  if (mode != "int8" && mode != "int16x8" && mode != "dynamic_range") return std::string(kMissing);
  const Json& per_channel = get_path(variant, {"settings", "per_channel"});
  if (!per_channel.is_boolean()) return std::string(kMissing);
  return per_channel.get<bool>() ? "per-channel" : "per-tensor";
}

Table summary_table(const Json& report) {
  Table t;
  t.header = {"variant",    "mode",       "calibrator",  "granularity", "top-1 %",
              "Δ top-1 pp", "top-5 %",    "agreement %", "mean KL",     "output SQNR dB",
              "size bytes", "size ratio", "status"};
  t.numeric = {false, false, false, false, true, true, true, true, true, true, true, true, false};
  for (const Json& v : list(report, "variants")) {
    const Json& acc = get(v, "accuracy");
    const Json& fid = get(v, "fidelity");
    t.rows.push_back({
        or_missing(text(get(v, "name"))),
        or_missing(text(get(v, "mode"))),
        or_missing(text(get_path(v, {"settings", "calibrator"}))),
        granularity(v),
        fixed_or(get_path(acc, {"top1", "percent"}), 2),
        signed_fixed_or(get_path(acc, {"top1", "delta_pp"}), 2),
        fixed_or(get_path(acc, {"top5", "percent"}), 2),
        fixed_or(get(fid, "top1_agreement_percent"), 2),
        fixed_or(get(fid, "mean_kl"), 5),
        sqnr_text(fid, "output_sqnr_db"),
        or_missing(scalar_text(get(v, "size_bytes"))),
        fixed_or(get(v, "size_ratio"), 3),
        or_missing(text(get(v, "status"))),
    });
  }
  return t;
}

std::string best_variant_text(const Json& report) {
  std::string best = text(get(report, "best_variant"));
  if (best.empty()) return "No quantized variant completed, so there is no best variant.";
  for (const Json& v : list(report, "variants")) {
    if (text(get(v, "name")) != best) continue;
    const Json& top1 = get_path(v, {"accuracy", "top1"});
    return str_cat("Best quantized variant: ", best, " — top-1 ", fixed_or(get(top1, "percent"), 2),
                   " % (", signed_fixed_or(get(top1, "delta_pp"), 2), " pp), ",
                   or_missing(scalar_text(get(v, "size_bytes"))), " bytes (size ratio ",
                   fixed_or(get(v, "size_ratio"), 3), ").");
  }
  return str_cat("Best quantized variant: ", best, ".");
}

Table groups_table(const Json& report) {
  Table t;
  t.header = {"group",     "n",         "variants",          "top-1 % (mean ± ci95)", "top-1 std",
              "top-1 min", "top-1 max", "Δ top-1 pp (mean)", "agreement % (mean)"};
  t.numeric = {false, true, false, true, true, true, true, true, true};
  for (const Json& g : list(report, "groups")) {
    std::vector<std::string> names;
    for (const Json& n : list(g, "variants")) names.push_back(text(n, "?"));
    t.rows.push_back({
        or_missing(text(get(g, "name"))),
        or_missing(scalar_text(get(g, "n"))),
        or_missing(str_join(names, ", ")),
        str_cat(fixed_or(get(g, "top1_mean"), 2), " ± ", fixed_or(get(g, "top1_ci95"), 2)),
        fixed_or(get(g, "top1_std"), 2),
        fixed_or(get(g, "top1_min"), 2),
        fixed_or(get(g, "top1_max"), 2),
        signed_fixed_or(get(g, "delta_pp_mean"), 2),
        fixed_or(get(g, "agreement_mean"), 2),
    });
  }
  return t;
}

Table worst_layers_table(const Json& report) {
  Table t;
  t.header = {"rank", "variant", "index", "layer (output tensor)", "op", "SQNR dB"};
  t.numeric = {true, false, true, false, false, true};
  int rank = 0;
  for (const Json& l : list(report, "worst_layers")) {
    t.rows.push_back({std::to_string(++rank), or_missing(text(get(l, "variant"))),
                      or_missing(scalar_text(get(l, "index"))), or_missing(text(get(l, "name"))),
                      or_missing(text(get(l, "op"))), sqnr_text(l, "sqnr_db")});
  }
  return t;
}

Table failed_table(const Json& report) {
  Table t;
  t.header = {"variant", "mode", "status", "error"};
  t.numeric = {false, false, false, false};
  for (const Json& v : list(report, "variants")) {
    std::string status = text(get(v, "status"));
    if (status == "ok") continue;
    std::string error = text(get(v, "error"));
    if (error.empty() && status == "not_run") error = "interrupted before it ran";
    t.rows.push_back({or_missing(text(get(v, "name"))), or_missing(text(get(v, "mode"))),
                      or_missing(status), or_missing(error)});
  }
  return t;
}

std::vector<Item> timing_items(const Json& report) {
  const Json& timing = get(report, "timing");
  return {{"total seconds", fixed_or(get(timing, "total_seconds"), 2)},
          {"baseline seconds", fixed_or(get(timing, "baseline_seconds"), 2)},
          {"threads", or_missing(scalar_text(get(timing, "threads")))},
          {"resumed tasks", or_missing(scalar_text(get(timing, "resumed_tasks")))}};
}

Table timing_table(const Json& report) {
  Table t;
  t.header = {"variant",
              "calibration s",
              "statistics s",
              "quantize s",
              "eval s",
              "images/s",
              "metrics s",
              "latency ms 1 thread (median)",
              "latency ms 2 threads (median)",
              "calibration peak RSS Δ bytes"};
  t.numeric = {false, true, true, true, true, true, true, true, true, true};
  const Json& variants = get_path(report, {"timing", "variants"});
  if (!variants.is_object()) return t;
  // Rows follow the config order of `variants`, not the (sorted) key order of the timing object.
  for (const Json& v : list(report, "variants")) {
    const Json& tv = get(variants, text(get(v, "name")));
    if (!tv.is_object()) continue;
    t.rows.push_back(
        {text(get(v, "name")), fixed_or(get(tv, "calibration_seconds"), 3),
         fixed_or(get(tv, "statistics_seconds"), 3), fixed_or(get(tv, "quantize_seconds"), 3),
         fixed_or(get(tv, "eval_seconds"), 3), fixed_or(get(tv, "images_per_second"), 1),
         fixed_or(get(tv, "metrics_seconds"), 3),
         fixed_or(get_path(tv, {"latency_ms", "threads_1", "median"}), 3),
         fixed_or(get_path(tv, {"latency_ms", "threads_2", "median"}), 3),
         or_missing(scalar_text(get(tv, "calibration_peak_rss_delta_bytes")))});
  }
  return t;
}

}  // namespace qexp::report::detail
