#include "framework/experiment/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "framework/calibration/registry.h"
#include "framework/core/file_io.h"

namespace qexp::exp {
namespace {

// A minimal valid config; tests append to or edit it.
const char* kBase =
    "model:\n"                          // 1
    "  path: ../models/m.pb\n"          // 2
    "dataset:\n"                        // 3
    "  manifest: ../datasets/d.yaml\n"  // 4
    "variants:\n"                       // 5
    "  - mode: float\n"                 // 6
    "  - mode: int8\n"                  // 7
    "    calibrator: kl\n";             // 8

Result<ExperimentConfig> parse(const std::string& text, const std::vector<std::string>& set = {}) {
  return parse_config(text, "configs/x.yaml", set);
}

std::string error_of(const std::string& text, const std::vector<std::string>& set = {}) {
  auto r = parse(text, set);
  return r.ok() ? "OK" : r.status().message();
}

TEST(ConfigDefaults, AreFilledInOnce) {
  auto r = parse(kBase);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ExperimentConfig& c = *r;
  EXPECT_EQ(c.experiment.name, "x");
  EXPECT_EQ(c.experiment.seed, 0u);
  EXPECT_EQ(c.model.path, "../models/m.pb");
  EXPECT_EQ(c.model.resolved_path, "models/m.pb");
  EXPECT_EQ(c.model.format, ModelFormat::kAuto);
  EXPECT_EQ(c.dataset.split, "test");
  EXPECT_EQ(c.dataset.limit, 0);
  EXPECT_EQ(c.calibration.manifest, "../datasets/d.yaml");
  EXPECT_EQ(c.calibration.resolved_manifest, "datasets/d.yaml");
  EXPECT_EQ(c.calibration.split, "train");
  EXPECT_EQ(c.calibration.samples, 500);
  EXPECT_EQ(c.calibration.threads, 1);
  ASSERT_EQ(c.variants.size(), 2u);
  EXPECT_EQ(c.variants[0].name, "float");
  EXPECT_EQ(c.variants[0].calibrator, "");
  EXPECT_EQ(c.variants[1].name, "int8-kl-per_channel");
  EXPECT_EQ(c.variants[1].calibrator, "kl");
  EXPECT_TRUE(c.variants[1].per_channel);
  EXPECT_FALSE(c.variants[1].fc_per_channel);
  EXPECT_EQ(c.variants[1].io_type, quant::IoType::kFloat32);
  EXPECT_EQ(c.variants[1].dynamic_range_min_elements, 1024);
  EXPECT_EQ(c.variants[1].calibration_samples, 500);
  EXPECT_EQ(c.variants[1].calibration_seed, 0u);
  EXPECT_EQ(c.interpreter_threads, 1);
  EXPECT_EQ(c.metrics.layer_samples, 100);
  EXPECT_EQ(c.metrics.latency_runs, 20);
  EXPECT_EQ(c.report.formats, (std::vector<std::string>{"json", "md", "csv", "html"}));
  EXPECT_EQ(c.report.out, "runs/x");
}

TEST(ConfigDefaults, CalibrationSeedFollowsExperimentSeedAndVariantsFollowCalibration) {
  auto r = parse(std::string(kBase) +
                 "experiment: {name: e1, seed: 7}\n"
                 "calibration: {samples: 64}\n"
                 "report: {formats: [html, json]}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->calibration.seed, 7u);
  EXPECT_EQ(r->variants[1].calibration_seed, 7u);
  EXPECT_EQ(r->variants[1].calibration_samples, 64);
  EXPECT_EQ(r->report.formats, (std::vector<std::string>{"json", "html"}));
  EXPECT_EQ(r->report.out, "runs/e1");
}

TEST(ConfigErrors, UnknownKeySuggestsClosest) {
  EXPECT_EQ(error_of(std::string(kBase) + "    per_chanel: true\n"),
            "configs/x.yaml:9:5: variants[1].per_chanel: unknown key (did you mean "
            "'per_channel'?); valid keys: name, mode, calibrator, calibrator_options, "
            "per_channel, fc_per_channel, symmetric_activations, io_type, exclude, "
            "dynamic_range_min_elements, calibration_samples, calibration_seed");
  EXPECT_EQ(error_of(std::string(kBase) + "modle: {}\n"),
            "configs/x.yaml:9:1: modle: unknown key (did you mean 'model'?); valid keys: "
            "experiment, model, dataset, calibration, variants, grid, exclude, interpreter, "
            "analysis, metrics, report, plugins");
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_EQ(error_of(std::string(kBase) + "    per_channel: yes please\n"),
            "configs/x.yaml:9:18: variants[1].per_channel: expected true or false, got "
            "'yes please'");
  EXPECT_EQ(error_of(std::string(kBase) + "calibration: {samples: many}\n"),
            "configs/x.yaml:9:24: calibration.samples: expected an integer, got 'many'");
  EXPECT_EQ(error_of(std::string(kBase) + "calibration: {samples: '12'}\n"),
            "configs/x.yaml:9:24: calibration.samples: expected an integer, got '12'");
  EXPECT_EQ(error_of(std::string(kBase) + "interpreter: {threads: 0}\n"),
            "configs/x.yaml:9:24: interpreter.threads: 0 is outside [1, 256]");
  EXPECT_EQ(error_of(std::string(kBase) + "exclude: CONV_2D\n"),
            "configs/x.yaml:9:10: exclude: expected a list of strings, got a scalar");
  EXPECT_EQ(error_of(std::string(kBase) + "model: [a]\n"),
            "configs/x.yaml:9:1: model: duplicate key");
  EXPECT_EQ(error_of("model: [a]\ndataset: {manifest: d}\nvariants: [{mode: float}]\n"),
            "configs/x.yaml:1:8: model: expected a map, got a list");
  EXPECT_EQ(error_of(std::string(kBase) + "dataset2: 1\n").substr(0, 33),
            "configs/x.yaml:9:1: dataset2: unk");
}

TEST(ConfigMetrics, CountsAreCheckedIntegersAndUnknownKeysSuggest) {
  auto r = parse(std::string(kBase) + "metrics: {layer_samples: 0, latency_runs: 5}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->metrics.layer_samples, 0);
  EXPECT_EQ(r->metrics.latency_runs, 5);
  EXPECT_EQ(error_of(std::string(kBase) + "metrics:\n  layer_samples: -1\n"),
            "configs/x.yaml:10:18: metrics.layer_samples: -1 is outside [0, 100000]");
  EXPECT_EQ(error_of(std::string(kBase) + "metrics:\n  layer_sample: 3\n"),
            "configs/x.yaml:10:3: metrics.layer_sample: unknown key (did you mean "
            "'layer_samples'?); valid keys: layer_samples, latency_runs");
}

TEST(ConfigDataset, LimitIsAllOrAPositiveInteger) {
  const std::string head = "model: {path: m}\nvariants: [{mode: float}]\n";
  auto r = parse(head + "dataset: {manifest: d, limit: 100}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->dataset.limit, 100);
  EXPECT_NE(to_yaml(*r).find("  limit: 100\n"), std::string::npos);
  auto all = parse(head + "dataset: {manifest: d, limit: all}\n");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->dataset.limit, 0);
  EXPECT_EQ(error_of(head + "dataset: {manifest: d, limit: some}\n"),
            "configs/x.yaml:3:31: dataset.limit: expected a positive integer or 'all', got 'some'");
  EXPECT_EQ(error_of(head + "dataset: {manifest: d, limit: 0}\n"),
            "configs/x.yaml:3:31: dataset.limit: 0 is outside [1, 9223372036854775807]");
  EXPECT_EQ(error_of(head + "dataset: {split: test}\n"),
            "configs/x.yaml:3:10: dataset: missing required key 'manifest'");
}

TEST(ConfigErrors, BadEnumListsAllowedValues) {
  std::string text = kBase;
  text += "  - mode: int4\n";
  EXPECT_EQ(error_of(text),
            "configs/x.yaml:9:11: variants[2].mode: 'int4' is not one of float, float16, "
            "dynamic_range, int8, int16x8 (did you mean 'int8'?)");
  EXPECT_EQ(error_of(std::string(kBase) + "report: {formats: [json, pdf]}\n"),
            "configs/x.yaml:9:26: report.formats[1]: 'pdf' is not one of json, md, csv, html");
  EXPECT_EQ(error_of(std::string(kBase) + "model: {}\n").substr(0, 19), "configs/x.yaml:9:1:");
}

TEST(ConfigErrors, DuplicateVariantNames) {
  EXPECT_EQ(error_of(std::string(kBase) + "  - name: float\n    mode: float16\n"),
            "configs/x.yaml:9:11: variants[2].name: duplicate variant name 'float' (also "
            "variant 0)");
}

TEST(ConfigErrors, EmptyVariantList) {
  EXPECT_EQ(error_of("model: {path: m}\ndataset: {manifest: d}\nvariants: []\n"),
            "configs/x.yaml:3:11: variants: no variants: give a non-empty 'variants' list "
            "and/or a 'grid'");
  EXPECT_EQ(error_of("model: {path: m}\ndataset: {manifest: d}\n"),
            "configs/x.yaml:1:1: no variants: give a non-empty 'variants' list and/or a 'grid'");
}

TEST(ConfigErrors, MissingRequiredKeys) {
  EXPECT_EQ(error_of("dataset: {manifest: d}\nvariants: [{mode: float}]\n"),
            "configs/x.yaml:1:1: missing required section 'model'");
  EXPECT_EQ(error_of("model: {format: tflite}\ndataset: {manifest: d}\n"),
            "configs/x.yaml:1:8: model: missing required key 'path'");
}

TEST(ConfigErrors, CalibratorSettingsOnNonCalibratingMode) {
  EXPECT_EQ(error_of(std::string(kBase) + "  - mode: dynamic_range\n    calibrator: kl\n"),
            "configs/x.yaml:10:17: variants[2].calibrator: mode 'dynamic_range' does not "
            "calibrate (only int8 and int16x8 use calibrator and calibration settings)");
}

TEST(ConfigErrors, InvalidYamlAndSizeLimits) {
  EXPECT_EQ(error_of("model: {path: [\n").substr(0, 32), "configs/x.yaml:2:1: invalid YAML");
  // Billion laughs: 10 levels of 10 aliases would be 10^10 nodes if expanded.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", " : "") + prev;
    bomb += "]\n";
  }
  EXPECT_EQ(error_of(bomb),
            "configs/x.yaml: config has more than 100000 nodes (counting each use of an alias) "
            "or is nested deeper than 256 levels");
  EXPECT_EQ(error_of(std::string(kMaxConfigBytes + 1, '#')),
            "configs/x.yaml: config is larger than 1048576 bytes");
  EXPECT_EQ(error_of(std::string(100000, '[')).substr(0, 33), "configs/x.yaml:1:1: invalid YAML:");
  EXPECT_EQ(error_of(""), "configs/x.yaml: empty config");
}

TEST(ConfigGrid, ExpandsInFixedOrderWithDerivedNames) {
  auto r = parse(
      "model: {path: m}\ndataset: {manifest: d}\n"
      "variants: [{mode: float}]\n"
      "grid:\n"
      "  modes: [float16, int8, dynamic_range]\n"
      "  calibrators: [kl, minmax]\n"
      "  granularities: [per_channel, per_tensor]\n"
      "  samples: [32, 128]\n"
      "  seeds: [1, 2]\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> names;
  for (const VariantConfig& v : r->variants) names.push_back(v.name);
  std::vector<std::string> expected = {"float", "float16"};
  for (const char* cal : {"kl", "minmax"}) {
    for (const char* g : {"per_channel", "per_tensor"}) {
      for (const char* n : {"32", "128"}) {
        for (const char* s : {"1", "2"}) {
          expected.push_back(std::string("int8-") + cal + "-" + g + "-n" + n + "-s" + s);
        }
      }
    }
  }
  expected.push_back("dynamic_range-per_channel");
  expected.push_back("dynamic_range-per_tensor");
  EXPECT_EQ(names, expected);
  const VariantConfig& v = r->variants[2 + 4 + 3];  // kl, per_tensor, n128, s2
  EXPECT_EQ(v.name, "int8-kl-per_tensor-n128-s2");
  EXPECT_EQ(v.calibrator, "kl");
  EXPECT_FALSE(v.per_channel);
  EXPECT_EQ(v.calibration_samples, 128);
  EXPECT_EQ(v.calibration_seed, 2u);
}

TEST(ConfigGrid, DefaultsAndClashWithExplicitVariant) {
  auto r = parse(
      "model: {path: m}\ndataset: {manifest: d}\ncalibration: {samples: 64, seed: 3}\n"
      "grid: {calibrators: [mse]}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->variants.size(), 1u);
  EXPECT_EQ(r->variants[0].name, "int8-mse-per_channel-n64-s3");
  EXPECT_EQ(error_of("model: {path: m}\ndataset: {manifest: d}\n"
                     "variants: [{name: int8-minmax-per_channel-n500-s0, mode: float}]\n"
                     "grid: {}\n"),
            "configs/x.yaml:4:7: grid: duplicate variant name 'int8-minmax-per_channel-n500-s0' "
            "(also variant 0)");
  EXPECT_EQ(error_of("model: {path: m}\ndataset: {manifest: d}\ngrid: {seeds: []}\n"),
            "configs/x.yaml:3:15: grid.seeds: must not be empty");
}

TEST(ConfigOverrides, SetReplacesValuesBeforeTypedParsing) {
  auto r = parse(
      kBase, {"variants[1].calibrator=minmax", "calibration.samples=64", "experiment.name=renamed",
              "model.input_shape=[1, 28, 28, 1]", "variants[1].calibrator_options.bins=2048"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->variants[1].calibrator, "minmax");
  EXPECT_EQ(r->variants[1].calibration_samples, 64);
  EXPECT_EQ(r->experiment.name, "renamed");
  EXPECT_EQ(r->model.input_shape, (std::vector<int64_t>{1, 28, 28, 1}));
  EXPECT_EQ(r->variants[1].calibrator_options.at("bins"), "2048");
}

TEST(ConfigOverrides, ErrorsNameTheSetExpression) {
  EXPECT_EQ(error_of(kBase, {"variants[1].mode=int4"}),
            "--set variants[1].mode=int4: variants[1].mode: 'int4' is not one of float, "
            "float16, dynamic_range, int8, int16x8 (did you mean 'int8'?)");
  EXPECT_EQ(error_of(kBase, {"modle.path=x"}),
            "--set modle.path=x: modle: unknown key (did you mean 'model'?); valid keys: "
            "experiment, model, dataset, calibration, variants, grid, exclude, interpreter, "
            "analysis, metrics, report, plugins");
  EXPECT_EQ(error_of(kBase, {"variants[5].mode=int8"}),
            "--set variants[5].mode=int8: variants[5]: variants has 2 entries");
  EXPECT_EQ(error_of(kBase, {"calibration.samples"}),
            "--set calibration.samples: expected KEY=VALUE such as model.path=x.pb");
  EXPECT_EQ(error_of(kBase, {"model.path.x=1"}),
            "--set model.path.x=1: model.path is a scalar, not a map");
}

TEST(ConfigCalibrators, UnknownNameAndBadOptionsAreErrorsAtTheirPosition) {
  auto r = parse(std::string(kBase) + "  - mode: int8\n    calibrator: kll\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  Status s = resolve_calibrators(*r, calib::calibrator_registry());
  std::string names;
  for (const std::string& n : calib::calibrator_registry().calibrator_names()) {
    names += (names.empty() ? "" : ", ") + n;
  }
  EXPECT_EQ(s.message(),
            "configs/x.yaml:10:17: variants[2].calibrator: unknown calibrator 'kll' (did you "
            "mean 'kl'?); available: " +
                names);
  auto bad = parse(std::string(kBase) + "    calibrator_options: {bogus: 1}\n");
  ASSERT_TRUE(bad.ok()) << bad.status().message();
  Status b = resolve_calibrators(*bad, calib::calibrator_registry());
  EXPECT_EQ(b.message().substr(0, 54), "configs/x.yaml:9:25: variants[1] ('int8-kl-per_channel");
  auto good = parse(std::string(kBase) + "    calibrator_options: {levels: 64}\n");
  ASSERT_TRUE(good.ok()) << good.status().message();
  Status g = resolve_calibrators(*good, calib::calibrator_registry());
  ASSERT_TRUE(g.ok()) << g.message();
  // The plugin's defaults are filled in; the given option is kept.
  EXPECT_GT(good->variants[1].calibrator_options.size(), 1u);
  EXPECT_EQ(good->variants[1].calibrator_options.at("levels"), "64");
}

TEST(ConfigFiles, MissingModelIsAnErrorAtItsPosition) {
  auto r = parse(kBase);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(check_files(*r).message(),
            "configs/x.yaml:2:9: model.path: model file '../models/m.pb' (models/m.pb) does not "
            "exist (relative paths are relative to the config file's directory)");
}

TEST(ConfigErrors, NamesMustBeUsableAsFileNames) {
  EXPECT_EQ(error_of(std::string(kBase) + "experiment: {name: ../up}\n"),
            "configs/x.yaml:9:20: experiment.name: '../up' is not a valid name: use at most 128 "
            "letters, digits, '.', '_' and '-', not starting with '.' or '-' (it names the "
            "output directory)");
  EXPECT_EQ(error_of(std::string(kBase) + "  - {name: a/b, mode: float16}\n"),
            "configs/x.yaml:9:12: variants[2].name: 'a/b' is not a valid name: use at most 128 "
            "letters, digits, '.', '_' and '-', not starting with '.' or '-' (it names the "
            "variant's files)");
}

// A scratch directory with a model file and a manifest, and a config in a subdirectory.
class ConfigFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("qexp_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "configs");
    std::filesystem::create_directories(dir_ / "models");
    ASSERT_TRUE(write_text_file_atomic((dir_ / "models/m.pb").string(), "x").ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string config_path() const { return (dir_ / "configs/x.yaml").string(); }

  std::filesystem::path dir_;
};

TEST_F(ConfigFilesTest, MissingManifestSplitAndPluginAreErrorsAtTheirPositions) {
  const std::string path = config_path();
  auto r = parse_config(kBase, path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(check_files(*r).message(),
            path + ":4:13: dataset.manifest: dataset manifest '../datasets/d.yaml' (" +
                (dir_ / "datasets/d.yaml").string() + ") does not exist");
  std::filesystem::create_directories(dir_ / "datasets");
  ASSERT_TRUE(write_text_file_atomic((dir_ / "datasets/d.yaml").string(),
                                     "name: d\nformat: idx\npreprocess: unit\n"
                                     "splits:\n  test: {images: t.idx, labels: l.idx}\n")
                  .ok());
  Status s = check_files(*r);
  EXPECT_EQ(s.message(), path +
                             ": calibration.split: manifest '../datasets/d.yaml' has no "
                             "split 'train'; splits: test");
  auto fixed = parse_config(
      std::string(kBase) + "calibration: {split: test}\n" + "plugins: [../lib/p.so]\n", path);
  ASSERT_TRUE(fixed.ok()) << fixed.status().message();
  EXPECT_EQ(check_files(*fixed).message(), path + ":10:11: plugins[0]: plugin '../lib/p.so' (" +
                                               (dir_ / "lib/p.so").string() + ") does not exist");
  auto good = parse_config(std::string(kBase) + "calibration: {split: test}\n", path);
  ASSERT_TRUE(good.ok());
  Status ok = check_files(*good);
  EXPECT_TRUE(ok.ok()) << ok.message();
}

TEST(ConfigOutput, ResolvedConfigRoundTripsAndHashIsStable) {
  auto r = parse(std::string(kBase) +
                 "    calibrator_options: {bins: 1024}\n"
                 "  - {name: '1.5', mode: dynamic_range, exclude: ['odd: name', true]}\n"
                 "exclude: ['MobilenetV1/Conv2d_1.*']\n"
                 "plugins: [lib/x.so]\nanalysis: [weights]\n"
                 "grid: {calibrators: [percentile], seeds: [1, 2]}\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::string yaml = to_yaml(*r);
  auto again = parse(yaml);
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << yaml;
  EXPECT_EQ(to_yaml(*again), yaml);
  EXPECT_EQ(to_json(*again), to_json(*r));
  EXPECT_EQ(config_hash(*again), config_hash(*r));
  EXPECT_EQ(config_hash(*r).size(), 64u);
  EXPECT_NE(config_hash(*r), config_hash(*parse(kBase)));
  EXPECT_EQ(yaml.substr(0, 40), "experiment:\n  name: x\n  seed: 0\nmodel:\n ");
  EXPECT_NE(yaml.find("  - name: \"1.5\"\n    mode: dynamic_range\n"), std::string::npos) << yaml;
  const std::string json = to_json(*r);
  EXPECT_EQ(json.substr(0, 47), "{\n  \"experiment\": {\n    \"name\": \"x\",\n    \"seed\"");
}

TEST(ConfigAnalysis, RegularizationMapFormParsesChecksAndRoundTrips) {
  auto r = parse(std::string(kBase) +
                 "analysis:\n  run: [weights]\n  regularization:\n    l2: 1e-4\n"
                 "    layers: [{pattern: Logits, l2: 0.001}]\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->analysis, (std::vector<std::string>{"weights"}));
  EXPECT_EQ(r->regularization.l2, 1e-4);
  ASSERT_EQ(r->regularization.layers.size(), 1u);
  EXPECT_EQ(r->regularization.layers[0], (std::pair<std::string, double>{"Logits", 1e-3}));
  auto again = parse(to_yaml(*r));
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << to_yaml(*r);
  EXPECT_EQ(to_json(*again), to_json(*r));
  EXPECT_TRUE(parse(std::string(kBase) + "analysis: [weights]\n")->regularization.empty());
  EXPECT_EQ(error_of(std::string(kBase) + "analysis: {regularization: {l2: -1}}\n"),
            "configs/x.yaml:9:33: analysis.regularization.l2: expected a number >= 0, got '-1'");
  EXPECT_EQ(error_of(std::string(kBase) +
                     "analysis: {regularization: {layers: [{pattern: 'a[', l2: 1}]}}\n")
                .substr(0, 70),
            "configs/x.yaml:9:48: analysis.regularization.layers[0].pattern: not a ");
  EXPECT_EQ(error_of(std::string(kBase) + "analysis: {regularisation: {}}\n"),
            "configs/x.yaml:9:12: analysis.regularisation: unknown key (did you mean "
            "'regularization'?); valid keys: run, regularization");
}

TEST(ConfigOutput, QuantizeOptionsMergeGlobalAndVariantExcludes) {
  auto r = parse(std::string(kBase) +
                 "    exclude: [SOFTMAX]\n    io_type: int8\n"
                 "exclude: [CONV_2D]\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  quant::QuantizeOptions o = quantize_options(*r, r->variants[1]);
  EXPECT_EQ(o.mode, quant::QuantMode::kInt8);
  EXPECT_EQ(o.exclude, (std::vector<std::string>{"CONV_2D", "SOFTMAX"}));
  EXPECT_EQ(o.io_type, quant::IoType::kInt8);
  CalibrationSetup s = calibration_setup(*r, r->variants[1]);
  EXPECT_EQ(s.manifest, "datasets/d.yaml");
  EXPECT_EQ(s.split, "train");
  EXPECT_EQ(s.samples, 500);
  EXPECT_TRUE(s.histograms);
}

// The shipped configs parse and their calibrators are valid; files are checked only when the
// model exists (it is produced by tools/train).
TEST(ShippedConfigs, ParseAndCheck) {
  const std::string root = QEXP_SOURCE_DIR;
  for (const char* name : {"mobilenet_int8", "weight_only_vs_full_int8", "calibration_sweep"}) {
    SCOPED_TRACE(name);
    const std::string path = root + "/configs/" + name + ".yaml";
    auto text = read_text_file(path);
    ASSERT_TRUE(text.ok()) << text.status().message();
    auto r = parse_config(*text, path);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->experiment.name, name);
    EXPECT_TRUE(resolve_calibrators(*r, calib::calibrator_registry()).ok());
    if (std::filesystem::exists(r->model.resolved_path) &&
        std::filesystem::exists("/usr/share/datasets/fashion-mnist")) {
      Status s = check_files(*r);
      EXPECT_TRUE(s.ok()) << s.message();
    }
    // The resolved config (calibrator defaults included) parses and resolves to itself.
    auto again = parse_config(to_yaml(*r), path);
    ASSERT_TRUE(again.ok()) << again.status().message();
    ASSERT_TRUE(resolve_calibrators(*again, calib::calibrator_registry()).ok());
    EXPECT_EQ(to_yaml(*again), to_yaml(*r));
    EXPECT_EQ(config_hash(*again), config_hash(*r));
  }
  auto sweep = parse_config(*read_text_file(root + "/configs/calibration_sweep.yaml"),
                            root + "/configs/calibration_sweep.yaml");
  ASSERT_TRUE(sweep.ok());
  const size_t calibrators = calib::calibrator_registry().calibrator_names().size();
  // The sweep lists every built-in calibrator × 3 subset sizes × 3 seeds, plus the baseline.
  EXPECT_EQ(sweep->variants.size(), 1 + calibrators * 3 * 3u);
  EXPECT_EQ(calibrators, 7u);
  EXPECT_EQ(sweep->variants[1].name, "int8-aciq-per_channel-n32-s1");
  EXPECT_EQ(sweep->variants.back().name, "int8-sigma-per_channel-n512-s3");
  auto m = parse_config(*read_text_file(root + "/configs/mobilenet_int8.yaml"), "configs/m.yaml");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->variants.size(), 3u);
  EXPECT_EQ(m->variants[1].calibrator, "kl");
  EXPECT_EQ(m->model.resolved_path, "models/mobilenet_v1_0.5_fmnist.pb");
}

}  // namespace
}  // namespace qexp::exp
