#include "tests/conformance_ops/tflite_ref.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::conformance {
namespace fs = std::filesystem;

namespace {

const std::string kRefDir = std::string(QEXP_SOURCE_DIR) + "/tools/tflite_ref";

struct Command {
  int exit_code = -1;
  std::string output;
};

Command run_command(const std::string& command) {
  Command r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

Status write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  return write_file_atomic(path, std::span<const uint8_t>(bytes.data(), bytes.size()));
}

// A job's result from its out_dir: output_K.bin files, or error.json.
RefResult read_result(const std::string& out_dir, size_t num_outputs) {
  RefResult r;
  if (file_exists(out_dir + "/error.json")) {
    auto text = read_text_file(out_dir + "/error.json");
    r.error = text.ok() ? *text : "error.json unreadable";
    return r;
  }
  for (size_t k = 0; k < num_outputs; ++k) {
    auto bytes = read_file(out_dir + "/output_" + std::to_string(k) + ".bin");
    if (!bytes.ok()) {
      r.error = bytes.status().message();
      return r;
    }
    r.outputs.push_back(std::move(*bytes));
  }
  r.ok = true;
  return r;
}

}  // namespace

RefStatus reference_status() {
  if (std::system("node --version > /dev/null 2>&1") != 0) return RefStatus::kNoNode;
  if (!fs::exists(kRefDir + "/node_modules/@tensorflow/tfjs-tflite")) return RefStatus::kNoPackage;
  return RefStatus::kAvailable;
}

std::string test_dir(const std::string& name) {
  const std::string dir = std::string(QEXP_BINARY_DIR) + "/tests/conformance_ops/work/" + name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  return dir;
}

Result<std::vector<std::vector<RefResult>>> run_tflite(const std::vector<OpCase>& cases,
                                                       const std::string& dir) {
  std::ostringstream jobs;
  jobs << "{\"jobs\": [\n";
  bool first = true;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string base = dir + "/case" + std::to_string(i);
    QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> model, tflite::serialize_tflite(cases[i].graph));
    QEXP_RETURN_IF_ERROR(write_bytes(base + ".tflite", model));
    std::string inputs;
    for (size_t k = 0; k < cases[i].inputs.size(); ++k) {
      const std::string in = base + ".input" + std::to_string(k) + ".bin";
      QEXP_RETURN_IF_ERROR(write_bytes(in, cases[i].inputs[k]));
      inputs += (k ? ", " : "") + json_string(in);
    }
    for (const char* mode : {"off", "on"}) {
      jobs << (first ? "" : ",\n") << "{\"model\": " << json_string(base + ".tflite")
           << ", \"inputs\": [" << inputs
           << "], \"out_dir\": " << json_string(base + ".xnnpack_" + mode) << ", \"xnnpack\": \""
           << mode << "\"}";
      first = false;
    }
  }
  jobs << "\n]}\n";
  QEXP_RETURN_IF_ERROR(write_text_file_atomic(dir + "/jobs.json", jobs.str()));
  const Command r = run_command("node " + kRefDir + "/run_tflite.js --batch " + dir + "/jobs.json");
  // Exit 1 means some jobs failed (their error.json says why); anything else is a harness error.
  if (r.exit_code != 0 && r.exit_code != 1) {
    return internal_error(
        str_cat("run_tflite.js --batch exited with ", r.exit_code, ": ", r.output));
  }
  std::vector<std::vector<RefResult>> results;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string base = dir + "/case" + std::to_string(i);
    const size_t n = cases[i].graph.outputs.size();
    results.push_back(
        {read_result(base + ".xnnpack_off", n), read_result(base + ".xnnpack_on", n)});
  }
  return results;
}

Result<std::vector<std::vector<uint8_t>>> run_qexp(const OpCase& c,
                                                   interp::RoundingProfile profile) {
  interp::InterpreterOptions options;
  options.rounding_profile = profile;
  QEXP_ASSIGN_OR_RETURN(auto interpreter, interp::Interpreter::create(
                                              std::make_shared<const ir::Graph>(c.graph), options));
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    QEXP_RETURN_IF_ERROR(interpreter->set_input_bytes(static_cast<int>(k), c.inputs[k]));
  }
  QEXP_RETURN_IF_ERROR(interpreter->invoke());
  std::vector<std::vector<uint8_t>> outputs;
  for (int k = 0; k < interpreter->num_outputs(); ++k) {
    const std::span<const uint8_t> bytes = interpreter->output(k).bytes();
    outputs.emplace_back(bytes.begin(), bytes.end());
  }
  return outputs;
}

namespace {

// Element k of a raw output as a double (integers exactly; floats by value).
double element(DType dtype, const std::vector<uint8_t>& bytes, size_t k) {
  switch (dtype) {
    case DType::kInt8:
      return static_cast<int8_t>(bytes[k]);
    case DType::kUInt8:
      return bytes[k];
    case DType::kInt16: {
      int16_t v;
      std::memcpy(&v, bytes.data() + 2 * k, 2);
      return v;
    }
    case DType::kInt32: {
      int32_t v;
      std::memcpy(&v, bytes.data() + 4 * k, 4);
      return v;
    }
    default: {
      float v;
      std::memcpy(&v, bytes.data() + 4 * k, 4);
      return v;
    }
  }
}

}  // namespace

Diff compare(const ir::Graph& graph, const std::vector<std::vector<uint8_t>>& a,
             const std::vector<std::vector<uint8_t>>& b) {
  Diff d;
  for (size_t o = 0; o < graph.outputs.size(); ++o) {
    const ir::Tensor& t = graph.tensors[static_cast<size_t>(graph.outputs[o])];
    const size_t width = dtype_size(t.dtype);
    if (o >= a.size() || o >= b.size() || a[o].size() != b[o].size()) {
      d.mismatches += 1;
      if (d.first.empty()) d.first = str_cat("output ", o, ": sizes differ");
      continue;
    }
    const size_t n = a[o].size() / width;
    d.elements += static_cast<int64_t>(n);
    for (size_t k = 0; k < n; ++k) {
      // Bit patterns decide (so float outputs must agree exactly, -0 vs +0 included).
      if (std::memcmp(a[o].data() + k * width, b[o].data() + k * width, width) == 0) continue;
      const double va = element(t.dtype, a[o], k), vb = element(t.dtype, b[o], k);
      ++d.mismatches;
      d.max_abs = std::max(d.max_abs, std::abs(va - vb));
      if (d.first.empty()) d.first = str_cat("output ", o, " [", k, "]: ", va, " vs ", vb);
    }
  }
  return d;
}

}  // namespace qexp::conformance
