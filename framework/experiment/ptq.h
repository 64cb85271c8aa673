#pragma once
/// Post-training quantization end to end: calibration statistics over a dataset subset, a
/// calibrator's ranges, and the quantized graph. Shared by `qexp convert --quantize` and the
/// experiment runner.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "framework/calibration/driver.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"
#include "framework/quantization/quantize_graph.h"

namespace qexp::exp {

struct CalibrationSetup {
  std::string manifest;         ///< dataset manifest (datasets/*.yaml)
  std::string split = "train";  ///< calibration data comes from the training split
  int64_t samples = 500;        ///< size of the seeded calibration subset
  uint64_t seed = 0;
  int threads = 1;
  int batch_size = 1;
  bool histograms = true;  ///< second pass (percentile / kl / mse / aciq need it)
};

/// Opens the manifest split, draws `samples` indices with `seed`, and collects statistics of
/// every float activation of `float_graph`.
Result<calib::CalibrationStatistics> collect_calibration(
    std::shared_ptr<const ir::Graph> float_graph, const CalibrationSetup& setup);

/// The ranges a calibrator (by name, with string options) chooses from `stats`.
Result<calib::CalibratorResult> calibrate(const calib::CalibrationStatistics& stats,
                                          const std::string& method,
                                          const std::map<std::string, std::string>& options);

/// RangeMap for the quantizer from a calibrator's result.
quant::RangeMap to_range_map(const calib::CalibratorResult& result);

/// Whether a calibrator needs the histogram pass (everything except minmax / ema_minmax).
bool needs_histograms(const std::string& method);

}  // namespace qexp::exp
