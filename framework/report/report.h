#pragma once
/// Report writers: turn the `report.json` document of `qexp run` (docs/report-schema.md) into
/// `report.md`, `layers.csv` and `report.html`, and write them all atomically.
///
/// The renderers are pure functions of the JSON: no clock, no environment, no locale. They accept
/// any JSON value without throwing: missing sections, empty lists, nulls and values of the wrong
/// type are shown as missing ("–") or skipped, never dereferenced blindly.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "framework/core/status.h"

namespace qexp::report {

/// report.md: header, provenance, variants × metrics table, best variant, seed groups (mean ±
/// ci95), the 10 worst layers, variants that failed or did not run, and a separate Timing section.
std::string to_markdown(const nlohmann::json& report);

/// layers.csv: one row per variant × layer with the header
/// `variant,index,name,op,dtype,sqnr_db,rmse,scale,rmse_over_scale,isolated_sqnr_db,`
/// `weight_only_sqnr_db,activation_only_sqnr_db`; RFC 4180 quoting, "\n" line ends, null → empty
/// field, numbers in shortest round-trip form (format_double).
std::string to_csv(const nlohmann::json& report);

/// report.html: one self-contained XHTML-compatible page (inline CSS, inline SVG, no scripts, no
/// external references) with the report.md tables and the charts `chart-groups` (only if there
/// are groups), `chart-accuracy-size`, `chart-layer-sqnr`, `chart-hist-<i>` (one per
/// activation_histograms[i]) and `chart-weights-<i>` (one per weight_ranges[i]).
std::string to_html(const nlohmann::json& report);

/// The report formats write_reports knows, in the order it writes them.
const std::vector<std::string>& report_formats();

/// Writes `dir/report.json` (report.dump(2) + "\n", invalid UTF-8 replaced) and, for each other
/// requested format, `report.md` ("md"), `layers.csv` ("csv"), `report.html` ("html"), in that
/// order, each atomically (temporary file + rename). "json" may be listed but is always written.
/// `dir` must exist. Errors: an unknown format (invalid argument, listing the known ones, nothing
/// written) or a failed write (the message names the file).
Status write_reports(const nlohmann::json& report, const std::string& dir,
                     const std::vector<std::string>& formats);

}  // namespace qexp::report
