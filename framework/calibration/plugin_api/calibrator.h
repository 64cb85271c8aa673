#pragma once
/// The calibrator plugin contract: turn one tensor's statistics into a float range.
///
/// A calibrator is configured once (typed options, parsed strictly) and then asked for ranges,
/// one tensor at a time. compute_range must be a pure function of the statistics and the
/// options: no global state, no I/O, safe to call concurrently from several threads after
/// configure. Return errors as Status (naming the problem; the host adds the plugin and tensor
/// names); exceptions are caught by the host and reported the same way, but are not the contract.
///
/// Every returned range must be finite and contain 0 (min <= 0 <= max); nudging the zero point
/// onto the integer grid is the quantizer's job. Threshold-style methods compute T on |x| and
/// return clip_to_threshold(stats, T) = [max(min, -T), min(max, T)] widened to contain 0, so a
/// non-negative tensor (after ReLU) gets [0, T] and the symmetric quantizer, which uses
/// max(|min|, |max|), sees exactly T when the tensor reaches it.
///
/// Headers a plugin may include: framework/calibration/plugin_api/*.h and framework/core/status.h
/// / strings.h. No interpreter, IR or driver types appear here.

#include <map>
#include <string>
#include <vector>

#include "framework/calibration/plugin_api/histogram.h"
#include "framework/calibration/plugin_api/options.h"
#include "framework/calibration/plugin_api/plugin.h"
#include "framework/calibration/plugin_api/statistics.h"
#include "framework/core/status.h"

namespace qexp::calib {

/// A calibrated float range for one tensor.
struct Range {
  float min = 0.0f;
  float max = 0.0f;
  bool operator==(const Range&) const = default;
};

/// [min(lo, 0), max(hi, 0)] as floats (rounded to nearest). Precondition: lo <= hi.
Range range_containing_zero(double lo, double hi);

/// The threshold T >= 0 applied to the observed range: [max(min, -T), min(max, T)], widened to
/// contain 0.
Range clip_to_threshold(const TensorStatistics& stats, double threshold);

/// Error unless the statistics carry histograms with at least `min_bins` bins, e.g.
/// "needs histograms (the driver's second pass), but none were collected".
Status require_histograms(const TensorStatistics& stats, int min_bins = 1);

class Calibrator {
 public:
  virtual ~Calibrator() = default;

  /// The options this calibrator accepts, defaults filled in, in declaration order.
  virtual std::vector<OptionSpec> option_specs() const = 0;
  /// Parses and stores option values (missing keys keep their defaults). Strict: unknown keys
  /// and bad values are errors (see options.h for the messages). Called once, before any
  /// compute_range; calling it again replaces every option.
  virtual Status configure(const std::map<std::string, std::string>& values) = 0;
  /// The options in force, as canonical text (defaults filled in), for reports.
  virtual std::map<std::string, std::string> resolved_options() const = 0;
  /// The range for one tensor. Thread-safe and pure (see above).
  virtual Result<Range> compute_range(const TensorStatistics& stats) const = 0;
};

/// Base class doing the option plumbing for a typed options struct `Opts`: implement schema()
/// (usually a function-local static) and compute().
template <typename Opts>
class CalibratorWithOptions : public Calibrator {
 public:
  using Options = Opts;

  std::vector<OptionSpec> option_specs() const final { return schema().specs(); }
  Status configure(const std::map<std::string, std::string>& values) final {
    QEXP_ASSIGN_OR_RETURN(Opts parsed, schema().parse(values));
    QEXP_RETURN_IF_ERROR(validate(parsed));
    options_ = std::move(parsed);
    return ok_status();
  }
  std::map<std::string, std::string> resolved_options() const final {
    return schema().to_text(options_);
  }
  Result<Range> compute_range(const TensorStatistics& stats) const final {
    return compute(stats, options_);
  }
  const Opts& options() const { return options_; }

 protected:
  virtual const OptionsSchema<Opts>& schema() const = 0;
  /// Checks that concern several options together; single-option ranges are in the schema.
  virtual Status validate(const Opts&) const { return ok_status(); }
  virtual Result<Range> compute(const TensorStatistics& stats, const Opts& options) const = 0;

 private:
  Opts options_{};
};

/// The options struct of a calibrator without options.
struct NoCalibratorOptions {};

}  // namespace qexp::calib
