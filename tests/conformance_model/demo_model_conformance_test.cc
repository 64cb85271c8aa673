// Issue 4, acceptance 1: the default demo model quantized in every mode, run on 200 Fashion-MNIST
// test images by qexp's interpreter and by the real TFLite interpreter's builtin kernels
// (XNNPACK off), compared element by element.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "framework/cli/model_loader.h"
#include "framework/data/manifest.h"
#include "framework/experiment/ptq.h"
#include "tests/conformance_ops/tflite_ref.h"

namespace qexp::conformance {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
const std::string kManifest = std::string(QEXP_SOURCE_DIR) + "/datasets/fashion_mnist.yaml";
constexpr int kImages = 200;

struct Mode {
  std::string name;
  quant::QuantMode mode;
  quant::IoType io;
};

/// The first 200 test images, preprocessed to float32 [1,28,28,1] bytes.
std::vector<std::vector<float>> test_images() {
  auto manifest = data::load_manifest(kManifest);
  EXPECT_TRUE(manifest.ok()) << manifest.status().message();
  auto ds = data::open_dataset(*manifest, "test");
  EXPECT_TRUE(ds.ok());
  std::vector<std::vector<float>> out;
  for (int i = 0; i < kImages; ++i) {
    auto s = (*ds)->get(i);
    std::vector<float> x(28 * 28);
    EXPECT_TRUE(data::preprocess_image(s->image.view(), manifest->preprocess, x).ok());
    out.push_back(std::move(x));
  }
  return out;
}

/// Input bytes for the graph's input dtype (int8 I/O: quantized like TFLite's QUANTIZE).
std::vector<uint8_t> input_bytes(const ir::Graph& g, const std::vector<float>& x) {
  const ir::Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
  if (in.dtype == DType::kFloat32) {
    std::vector<uint8_t> b(x.size() * 4);
    std::memcpy(b.data(), x.data(), b.size());
    return b;
  }
  std::vector<uint8_t> b(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float q = std::round(x[i] / in.quant.scale[0]) + static_cast<float>(in.quant.zero_point[0]);
    b[i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(q, -128.0f, 127.0f)));
  }
  return b;
}

TEST(DemoModelConformance, EveryModeMatchesTfliteBuiltinKernelsOn200Images) {
  if (reference_status() == RefStatus::kNoNode) GTEST_SKIP() << "node is not installed";
  ASSERT_EQ(reference_status(), RefStatus::kAvailable)
      << "node is installed but tools/tflite_ref is not: run scripts/install-deps.sh --test";
  auto model = cli::load_model(kModel);
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto graph = std::make_shared<const ir::Graph>(model->graph);
  exp::CalibrationSetup setup;
  setup.manifest = kManifest;
  setup.samples = 200;
  setup.histograms = false;
  auto stats = exp::collect_calibration(graph, setup);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  auto calibrated = exp::calibrate(*stats, "minmax", {});
  ASSERT_TRUE(calibrated.ok());
  quant::RangeMap ranges = exp::to_range_map(*calibrated);
  const std::vector<Mode> modes = {
      {"float16", quant::QuantMode::kFloat16, quant::IoType::kFloat32},
      {"dynamic_range", quant::QuantMode::kDynamicRange, quant::IoType::kFloat32},
      {"int8_float_io", quant::QuantMode::kInt8, quant::IoType::kFloat32},
      {"int8_int8_io", quant::QuantMode::kInt8, quant::IoType::kInt8},
      {"int16x8", quant::QuantMode::kInt16x8, quant::IoType::kFloat32},
  };
  auto images = test_images();
  std::vector<OpCase> cases;
  for (const Mode& m : modes) {
    quant::QuantizeOptions o;
    o.mode = m.mode;
    o.io_type = m.io;
    o.dynamic_range_min_elements = 100;  // the demo model's weights are small
    auto q = quant::quantize_graph(*graph, ranges, o);
    ASSERT_TRUE(q.ok()) << m.name << ": " << q.status().message();
    for (int i = 0; i < kImages; ++i) {
      OpCase c;
      c.name = m.name + " image " + std::to_string(i);
      c.graph = *q;
      c.inputs = {input_bytes(*q, images[static_cast<size_t>(i)])};
      cases.push_back(std::move(c));
    }
  }
  auto ref = run_tflite(cases, test_dir("demo_model_conformance"));
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  for (size_t k = 0; k < modes.size(); ++k) {
    int64_t elements = 0, mismatches = 0;
    double max_abs = 0;
    std::string first, rejected;
    for (int i = 0; i < kImages; ++i) {
      const OpCase& c = cases[k * kImages + static_cast<size_t>(i)];
      const RefResult& r = (*ref)[k * kImages + static_cast<size_t>(i)][0];
      if (!r.ok) {
        rejected = r.error;
        break;
      }
      auto ours = run_qexp(c, interp::RoundingProfile::kTfliteBuiltin);
      ASSERT_TRUE(ours.ok()) << c.name << ": " << ours.status().message();
      Diff d = compare(c.graph, r.outputs, *ours);
      elements += d.elements;
      mismatches += d.mismatches;
      max_abs = std::max(max_abs, d.max_abs);
      if (first.empty() && !d.first.empty()) first = c.name + ": " + d.first;
    }
    if (!rejected.empty()) {
      ADD_FAILURE() << modes[k].name << ": TFLite rejected the model: " << rejected;
      continue;
    }
    std::printf("%s: %lld/%lld elements differ, max |diff| %g %s\n", modes[k].name.c_str(),
                static_cast<long long>(mismatches), static_cast<long long>(elements), max_abs,
                first.c_str());
    const bool float_model = modes[k].mode == quant::QuantMode::kFloat16 ||
                             modes[k].mode == quant::QuantMode::kDynamicRange;
    if (float_model) {
      // Float kernels (TFLite sums in a different order): probabilities agree to 1e-5.
      EXPECT_LE(max_abs, 1e-5) << modes[k].name << ": " << first;
      continue;
    }
    // Integer paths: identical on >= 99.9 % of elements, never more than one output step
    // (1 LSB; for float I/O the dequantized step of the softmax output, 1/256).
    EXPECT_LE(static_cast<double>(mismatches), 0.001 * static_cast<double>(elements))
        << modes[k].name << ": " << first;
    const OpCase& c0 = cases[k * kImages];
    const ir::Tensor& out = c0.graph.tensors[static_cast<size_t>(c0.graph.outputs[0])];
    const double tolerance = out.dtype == DType::kFloat32 ? 1.0 / 256.0 + 1e-7 : 1.0;
    EXPECT_LE(max_abs, tolerance) << modes[k].name;
  }
}

}  // namespace
}  // namespace qexp::conformance
