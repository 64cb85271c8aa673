#include <CLI/CLI.hpp>
#include <charconv>

#include "framework/cli/commands.h"
#include "framework/core/strings.h"

namespace qexp::cli {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (auto& piece : str_split(text, ',')) {
    std::string_view t = str_trim(piece);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

void add_graphdef_options(CLI::App* sub, GraphDefArgs* args, bool with_shape) {
  sub->add_option("--input-arrays", args->input_arrays, "GraphDef input node names (a,b)");
  sub->add_option("--output-arrays", args->output_arrays, "GraphDef output node names (a,b)");
  if (with_shape) {
    sub->add_option("--input-shape", args->input_shape, "GraphDef input shape, e.g. 1,224,224,3");
  }
}

Result<ModelLoadOptions> model_load_options(const GraphDefArgs& args) {
  ModelLoadOptions options;
  options.input_arrays = split_list(args.input_arrays);
  options.output_arrays = split_list(args.output_arrays);
  if (!args.input_shape.empty()) {
    QEXP_ASSIGN_OR_RETURN(auto dims, parse_dims(args.input_shape, "--input-shape"));
    options.input_shape = Shape(dims);
  }
  return options;
}

Result<interp::RoundingProfile> parse_rounding_profile_option(std::string_view text) {
  if (text == "tflite") return interp::RoundingProfile::kTfliteBuiltin;
  if (auto profile = interp::parse_rounding_profile(text)) return *profile;
  return invalid_argument(
      str_cat("--rounding-profile: ", quoted(text), " is not one of tflite, xnnpack"));
}

Result<std::vector<int64_t>> parse_dims(std::string_view text, std::string_view option) {
  std::vector<int64_t> dims;
  for (auto& piece : str_split(text, ',')) {
    std::string_view t = str_trim(piece);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || v <= 0) {
      return invalid_argument(str_cat(option, ": ", quoted(text),
                                      " is not a list of positive integers like 1,224,224,3"));
    }
    dims.push_back(v);
  }
  return dims;
}

}  // namespace qexp::cli
