#pragma once
/// The experiment config: one YAML file (configs/*.yaml) parsed once into typed structs with
/// every default filled in here and nowhere else. Documented key by key in docs/config.md.
///
/// Loading is three separate steps so each can be tested alone:
///   1. parse_config: YAML text (+ `--set` overrides) → ExperimentConfig. Strict: unknown keys
///      (with the closest valid one), wrong types, bad enum values, duplicate variant names and
///      an empty variant list are errors "file:line:col: dotted.path: message"; an error in a
///      value given with --set names the --set expression instead of a file position.
///   2. resolve_calibrators: every calibrator name and its options against a plugin registry;
///      fills in the calibrator's own option defaults (they live in the plugin).
///   3. check_files: the model, manifests (and their splits) and plugin files exist.
/// load_config does all three.
///
/// Relative input paths (model, manifests, plugins) are relative to the directory of the config
/// file, so configs/x.yaml names the demo model `../models/…`. The report directory is an
/// output and, like `--out`, is relative to the current working directory.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "framework/core/status.h"
#include "framework/experiment/ptq.h"
#include "framework/quantization/quantize_graph.h"

namespace qexp::calib {
class PluginRegistry;
}

namespace qexp::exp {

enum class ModelFormat { kAuto, kTflite, kGraphDef };
std::string_view model_format_name(ModelFormat f);  ///< "auto", "tflite", "graphdef"

/// The mode of one variant: `float` is the unquantized baseline, the others are quant modes.
enum class VariantMode { kFloat, kFloat16, kDynamicRange, kInt8, kInt16x8 };
std::string_view variant_mode_name(VariantMode m);  ///< "float", "float16", "dynamic_range", …
/// Whether the mode calibrates activations (int8, int16x8) and so uses a calibrator.
bool uses_calibration(VariantMode m);

struct ExperimentSection {
  std::string name;   ///< default: the config file's name without extension
  uint64_t seed = 0;  ///< default seed of everything seeded
};

struct ModelSection {
  std::string path;           ///< as written (required)
  std::string resolved_path;  ///< relative to the config file's directory
  ModelFormat format = ModelFormat::kAuto;
  std::vector<std::string> input_arrays;   ///< empty: the model's own inputs
  std::vector<std::string> output_arrays;  ///< empty: the model's own outputs
  std::vector<int64_t> input_shape;        ///< empty: from the model
};

struct DatasetSection {
  std::string manifest;  ///< as written (required)
  std::string resolved_manifest;
  std::string split = "test";
  int64_t limit = 0;  ///< number of images evaluated; 0 = all
  /// Images per evaluation task: the unit of work shards / MPI ranks take (docs/scale-out.md).
  int64_t shard_size = 1000;
};

struct CalibrationSection {
  std::string manifest;  ///< default: dataset.manifest
  std::string resolved_manifest;
  std::string split = "train";
  int64_t samples = 500;
  uint64_t seed = 0;  ///< default: experiment.seed
  int threads = 1;
};

/// One quantization variant, fully resolved.
struct VariantConfig {
  std::string name;  ///< unique; default derived as for grid variants
  VariantMode mode = VariantMode::kInt8;
  /// Calibrator plugin name and its options (int8 / int16x8 only; "" and empty otherwise).
  std::string calibrator;
  std::map<std::string, std::string> calibrator_options;
  bool per_channel = true;
  bool fc_per_channel = false;
  bool symmetric_activations = false;
  quant::IoType io_type = quant::IoType::kFloat32;
  std::vector<std::string> exclude;  ///< in addition to the global `exclude`
  int64_t dynamic_range_min_elements = 1024;
  /// Calibration subset of this variant (int8 / int16x8; default: the calibration section's).
  int64_t calibration_samples = 0;
  uint64_t calibration_seed = 0;
};

/// What the runner measures beyond accuracy (docs/config.md, `metrics`).
struct MetricsSection {
  /// Evaluation images (the first ones) the per-layer errors are measured on; 0 = none.
  int64_t layer_samples = 100;
  /// Timed invocations per thread count for the latency figures; 0 = no latency measurement.
  int64_t latency_runs = 20;
};

/// `analysis.regularization` (docs/config.md): the L2 scales the model was trained with, for the
/// weights analysis when the model file does not carry its regularizers.
struct RegularizationSection {
  std::optional<double> l2;  ///< every conv / depthwise / fully-connected kernel
  /// {regex, scale}: kernels whose weight or op name matches; the first match wins over `l2`.
  std::vector<std::pair<std::string, double>> layers;
  bool empty() const { return !l2 && layers.empty(); }
};

struct ReportSection {
  /// Subset of json, md, csv, html, in that order; default all four.
  std::vector<std::string> formats;
  std::string out;  ///< default runs/<experiment.name>; relative to the working directory
};

struct ExperimentConfig {
  std::string source;      ///< the config file (as given)
  std::string source_dir;  ///< its directory, base of relative input paths
  ExperimentSection experiment;
  ModelSection model;
  DatasetSection dataset;
  CalibrationSection calibration;
  std::vector<VariantConfig> variants;  ///< explicit variants first, then the expanded grid
  std::vector<std::string> exclude;     ///< ops every variant leaves in float
  int interpreter_threads = 1;
  std::vector<std::string> analysis;
  RegularizationSection regularization;  ///< analysis.regularization
  MetricsSection metrics;
  ReportSection report;
  std::vector<std::string> plugins;           ///< as written
  std::vector<std::string> resolved_plugins;  ///< relative to the config file's directory

