// lp_norm on a hand-computed histogram (README.md has the arithmetic): |x| counts {4, 1, 0, 1}
// over [0, 4], a 2-bit unsigned grid (L = 3). p = 1 picks T = 2, p = 4 picks T = 4.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "framework/calibration/plugin_api/calibrator.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_lp_norm(void);

namespace {

using qexp::calib::Calibrator;
using qexp::calib::Histogram;
using qexp::calib::Range;
using qexp::calib::TensorStatistics;

using Options = std::map<std::string, std::string>;

// A calibrator instance made and released through the plugin's own entry, as qexp does.
struct Instance {
  explicit Instance(const Options& options) {
    info = qexp_plugin_entry_lp_norm();
    calibrator = static_cast<Calibrator*>(info->create());
    configured = calibrator->configure(options);
  }
  ~Instance() { info->destroy(calibrator); }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  const QexpPluginInfo* info;
  Calibrator* calibrator;
  qexp::Status configured;
};

TensorStatistics hand_histogram() {
  TensorStatistics s;
  s.name = "t";
  s.min = 0.0f;
  s.max = 4.0f;
  s.count = 6;
  s.abs_histogram = Histogram(0.0, 4.0, 4);
  s.signed_histogram = Histogram(0.0, 4.0, 4);
  const int64_t counts[] = {4, 1, 0, 1};
  for (int k = 0; k < 4; ++k) {
    s.abs_histogram.add_to_bin(k, counts[k]);
    s.signed_histogram.add_to_bin(k, counts[k]);
  }
  return s;
}

Range range_for(const Options& options) {
  Instance c(options);
  EXPECT_TRUE(c.configured.ok()) << c.configured.message();
  auto r = c.calibrator->compute_range(hand_histogram());
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Range{};
}

TEST(LpNorm, EntryDescribesThePlugin) {
  const QexpPluginInfo* info = qexp_plugin_entry_lp_norm();
  EXPECT_STREQ(info->name, "lp_norm");
  EXPECT_STREQ(info->version, "1.0.0");
  EXPECT_EQ(info->api_version, QEXP_PLUGIN_API_VERSION);
}

TEST(LpNorm, L1NormKeepsTheSmallValuesAccurateAndClipsAtTwo) {
  // E_1: T=1 3.667, T=2 2.333, T=3 3.0, T=4 2.667.
  EXPECT_EQ(range_for({{"p", "1"}, {"num_bits", "2"}}), (Range{0.0f, 2.0f}));
}

TEST(LpNorm, L4NormAvoidsTheLargeClippingErrorAndKeepsTheMax) {
  // E_4: T=1 39.128, T=2 5.066, T=3 0.375, T=4 0.313.
  EXPECT_EQ(range_for({{"p", "4"}, {"num_bits", "2"}}), (Range{0.0f, 4.0f}));
}

TEST(LpNorm, ClipsOnlyTheSideTheTensorReaches) {
  // A signed tensor in [-1, 4] with the same |x| histogram, forced onto the unsigned grid:
  // T = 2 clips max to 2 and leaves min at -1.
  TensorStatistics s = hand_histogram();
  s.min = -1.0f;
  Instance c(Options{{"p", "1"}, {"num_bits", "2"}, {"grid", "unsigned"}});
  ASSERT_TRUE(c.configured.ok());
  EXPECT_EQ(*c.calibrator->compute_range(s), (Range{-1.0f, 2.0f}));
}

TEST(LpNorm, RejectsAnOutOfRangeExponent) {
  Instance c(Options{{"p", "0"}});
  EXPECT_EQ(c.configured.message(), "p: 0 is outside [0.5, 16]");
}

TEST(LpNorm, NeedsHistograms) {
  Instance c(Options{{"p", "3"}});
  TensorStatistics s;
  s.count = 1;
  s.max = 1.0f;
  EXPECT_FALSE(c.calibrator->compute_range(s).ok());
}

}  // namespace
