#pragma once
// Helpers for calibrator tests: statistics built directly from a list of values (one sample,
// the definitions of plugin_api/statistics.h) or from hand-written histogram counts, and a
// configured instance of one plugin through the real registry checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/calibration/plugin_api/calibrator.h"
#include "framework/calibration/registry.h"

namespace qexp::calib::testing {

/// Statistics of `values` seen as one sample: finite values only, histograms of `bins` bins.
inline TensorStatistics stats_from_values(const std::vector<float>& values, int bins = 2048,
                                          const std::string& name = "t") {
  TensorStatistics s;
  s.name = name;
  s.samples = 1;
  bool first = true;
  for (float x : values) {
    if (!std::isfinite(x)) continue;
    s.min = first ? x : std::min(s.min, x);
    s.max = first ? x : std::max(s.max, x);
    first = false;
    ++s.count;
    s.zero_count += x == 0.0f;
    s.sum += x;
    s.sum_squares += static_cast<double>(x) * x;
  }
  s.ema_min = s.min;
  s.ema_max = s.max;
  const double absmax = s.absmax();
  s.abs_histogram = Histogram(0.0, absmax, bins);
  s.signed_histogram = Histogram(s.min, s.max, bins);
  for (float x : values) {
    if (!std::isfinite(x)) continue;
    s.abs_histogram.add(std::fabs(x));
    s.signed_histogram.add(x);
    s.sum_abs_deviation += std::fabs(x - s.mean());
  }
  return s;
}

/// Statistics whose |x| histogram has the given counts over [0, absmax] (min 0, max absmax,
/// count = total; the signed histogram mirrors it).
inline TensorStatistics stats_from_abs_counts(const std::vector<int64_t>& counts, double absmax,
                                              const std::string& name = "t") {
  TensorStatistics s;
  s.name = name;
  s.samples = 1;
  s.min = 0.0f;
  s.max = static_cast<float>(absmax);
  s.abs_histogram = Histogram(0.0, absmax, static_cast<int>(counts.size()));
  s.signed_histogram = Histogram(0.0, absmax, static_cast<int>(counts.size()));
  for (size_t i = 0; i < counts.size(); ++i) {
    s.abs_histogram.add_to_bin(static_cast<int>(i), counts[i]);
    s.signed_histogram.add_to_bin(static_cast<int>(i), counts[i]);
    s.count += counts[i];
  }
  return s;
}

/// A configured instance of the plugin behind `entry`; fails the test on errors.
inline std::unique_ptr<ConfiguredCalibrator> make_calibrator(
    QexpPluginEntryFn entry, const std::map<std::string, std::string>& options = {}) {
  PluginRegistry registry;
  Status added = registry.add(entry(), "test");
  EXPECT_TRUE(added.ok()) << added.message();
  auto c = registry.create_calibrator(entry()->name, options);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

/// The error message of configuring the plugin with `options`, or "ok".
inline std::string option_error(QexpPluginEntryFn entry,
                                const std::map<std::string, std::string>& options) {
  PluginRegistry registry;
  EXPECT_TRUE(registry.add(entry(), "test").ok());
  auto c = registry.create_calibrator(entry()->name, options);
  return c.ok() ? "ok" : c.status().message();
}

/// The range or fails the test.
inline Range range_of(const ConfiguredCalibrator& c, const TensorStatistics& s) {
  auto r = c.range(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Range{-999.0f, 999.0f};
}

}  // namespace qexp::calib::testing
