#include "framework/cli/model_loader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_importer.h"
#include "framework/importers/tflite/tflite_importer.h"
#include "framework/interpreter/interpreter.h"
#include "framework/ir/dump.h"
#include "framework/ir/verifier.h"
#include "framework/passes/pass_manager.h"

namespace qexp::cli {
namespace {

/// Deterministic pseudo-random floats in [-1, 1) (splitmix64), for float-equivalence checks.
void fill_random(TensorView v, uint64_t seed) {
  uint64_t s = seed;
  auto next = [&s] {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  float* p = v.data<float>();
  for (int64_t i = 0; i < v.num_elements(); ++i) {
    p[i] = static_cast<float>(static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0);
  }
}

Result<std::vector<std::vector<float>>> run_float(const ir::Graph& g) {
  auto shared = std::make_shared<const ir::Graph>(g);
  QEXP_ASSIGN_OR_RETURN(auto interp, interp::Interpreter::create(shared));
  for (int i = 0; i < interp->num_inputs(); ++i) {
    if (interp->input(i).dtype() != DType::kFloat32) return std::vector<std::vector<float>>{};
    fill_random(interp->input(i), 1234 + static_cast<uint64_t>(i));
  }
  QEXP_RETURN_IF_ERROR(interp->invoke());
  std::vector<std::vector<float>> outs;
  for (int i = 0; i < interp->num_outputs(); ++i) {
    TensorView o = interp->output(i);
    if (o.dtype() != DType::kFloat32) return std::vector<std::vector<float>>{};
    outs.emplace_back(o.data<float>(), o.data<float>() + o.num_elements());
  }
  return outs;
}

/// The verify_each float check: outputs before and after a float-preserving pass agree within
/// 1e-5 relative L2 error on a seeded random input.
Status check_float_unchanged(const ir::Graph& before, const ir::Graph& after,
                             std::string_view pass) {
  QEXP_ASSIGN_OR_RETURN(auto a, run_float(before));
  QEXP_ASSIGN_OR_RETURN(auto b, run_float(after));
  if (a.size() != b.size()) {
    return internal_error(str_cat("pass '", pass, "' changed the number of float outputs"));
  }
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].size() != b[k].size()) {
      return internal_error(str_cat("pass '", pass, "' changed the size of output ", k));
    }
    double num = 0, den = 0;
    for (size_t i = 0; i < a[k].size(); ++i) {
      double d = static_cast<double>(a[k][i]) - b[k][i];
      num += d * d;
      den += static_cast<double>(a[k][i]) * a[k][i];
    }
    double rel = std::sqrt(num / std::max(den, 1e-30));
    if (!(rel <= 1e-5)) {
      return internal_error(str_cat("pass '", pass, "' changed float output ", k,
                                    ": relative L2 error ", rel, " > 1e-5"));
    }
  }
  return ok_status();
}

}  // namespace

std::string_view model_format_name(ModelFormat f) {
  return f == ModelFormat::kTflite ? "tflite" : "graphdef";
}

Result<ModelFormat> detect_model_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!file_exists(path)) return not_found(str_cat(path, ": no such file"));
    return io_error(str_cat(path, ": cannot open"));
  }
  char head[8] = {};
  in.read(head, 8);
  if (in.gcount() == 8 && std::memcmp(head + 4, "TFL3", 4) == 0) return ModelFormat::kTflite;
  if (ends_with(path, ".tflite")) return ModelFormat::kTflite;  // the importer says what's wrong
  if (ends_with(path, ".pb") || ends_with(path, ".graphdef")) return ModelFormat::kGraphDef;
  return invalid_argument(str_cat(path, ": unknown model format: expected a TFLite flatbuffer "
                                        "(identifier 'TFL3') or a frozen GraphDef (.pb)"));
}

Result<LoadedModel> load_model(const std::string& path, const ModelLoadOptions& options) {
  QEXP_ASSIGN_OR_RETURN(ModelFormat format, detect_model_format(path));
  LoadedModel out{ir::Graph{}, format, {}, std::nullopt};
  if (format == ModelFormat::kTflite) {
    if (!options.input_arrays.empty() || !options.output_arrays.empty() || options.input_shape) {
      return invalid_argument(str_cat(
          path, ": --input-arrays, --output-arrays and --input-shape apply to GraphDef models only"));
    }
    QEXP_ASSIGN_OR_RETURN(out.graph, tflite::import_tflite_file(path));
    return out;
  }
  tf::GraphDefImportOptions import_options;
  import_options.input_arrays = options.input_arrays;
  import_options.output_arrays = options.output_arrays;
  if (options.input_shape) import_options.input_shapes.push_back(*options.input_shape);
  QEXP_ASSIGN_OR_RETURN(out.graph, tf::import_graphdef_file(path, import_options));
  if (options.keep_imported) out.imported = out.graph;  // weights are shared, not copied

  passes::PassManagerOptions pm_options;
  pm_options.verify_each = options.verify_each;
  pm_options.print_after = options.print_after;
  if (!options.print_after.empty()) {
    pm_options.print_sink = [](std::string_view pass, std::string_view text) {
      std::fprintf(stderr, "// after pass '%.*s'\n%.*s", static_cast<int>(pass.size()),
                   pass.data(), static_cast<int>(text.size()), text.data());
    };
  }
  if (options.verify_each) pm_options.float_check = check_float_unchanged;
  passes::PassManager manager(pm_options);
  std::vector<std::string> names =
      options.passes.empty() ? passes::default_conversion_pipeline() : options.passes;
  QEXP_RETURN_IF_ERROR(manager.add_all(names));
  passes::PassContext context;
  QEXP_RETURN_IF_ERROR_CTX(manager.run(out.graph, context), path);
  for (const auto& e : context.log_entries()) out.pass_log.push_back(e.pass + ": " + e.message);
  QEXP_RETURN_IF_ERROR_CTX(ir::verify(out.graph), str_cat(path, ": after conversion"));
  return out;
}

}  // namespace qexp::cli
