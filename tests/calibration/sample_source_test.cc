// DatasetSampleSource: dataset samples, preprocessed, written into the model input.

#include "framework/calibration/sample_source.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

// Four 2x3 grayscale images; pixel value = 10 * index + position.
class TinyDataset final : public data::Dataset {
 public:
  int64_t size() const override { return 4; }
  int num_classes() const override { return 2; }
  const std::vector<std::string>& class_names() const override { return names_; }
  Result<data::Sample> get(int64_t index) const override {
    if (index < 0 || index >= size()) return out_of_range("bad index");
    data::Sample s;
    s.image = Tensor(DType::kUInt8, Shape{2, 3, 1});
    for (int i = 0; i < 6; ++i) s.image.data<uint8_t>()[i] = static_cast<uint8_t>(10 * index + i);
    s.index = index;
    return s;
  }
  Result<int32_t> label(int64_t index) const override { return static_cast<int32_t>(index % 2); }
  std::string source(int64_t index) const override { return str_cat("tiny[", index, "]"); }
  data::DatasetStats stats() const override { return {}; }

 private:
  std::vector<std::string> names_;
};

TEST(DatasetSampleSource, FillsTheSelectedSampleThroughThePreprocessingSpec) {
  data::PreprocessSpec spec;  // identity geometry, scale 1
  spec.scale = 0.5f;
  DatasetSampleSource source(std::make_shared<TinyDataset>(), spec, {3, 1});
  EXPECT_EQ(source.size(), 2);
  Tensor input(DType::kFloat32, Shape{1, 2, 3, 1});
  ASSERT_TRUE(source.fill(0, input.view()).ok());
  EXPECT_EQ(input.data<float>()[0], 15.0f);  // (10 * 3 + 0) * 0.5
  EXPECT_EQ(input.data<float>()[5], 17.5f);
  ASSERT_TRUE(source.fill(1, input.view()).ok());
  EXPECT_EQ(input.data<float>()[0], 5.0f);
}

TEST(DatasetSampleSource, ShapeMismatchNamesTheSampleAndBothShapes) {
  DatasetSampleSource source(std::make_shared<TinyDataset>(), data::PreprocessSpec{}, {2});
  Tensor input(DType::kFloat32, Shape{1, 4, 4, 1});
  Status s = source.fill(0, input.view());
  EXPECT_EQ(s.message(),
            "calibration sample 0 (tiny[2]): preprocessing gives [1,2,3,1], the model input is "
            "[1,4,4,1]");
  EXPECT_EQ(source.fill(1, input.view()).message(), "calibration sample 1 is outside [0, 1)");
}

}  // namespace
}  // namespace qexp::calib
