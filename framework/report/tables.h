#pragma once
/// Internal: the report's tables as plain text cells, built once and rendered by both the
/// Markdown and the HTML writer, so the two always show the same figures.

#include <string>
#include <vector>

#include "framework/report/json_view.h"

namespace qexp::report::detail {

/// A table of plain-text cells (the renderers escape them).
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  ///< per column: right-aligned
  std::vector<std::vector<std::string>> rows;
};

struct Item {
  std::string key;
  std::string value;
};

/// Experiment name ("unnamed" if missing).
std::string experiment_name(const Json& report);
/// Status, schema version, qexp version and git revision, seed, baseline.
std::vector<Item> run_items(const Json& report);
/// Model, config, dataset, calibration data, plugins, dependencies.
std::vector<Item> provenance_items(const Json& report);

/// Variants × metrics: mode, calibrator, granularity, top-1 %, Δ top-1 pp, top-5 %,
/// agreement %, mean KL, output SQNR dB, size bytes, size ratio, status.
Table summary_table(const Json& report);
/// One sentence on best_variant and its figures, or why there is none.
std::string best_variant_text(const Json& report);
/// Seed groups: top-1 mean ± ci95 and friends. No rows if there are no groups.
Table groups_table(const Json& report);
/// worst_layers in report order (lowest SQNR first).
Table worst_layers_table(const Json& report);
/// Variants whose status is not "ok", with their error.
Table failed_table(const Json& report);
/// Machine-dependent figures: totals, then one row per variant in `timing.variants`.
std::vector<Item> timing_items(const Json& report);
Table timing_table(const Json& report);

/// "int8 per-channel" style granularity of a variant ("–" where it does not apply).
std::string granularity(const Json& variant);

}  // namespace qexp::report::detail
