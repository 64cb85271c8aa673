// Issue 7, acceptance 3: the demo model quantized to int8 (minmax calibration on 200 training
// images, float I/O) gives byte-identical outputs on all 10 000 Fashion-MNIST test images with
// the optimized kernels (best ISA, 1 and 2 threads) and with the reference kernels; under the
// xnnpack rounding profile on the first 1 000.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "framework/cli/model_loader.h"
#include "framework/data/manifest.h"
#include "framework/experiment/ptq.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::interp {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
const std::string kManifest = std::string(QEXP_SOURCE_DIR) + "/datasets/fashion_mnist.yaml";

std::shared_ptr<const ir::Graph> int8_demo_model() {
  auto model = cli::load_model(kModel);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return nullptr;
  auto graph = std::make_shared<const ir::Graph>(model->graph);
  exp::CalibrationSetup setup;
  setup.manifest = kManifest;
  setup.samples = 200;
  setup.histograms = false;
  auto stats = exp::collect_calibration(graph, setup);
  EXPECT_TRUE(stats.ok()) << stats.status().message();
  auto calibrated = exp::calibrate(*stats, "minmax", {});
  EXPECT_TRUE(calibrated.ok());
  quant::QuantizeOptions o;
  o.mode = quant::QuantMode::kInt8;
  o.io_type = quant::IoType::kFloat32;
  auto q = quant::quantize_graph(*graph, exp::to_range_map(*calibrated), o);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return q.ok() ? std::make_shared<const ir::Graph>(std::move(*q)) : nullptr;
}

std::unique_ptr<Interpreter> make(std::shared_ptr<const ir::Graph> g, KernelSet set, int threads,
                                  RoundingProfile profile) {
  InterpreterOptions o;
  o.kernel_set = set;
  o.num_threads = threads;
  o.rounding_profile = profile;
  auto interp = Interpreter::create(std::move(g), o);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  return interp.ok() ? std::move(*interp) : nullptr;
}

std::vector<uint8_t> run(Interpreter& interp, const std::vector<float>& x) {
  std::vector<uint8_t> in(x.size() * sizeof(float));
  std::memcpy(in.data(), x.data(), in.size());
  EXPECT_TRUE(interp.set_input_bytes(0, in).ok());
  EXPECT_TRUE(interp.invoke().ok());
  const TensorView out = interp.output(0);
  const uint8_t* p = static_cast<const uint8_t*>(out.raw());
  return std::vector<uint8_t>(
      p, p + out.num_elements() * static_cast<int64_t>(dtype_size(out.dtype())));
}

void compare_on_test_images(RoundingProfile profile, int64_t limit) {
  const auto graph = int8_demo_model();
  ASSERT_NE(graph, nullptr);
  auto reference = make(graph, KernelSet::kReference, 1, profile);
  auto one = make(graph, KernelSet::kOptimized, 1, profile);
  auto two = make(graph, KernelSet::kOptimized, 2, profile);
  ASSERT_TRUE(reference && one && two);
  // The fast paths ran: every CONV_2D / DEPTHWISE_CONV_2D took an optimized variant.
  int optimized_ops = 0;
  for (size_t i = 0; i < graph->ops.size(); ++i) {
    const ir::OpType t = graph->ops[i].type;
    if (t == ir::OpType::kConv2D || t == ir::OpType::kDepthwiseConv2D) {
      EXPECT_NE(one->kernel_variant(static_cast<int>(i)), "reference") << graph->ops[i].name;
      ++optimized_ops;
    }
  }
  EXPECT_GT(optimized_ops, 10);
  auto manifest = data::load_manifest(kManifest);
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  auto ds = data::open_dataset(*manifest, "test");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  const int64_t n = std::min<int64_t>(limit, (*ds)->size());
  ASSERT_GE(n, limit);
  std::vector<float> x(28 * 28);
  int64_t mismatches = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto s = (*ds)->get(i);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(data::preprocess_image(s->image.view(), manifest->preprocess, x).ok());
    const std::vector<uint8_t> want = run(*reference, x);
    if (run(*one, x) != want || run(*two, x) != want) {
      if (++mismatches <= 5) ADD_FAILURE() << "image " << i << " differs";
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << n << " images";
}

TEST(Int8OptimizedDemoModel, TenThousandTestImagesMatchReference) {
  compare_on_test_images(RoundingProfile::kTfliteBuiltin, 10000);
}

TEST(Int8OptimizedDemoModel, XnnpackProfileThousandImagesMatchReference) {
  compare_on_test_images(RoundingProfile::kXnnpack, 1000);
}

}  // namespace
}  // namespace qexp::interp
