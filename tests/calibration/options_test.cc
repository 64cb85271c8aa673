// Typed plugin options: defaults declared once in a struct, strict parsing, exact messages.

#include "framework/calibration/plugin_api/options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "framework/calibration/collector.h"

namespace qexp::calib {
namespace {

struct Opts {
  double percentile = 99.99;
  int bins = 2048;
  bool symmetric = false;
  std::string mode = "abs";
  std::string label = "x";
};

const OptionsSchema<Opts>& schema() {
  static const OptionsSchema<Opts> s =
      OptionsSchema<Opts>()
          .add_float("percentile", &Opts::percentile, 0, 100, "kept mass in %")
          .add_int("bins", &Opts::bins, 1, 65536, "histogram bins")
          .add_bool("symmetric", &Opts::symmetric, "symmetric range")
          .add_enum("mode", &Opts::mode, {"abs", "signed"}, "which histogram")
          .add_string("label", &Opts::label, "free text");
  return s;
}

std::string error_of(const std::map<std::string, std::string>& values) {
  auto r = schema().parse(values);
  return r.ok() ? "ok" : r.status().message();
}

TEST(Options, DefaultsComeFromTheStructsMemberInitializers) {
  const auto& specs = schema().specs();
  ASSERT_EQ(specs.size(), 5u);
  EXPECT_EQ(specs[0].default_text, "99.99");
  EXPECT_EQ(specs[1].default_text, "2048");
  EXPECT_EQ(specs[2].default_text, "false");
  EXPECT_EQ(specs[3].default_text, "abs");
  auto parsed = schema().parse({});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->percentile, 99.99);
}

TEST(Options, ParsesEveryTypeAndReportsResolvedValues) {
  auto r = schema().parse({{"percentile", " 99.5 "},
                           {"bins", "+512"},
                           {"symmetric", "true"},
                           {"mode", "signed"},
                           {"label", "hello world"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->percentile, 99.5);
  EXPECT_EQ(r->bins, 512);
  EXPECT_TRUE(r->symmetric);
  EXPECT_EQ(r->mode, "signed");
  EXPECT_EQ(schema().to_text(*r), (std::map<std::string, std::string>{{"bins", "512"},
                                                                      {"label", "hello world"},
                                                                      {"mode", "signed"},
                                                                      {"percentile", "99.5"},
                                                                      {"symmetric", "true"}}));
}

TEST(Options, OutOfRangeValuesNameTheOptionValueAndRange) {
  EXPECT_EQ(error_of({{"percentile", "101"}}), "percentile: 101 is outside [0, 100]");
  EXPECT_EQ(error_of({{"bins", "0"}}), "bins: 0 is outside [1, 65536]");
  EXPECT_EQ(error_of({{"bins", "99999999999999999999"}}),
            "bins: 99999999999999999999 is outside [1, 65536]");
}

TEST(Options, MalformedValuesSayWhatWasExpected) {
  EXPECT_EQ(error_of({{"percentile", "99%"}}), "percentile: '99%' is not a number");
  EXPECT_EQ(error_of({{"percentile", ""}}), "percentile: '' is not a number");
  EXPECT_EQ(error_of({{"percentile", "nan"}}), "percentile: 'nan' is not a finite number");
  EXPECT_EQ(error_of({{"bins", "1.5"}}), "bins: '1.5' is not an integer");
  EXPECT_EQ(error_of({{"symmetric", "yes"}}), "symmetric: 'yes' is not a boolean (true or false)");
  EXPECT_EQ(error_of({{"mode", "absolute"}}), "mode: 'absolute' is not one of abs, signed");
  EXPECT_EQ(error_of({{"mode", "signd"}}),
            "mode: 'signd' is not one of abs, signed (did you mean 'signed'?)");
}

TEST(Options, UnknownKeysListTheValidOnesAndTheClosest) {
  EXPECT_EQ(error_of({{"percentil", "99"}}),
            "unknown option 'percentil' (did you mean 'percentile'?); valid options: bins, label, "
            "mode, percentile, symmetric");
  EXPECT_EQ(error_of({{"zzz", "1"}}),
            "unknown option 'zzz'; valid options: bins, label, mode, percentile, symmetric");
}

TEST(Options, DescribeGivesTypeDefaultRangeAndDoc) {
  EXPECT_EQ(describe_option(schema().specs()[0]),
            "percentile (float, default 99.99, [0, 100]): kept mass in %");
  EXPECT_EQ(describe_option(schema().specs()[3]),
            "mode (enum: abs | signed, default abs): which histogram");
}

TEST(StatisticsOptions, ZeroBinsIsAnError) {
  auto r = statistics_options_schema().parse({{"bins", "0"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "bins: 0 is outside [1, 65536]");
  auto ok = statistics_options_schema().parse({});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->bins, 2048);
  EXPECT_EQ(ok->ema_constant, 0.01);
}

}  // namespace
}  // namespace qexp::calib
