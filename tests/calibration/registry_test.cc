// The plugin registry: the generated built-in table, listings, unknown names, entry checks, and
// plugin failures turned into errors naming the plugin and the tensor.

#include "framework/calibration/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

class ThrowingCalibrator final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> s;
    return s;
  }
  Result<Range> compute(const TensorStatistics&, const NoCalibratorOptions&) const override {
    throw std::runtime_error("boom");
  }
};

class BadRangeCalibrator final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> s;
    return s;
  }
  Result<Range> compute(const TensorStatistics&, const NoCalibratorOptions&) const override {
    return Range{1.0f, 2.0f};  // does not contain 0
  }
};

class ThrowsOnConstruction final : public CalibratorWithOptions<NoCalibratorOptions> {
 public:
  ThrowsOnConstruction() { throw std::runtime_error("no"); }

 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> s;
    return s;
  }
  Result<Range> compute(const TensorStatistics&, const NoCalibratorOptions&) const override {
    return Range{};
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(test_throwing, qexp::calib::ThrowingCalibrator, "0.1", "throws")
QEXP_REGISTER_CALIBRATOR(test_bad_range, qexp::calib::BadRangeCalibrator, "0.1", "bad range")
QEXP_REGISTER_CALIBRATOR(test_no_ctor, qexp::calib::ThrowsOnConstruction, "0.1", "no ctor")

namespace qexp::calib {
namespace {

TEST(CalibratorRegistry, ListsEveryBuiltInCalibratorSortedByName) {
  EXPECT_EQ(calibrator_registry().calibrator_names(),
            (std::vector<std::string>{"aciq", "ema_minmax", "kl", "minmax", "mse", "percentile",
                                      "sigma"}));
  for (const PluginDescription& d : calibrator_registry().list(PluginKind::kCalibrator)) {
    EXPECT_EQ(d.origin, "built-in");
    EXPECT_FALSE(d.version.empty()) << d.name;  // each plugin's own test pins its version
    EXPECT_FALSE(d.description.empty()) << d.name;
  }
}

TEST(CalibratorRegistry, ListingIncludesTypedOptionsWithDefaults) {
  for (const PluginDescription& d : calibrator_registry().list()) {
    if (d.name != "percentile") continue;
    ASSERT_EQ(d.options.size(), 2u);
    EXPECT_EQ(d.options[0].name, "percentile");
    EXPECT_EQ(d.options[0].type, OptionType::kFloat);
    EXPECT_EQ(d.options[0].default_text, "99.99");
    EXPECT_EQ(d.options[0].max, 100.0);
    return;
  }
  FAIL() << "percentile not listed";
}

TEST(CalibratorRegistry, UnknownNameListsTheKnownOnesAndTheClosest) {
  auto r = calibrator_registry().create_calibrator("kll");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "unknown calibrator 'kll' (did you mean 'kl'?); known calibrators: aciq, ema_minmax, "
            "kl, minmax, mse, percentile, sigma");
  r = calibrator_registry().create_calibrator("entropy");
  EXPECT_EQ(r.status().message(),
            "unknown calibrator 'entropy'; known calibrators: aciq, ema_minmax, kl, minmax, mse, "
            "percentile, sigma");
}

TEST(CalibratorRegistry, BadOptionsNameTheCalibrator) {
  auto r = calibrator_registry().create_calibrator("percentile", {{"percentile", "101"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "calibrator 'percentile': percentile: 101 is outside [0, 100]");
}

TEST(CalibratorRegistry, SeveralCalibratorsEvaluateOneStatisticsObject) {
  TensorStatistics s;
  s.name = "t";
  s.count = 4;
  s.min = -1.0f;
  s.max = 2.0f;
  s.ema_min = -0.5;
  s.ema_max = 1.5;
  auto minmax = calibrator_registry().create_calibrator("minmax");
  auto ema = calibrator_registry().create_calibrator("ema_minmax");
  ASSERT_TRUE(minmax.ok() && ema.ok());
  EXPECT_EQ(*(*minmax)->range(s), (Range{-1.0f, 2.0f}));
  EXPECT_EQ(*(*ema)->range(s), (Range{-0.5f, 1.5f}));
}

PluginRegistry test_registry() {
  PluginRegistry r;
  EXPECT_TRUE(r.add(qexp_plugin_entry_test_throwing(), "test.so").ok());
  EXPECT_TRUE(r.add(qexp_plugin_entry_test_bad_range(), "test.so").ok());
  EXPECT_TRUE(r.add(qexp_plugin_entry_test_no_ctor(), "test.so").ok());
  return r;
}

TEST(PluginRegistry, PluginExceptionBecomesAnErrorNamingPluginAndTensor) {
  auto c = test_registry().create_calibrator("test_throwing");
  ASSERT_TRUE(c.ok());
  TensorStatistics s;
  s.name = "conv1/Relu6";
  auto r = (*c)->range(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "calibrator 'test_throwing' on tensor 'conv1/Relu6': threw an exception: boom");
}

TEST(PluginRegistry, RangeWithoutZeroIsAnErrorNamingPluginAndTensor) {
  auto c = test_registry().create_calibrator("test_bad_range");
  ASSERT_TRUE(c.ok());
  TensorStatistics s;
  s.name = "x";
  EXPECT_EQ((*c)->range(s).status().message(),
            "calibrator 'test_bad_range' on tensor 'x': returned [1, 2]; a range must be finite "
            "with min <= 0 <= max");
}

TEST(PluginRegistry, ThrowingConstructorIsACreateError) {
  auto c = test_registry().create_calibrator("test_no_ctor");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "calibrator 'test_no_ctor' (test.so): create() failed (the constructor threw)");
}

TEST(PluginRegistry, RejectsVersionMismatchDuplicatesAndBadEntries) {
  PluginRegistry r = test_registry();
  QexpPluginInfo info = *qexp_plugin_entry_test_throwing();
  info.name = "other";
  info.api_version = QEXP_PLUGIN_API_VERSION + 1;
  EXPECT_EQ(r.add(&info, "/tmp/other.so").message(),
            "plugin 'other' (/tmp/other.so) was built for plugin API 2, this qexp has API 1");
  info.api_version = QEXP_PLUGIN_API_VERSION;
  info.cxx_abi = "libc++";
  EXPECT_EQ(r.add(&info, "/tmp/other.so").message(),
            "plugin 'other' (/tmp/other.so) was built with C++ ABI 'libc++', this qexp uses "
            "'" QEXP_PLUGIN_CXX_ABI "'");
  info.cxx_abi = QEXP_PLUGIN_CXX_ABI;
  info.name = "Bad-Name";
  EXPECT_EQ(r.add(&info, "x.so").message(),
            "plugin 'Bad-Name' (x.so): the name must match [a-z][a-z0-9_]*");
  info.name = "other";
  info.create = nullptr;
  EXPECT_EQ(r.add(&info, "x.so").message(),
            "plugin 'other' (x.so): version, description, create and destroy must be set");
  EXPECT_EQ(r.add(qexp_plugin_entry_test_throwing(), "/tmp/again.so").message(),
            "duplicate plugin name 'test_throwing': test.so and /tmp/again.so");
  EXPECT_EQ(r.add(nullptr, "y.so").message(), "y.so: the plugin entry returned null");
}

TEST(PluginRegistry, BuiltInRegistryCanBeExtendedByACopy) {
  PluginRegistry r = calibrator_registry();
  ASSERT_TRUE(r.add(qexp_plugin_entry_test_bad_range(), "extra.so").ok());
  const size_t built_in = calibrator_registry().calibrator_names().size();
  EXPECT_EQ(r.calibrator_names().size(), built_in + 1);
  EXPECT_EQ(calibrator_registry().calibrator_names().size(), built_in);  // the original is intact
  auto dup = r.add(
      calibrator_registry().list()[0].name == "aciq" ? qexp_plugin_entry_test_bad_range() : nullptr,
      "again.so");
  EXPECT_FALSE(dup.ok());
}

TEST(PluginRegistry, EntryStructIsVersionedAndComplete) {
  const QexpPluginInfo* info = builtin_plugin_entries()[0]();
  EXPECT_EQ(info->api_version, QEXP_PLUGIN_API_VERSION);
  EXPECT_EQ(info->struct_size, sizeof(QexpPluginInfo));
  EXPECT_EQ(info->kind, static_cast<uint32_t>(QEXP_PLUGIN_KIND_CALIBRATOR));
  EXPECT_STREQ(info->name, "minmax");
  // Every generated entry is registered: calibrators and analyses alike.
  EXPECT_EQ(builtin_plugin_entries().size(), calibrator_registry().list().size());
}

}  // namespace
}  // namespace qexp::calib