  /// "file:line:col" (or "--set EXPR") of a value by dotted path ("model.path",
  /// "variants[2].calibrator"), for errors of the later checking steps; `source` if unknown.
  std::string where(const std::string& path) const;
  std::map<std::string, std::string> locations;  ///< filled by parse_config
};

/// Maximum size of a config file and of its node tree (aliases counted every time they are
/// reached, so an alias bomb is rejected instead of expanded).
inline constexpr int64_t kMaxConfigBytes = int64_t{1} << 20;
inline constexpr int64_t kMaxConfigNodes = 100000;

/// Parses config text. `path` is used in messages and its directory resolves relative paths.
/// `overrides` are "a.b=value" / "variants[1].calibrator=kl" expressions applied to the YAML
/// tree before typed parsing; the value is YAML ("[1, 2]" is a list). Does not touch the file
/// system or the plugin registry.
Result<ExperimentConfig> parse_config(std::string_view yaml_text, const std::string& path,
                                      const std::vector<std::string>& overrides = {});

/// Checks each calibrating variant's calibrator name and options by creating it in `registry`,
/// and replaces its calibrator_options with the calibrator's resolved options (defaults filled
/// in, canonical text), so the resolved config states every option in force.
/// Errors name the variant's position:
/// "x.yaml:9:18: variants[1].calibrator: unknown calibrator 'kll' (did you mean 'kl'?); …".
Status resolve_calibrators(ExperimentConfig& config, const calib::PluginRegistry& registry);

/// Checks that the model, plugin and manifest files exist and that the manifests have the
/// configured splits.
Status check_files(const ExperimentConfig& config);

/// Reads (at most kMaxConfigBytes), parses, resolves calibrators against `registry` (nullptr:
/// calib::calibrator_registry(), the built-in plugins; a caller that loads the config's
/// `plugins` passes the extended registry) and checks files.
Result<ExperimentConfig> load_config(const std::string& path,
                                     const std::vector<std::string>& overrides = {},
                                     const calib::PluginRegistry* registry = nullptr);

/// The resolved config (defaults filled in, grid expanded) as YAML / JSON, keys in a fixed
/// order. Parsing to_yaml's output from the same directory gives an equal config.
std::string to_yaml(const ExperimentConfig& config);
std::string to_json(const ExperimentConfig& config);
/// SHA-256 (hex) of to_json: equal for configs that resolve to the same experiment.
std::string config_hash(const ExperimentConfig& config);

/// The quantizer options of a non-float variant (global and variant excludes merged).
quant::QuantizeOptions quantize_options(const ExperimentConfig& config,
                                        const VariantConfig& variant);
/// The calibration setup of a calibrating variant.
CalibrationSetup calibration_setup(const ExperimentConfig& config, const VariantConfig& variant);

}  // namespace qexp::exp
