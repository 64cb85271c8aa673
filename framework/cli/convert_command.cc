// `qexp convert MODEL -o OUT.tflite`: import, run the conversion passes, export TFLite.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include "framework/calibration/collector.h"
#include "framework/calibration/driver.h"
#include "framework/calibration/plugin_loader.h"
#include "framework/calibration/registry.h"
#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/core/strings.h"
#include "framework/experiment/ptq.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/quantization/quantize_graph.h"

namespace qexp::cli {
namespace {

struct ConvertArgs {
  std::string model, output;
  GraphDefArgs graphdef;
  std::string passes, print_after;
  bool verify_each = false;
  bool verbose = false;
  // Quantization.
  std::string quantize, calibration = "minmax", calib_dataset, calib_split = "train";
  std::string io_type = "float";
  std::vector<std::string> calibration_options, exclude, plugins;
  std::string weight_calibration;  // empty: abs-max weights
  std::vector<std::string> weight_calibration_options;
  int64_t calib_samples = 500;
  uint64_t calib_seed = 0;
  int threads = 1, calib_batch = 1;
  bool per_tensor = false, fc_per_channel = false, symmetric_activations = false;
  int64_t dynamic_range_min_elements = 1024;
};

Result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& kvs,
                                                            std::string_view option) {
  std::map<std::string, std::string> out;
  for (const auto& kv : kvs) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_argument(str_cat(option, ": ", quoted(kv), " is not key=value"));
    }
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

/// --weight-calibration: the calibrator's range of each weight group (its values taken as one
/// sample, with histograms) gives the clip threshold max(|min|, |max|).
Result<std::function<Result<float>(const std::string&, const std::vector<float>&)>>
weight_range_method(const ConvertArgs& args, const calib::PluginRegistry& registry) {
  QEXP_ASSIGN_OR_RETURN(auto options, parse_key_values(args.weight_calibration_options,
                                                       "--weight-calibration-option"));
  QEXP_ASSIGN_OR_RETURN(std::shared_ptr<calib::ConfiguredCalibrator> calibrator,
                        registry.create_calibrator(args.weight_calibration, options));
  return [calibrator](const std::string& name, const std::vector<float>& v) -> Result<float> {
    const calib::TensorStatistics stats = calib::statistics_of_values(
        name, v.data(), static_cast<int64_t>(v.size()), calib::StatisticsOptions{});
    QEXP_ASSIGN_OR_RETURN(calib::Range r, calibrator->range(stats));
    return std::max(std::fabs(r.min), std::fabs(r.max));
  };
}

/// Quantizes the float graph as the options say, calibrating first for integer modes.
Result<ir::Graph> quantize(const ConvertArgs& args, const ir::Graph& float_graph) {
  quant::QuantizeOptions q;
  QEXP_ASSIGN_OR_RETURN(q.mode, quant::parse_quant_mode(args.quantize));
  QEXP_ASSIGN_OR_RETURN(q.io_type, quant::parse_io_type(args.io_type));
  q.per_channel = !args.per_tensor;
  q.fc_per_channel = args.fc_per_channel;
  q.symmetric_activations = args.symmetric_activations;
  q.exclude = args.exclude;
  q.dynamic_range_min_elements = args.dynamic_range_min_elements;
  QEXP_RETURN_IF_ERROR(quant::check_quantizable(float_graph, q));  // before calibrating
  const bool integer = q.mode == quant::QuantMode::kInt8 || q.mode == quant::QuantMode::kInt16x8;
  if (!args.weight_calibration.empty() && !integer) {
    return invalid_argument("--weight-calibration applies to --quantize int8 and int16x8 only");
  }
  quant::RangeMap ranges;
  if (integer) {
    if (args.calib_dataset.empty()) {
      return invalid_argument(str_cat("--quantize ", args.quantize,
                                      " needs calibration data: give --calib-dataset MANIFEST"));
    }
    if (args.calib_samples < 0) {
      return invalid_argument(
          str_cat("--calib-samples: ", args.calib_samples, " is negative; give a sample count"));
    }
    QEXP_ASSIGN_OR_RETURN(auto options,
                          parse_key_values(args.calibration_options, "--calibration-option"));
    // Fail on a bad plugin, calibrator or option before spending time on statistics.
    QEXP_ASSIGN_OR_RETURN(calib::PluginRegistry registry,
                          calib::registry_with_plugins(args.plugins));
    QEXP_ASSIGN_OR_RETURN(auto calibrator, registry.create_calibrator(args.calibration, options));
    if (!args.weight_calibration.empty()) {
      QEXP_ASSIGN_OR_RETURN(q.weight_threshold, weight_range_method(args, registry));
    }
    exp::CalibrationSetup setup;
    setup.manifest = args.calib_dataset;
    setup.split = args.calib_split;
    setup.samples = args.calib_samples;
    setup.seed = args.calib_seed;
    setup.threads = args.threads;
    setup.batch_size = args.calib_batch;
    setup.histograms = exp::needs_histograms(args.calibration);
    QEXP_ASSIGN_OR_RETURN(auto stats, exp::collect_calibration(
                                          std::make_shared<const ir::Graph>(float_graph), setup));
    for (const auto& w : stats.warnings) std::fprintf(stderr, "qexp: warning: %s\n", w.c_str());
    QEXP_ASSIGN_OR_RETURN(auto result, calib::evaluate_calibrator(*calibrator, stats));
    std::fprintf(stderr,
                 "qexp: calibrated %lld samples with '%s': statistics %.2f s + %.2f s, ranges %.3f "
                 "s, peak memory +%.1f MB\n",
                 static_cast<long long>(stats.num_samples), args.calibration.c_str(),
                 stats.cost.pass1_seconds, stats.cost.pass2_seconds, result.seconds,
                 static_cast<double>(stats.cost.peak_rss_delta_bytes) / 1e6);
    ranges = exp::to_range_map(result);
  }
  quant::QuantizeSummary summary;
  QEXP_ASSIGN_OR_RETURN(ir::Graph g, quant::quantize_graph(float_graph, ranges, q, &summary));
  std::fprintf(stderr, "qexp: quantized %zu ops to %s (%zu left in float)\n",
               summary.quantized_ops.size(), args.quantize.c_str(), summary.float_ops.size());
  return g;
}

Status run_convert(const ConvertArgs& args) {
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions options, model_load_options(args.graphdef));
  options.passes = split_list(args.passes);
  options.print_after = split_list(args.print_after);
  options.verify_each = args.verify_each;
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, options));
  if (args.verbose) {
    for (const auto& line : model.pass_log) std::fprintf(stderr, "qexp: %s\n", line.c_str());
  }
  if (!args.quantize.empty()) {
    QEXP_ASSIGN_OR_RETURN(model.graph, quantize(args, model.graph));
  }
  QEXP_RETURN_IF_ERROR(tflite::export_tflite_file(model.graph, args.output));
  std::fprintf(stderr, "qexp: wrote %s (%zu ops, %zu tensors)\n", args.output.c_str(),
               model.graph.ops.size(), model.graph.tensors.size());
  return ok_status();
}

}  // namespace

