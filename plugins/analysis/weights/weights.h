#pragma once
/// The `weights` analysis: per weight tensor and output channel statistics, batch-norm folding
/// inflation, L2 regularization found in the model or stated in the config, predicted vs measured
/// int8 weight SQNR, a quantizability score and recommendations. Section layout:
/// docs/report-schema.md, "analysis.weights".

#include <nlohmann/json.hpp>

#include "framework/analysis/analysis.h"
#include "framework/core/status.h"

namespace qexp::analysis {

/// The section for `input` (what the registered plugin returns). Errors: no float graph.
Result<nlohmann::json> analyze_weights(const AnalysisInput& input);

/// Score of one layer from its predicted weight SQNR: 100 · clamp((sqnr − 20 dB) / 20 dB, 0, 1).
double quantizability_score(double predicted_sqnr_db);

}  // namespace qexp::analysis
