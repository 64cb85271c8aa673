#include "framework/experiment/ptq.h"

#include "framework/calibration/registry.h"
#include "framework/calibration/sample_source.h"
#include "framework/core/strings.h"
#include "framework/data/manifest.h"

namespace qexp::exp {

Result<calib::CalibrationStatistics> collect_calibration(
    std::shared_ptr<const ir::Graph> float_graph, const CalibrationSetup& setup) {
  if (setup.samples < 0) {  // 0 reaches the driver, whose error says "empty calibration set"
    return invalid_argument(str_cat("calibration: ", setup.samples,
                                    " samples requested; the count must not be negative"));
  }
  QEXP_ASSIGN_OR_RETURN(data::Manifest manifest, data::load_manifest(setup.manifest));
  QEXP_ASSIGN_OR_RETURN(auto ds, data::open_dataset(manifest, setup.split));
  std::shared_ptr<const data::Dataset> dataset(std::move(ds));
  std::vector<int64_t> indices = dataset->select(setup.seed, setup.samples);
  calib::DatasetSampleSource source(dataset, manifest.preprocess, std::move(indices));
  calib::CalibrationOptions options;
  options.num_threads = setup.threads;
  options.batch_size = setup.batch_size;
  options.statistics.histograms = setup.histograms;
  return calib::collect_statistics(std::move(float_graph), source, options);
}

Result<calib::CalibratorResult> calibrate(const calib::CalibrationStatistics& stats,
                                          const std::string& method,
                                          const std::map<std::string, std::string>& options) {
  QEXP_ASSIGN_OR_RETURN(auto calibrator, calib::calibrator_registry().create_calibrator(method, options));
  return calib::evaluate_calibrator(*calibrator, stats);
}

quant::RangeMap to_range_map(const calib::CalibratorResult& result) {
  quant::RangeMap out;
  for (const auto& [name, r] : result.ranges) out[name] = quant::TensorRange{r.min, r.max};
  return out;
}

bool needs_histograms(const std::string& method) {
  return method != "minmax" && method != "ema_minmax";
}

}  // namespace qexp::exp