void add_convert_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* sub = app.add_subcommand(
      "convert", "Convert a frozen GraphDef or TFLite model into a TFLite flatbuffer");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  sub->add_option("-o,--output", args->output, "Output .tflite file")->required();
  add_graphdef_options(sub, &args->graphdef);
  sub->add_option("--passes", args->passes, "Conversion passes (default: the standard pipeline)");
  sub->add_option("--print-after", args->print_after,
                  "Print the graph after these passes (or all)");
  sub->add_flag("--verify-each", args->verify_each,
                "Re-verify the graph and check float outputs after every pass");
  sub->add_flag("-v,--verbose", args->verbose, "Print what each conversion pass did");
  sub->add_option("--quantize", args->quantize, "float16, dynamic_range, int8 or int16x8");
  sub->add_flag("--per-tensor", args->per_tensor,
                "One weight scale per tensor (default per channel)");
  sub->add_flag("--fc-per-channel", args->fc_per_channel, "Per-channel FULLY_CONNECTED weights");
  sub->add_flag("--symmetric-activations", args->symmetric_activations,
                "int8 activations with zero point 0");
  sub->add_option("--calibration", args->calibration, "Calibrator plugin (default minmax)");
  sub->add_option("--calibration-option", args->calibration_options,
                  "Calibrator option key=value (repeat)");
  sub->add_option("--plugin", args->plugins,
                  "Load a calibrator plugin shared library (.so) for --calibration (repeat)")
      ->allow_extra_args(false);
  sub->add_option("--weight-calibration", args->weight_calibration,
                  "Calibrator choosing each weight channel's clip (default: abs-max)");
  sub->add_option("--weight-calibration-option", args->weight_calibration_options,
                  "Option key=value of the weight calibrator (repeat)");
  sub->add_option("--calib-dataset", args->calib_dataset, "Calibration dataset manifest");
  sub->add_option("--calib-split", args->calib_split, "Calibration split (default train)");
  sub->add_option("--calib-samples", args->calib_samples, "Calibration subset size (default 500)");
  sub->add_option("--calib-seed", args->calib_seed, "Seed of the calibration subset (default 0)");
  sub->add_option("--io-type", args->io_type, "Model I/O type: float (default), int8 or uint8");
  sub->add_option("--exclude", args->exclude, "Keep ops in float: op type or name regex (repeat)");
  sub->add_option("--dynamic-range-min-elements", args->dynamic_range_min_elements,
                  "dynamic_range: smaller weight tensors stay float (default 1024)");
  sub->add_option("--threads", args->threads, "Calibration threads (default 1)");
  sub->add_option(
      "--calib-batch", args->calib_batch,
      "Calibration samples per interpreter run (default 1; ranges do not depend on it)");
  sub->callback([args, action] { *action = [args] { return run_convert(*args); }; });
}

}  // namespace qexp::cli
