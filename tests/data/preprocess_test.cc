#include "framework/data/preprocess.h"

#include <gtest/gtest.h>

#include <cstring>

namespace qexp::data {
namespace {

Tensor solid_rgb(int64_t h, int64_t w, uint8_t r, uint8_t g, uint8_t b) {
  Tensor t(DType::kUInt8, Shape{h, w, 3});
  auto* p = t.data<uint8_t>();
  for (int64_t i = 0; i < h * w; ++i) {
    p[3 * i] = r;
    p[3 * i + 1] = g;
    p[3 * i + 2] = b;
  }
  return t;
}

// Gray image whose pixel at (y, x) is (y * w + x) % 256.
Tensor ramp_gray(int64_t h, int64_t w) {
  Tensor t(DType::kUInt8, Shape{h, w, 1});
  for (int64_t i = 0; i < h * w; ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(i % 256);
  return t;
}

PreprocessSpec preset(const char* name) {
  auto r = preprocess_preset(name);
  EXPECT_TRUE(r.ok()) << name;
  return *r;
}

std::vector<float> run(const Tensor& image, const PreprocessSpec& spec) {
  auto shape = preprocess_output_shape(spec, image.shape()[0], image.shape()[1], image.shape()[2]);
  EXPECT_TRUE(shape.ok()) << shape.status().message();
  std::vector<float> out(static_cast<size_t>(shape->num_elements()));
  Status s = preprocess_image(image.view(), spec, out);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

TEST(PreprocessPresets, RawAndUnitMapPixelsToZeroTo255AndZeroToOne) {
  Tensor img = ramp_gray(1, 3);
  img.data<uint8_t>()[2] = 255;
  EXPECT_EQ(run(img, preset("raw")), (std::vector<float>{0.0f, 1.0f, 255.0f}));
  const float s = static_cast<float>(1.0 / 255.0);
  EXPECT_EQ(run(img, preset("unit")), (std::vector<float>{0.0f, 1.0f * s, 255.0f * s}));
  EXPECT_FLOAT_EQ(run(img, preset("unit"))[2], 1.0f);
}

TEST(PreprocessPresets, MobilenetMapsToMinusOneToOneOnA224Output) {
  // Solid colour: central crop and bilinear resize keep every pixel's value exactly.
  const Tensor img = solid_rgb(300, 400, 0, 255, 51);
  const auto out = run(img, preset("mobilenet"));
  ASSERT_EQ(out.size(), 224u * 224u * 3u);
  const float s = static_cast<float>(1.0 / 127.5);
  EXPECT_EQ(out[0], 0.0f * s - 1.0f);
  EXPECT_EQ(out[1], 255.0f * s - 1.0f);
  EXPECT_EQ(out[2], 51.0f * s - 1.0f);
  EXPECT_FLOAT_EQ(out[0], -1.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
  EXPECT_FLOAT_EQ(out[2], 51.0f / 127.5f - 1.0f);
  EXPECT_EQ(out[out.size() - 2], out[1]);
}

TEST(PreprocessPresets, InceptionIsMobilenetAt299) {
  auto shape = preprocess_output_shape(preset("inception"), 500, 375, 3);
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{1, 299, 299, 3}));
}

TEST(PreprocessPresets, VggSubtractsBgrMeansWithoutScaling) {
  const auto out = run(solid_rgb(256, 256, 10, 20, 30), preset("vgg"));
  ASSERT_EQ(out.size(), 224u * 224u * 3u);
  EXPECT_EQ(out[0], 30.0f - 103.939f);  // B
  EXPECT_EQ(out[1], 20.0f - 116.779f);  // G
  EXPECT_EQ(out[2], 10.0f - 123.68f);   // R
}

TEST(PreprocessPresets, TorchvisionNormalisesPerRgbChannel) {
  const auto out = run(solid_rgb(256, 300, 255, 128, 0), preset("torchvision"));
  ASSERT_EQ(out.size(), 224u * 224u * 3u);
  const float s = static_cast<float>(1.0 / 255.0);
  EXPECT_EQ(out[0], (255.0f * s - 0.485f) / 0.229f);
  EXPECT_EQ(out[1], (128.0f * s - 0.456f) / 0.224f);
  EXPECT_EQ(out[2], (0.0f * s - 0.406f) / 0.225f);
  EXPECT_NEAR(out[0], 2.2489f, 1e-4);
}

TEST(PreprocessPresets, UnknownPresetSuggestsTheClosest) {
  auto r = preprocess_preset("mobilenett");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "unknown preprocessing preset 'mobilenett' (did you mean 'mobilenet'?); presets: "
            "mobilenet, inception, vgg, torchvision, unit, raw");
}

TEST(PreprocessColor, GrayIsReplicatedForRgbAndRgbIsWeightedForGray) {
  PreprocessSpec rgb = preset("raw");
  rgb.color = ColorMode::kRgb;
  Tensor gray = ramp_gray(1, 2);
  EXPECT_EQ(run(gray, rgb), (std::vector<float>{0, 0, 0, 1, 1, 1}));
  PreprocessSpec to_gray = preset("raw");
  to_gray.color = ColorMode::kGrayscale;
  const auto out = run(solid_rgb(1, 1, 100, 50, 200), to_gray);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0], 0.299f * 100 + 0.587f * 50 + 0.114f * 200);
  PreprocessSpec bgr = preset("raw");
  bgr.channel_order = ChannelOrder::kBgr;
  EXPECT_EQ(run(solid_rgb(1, 1, 1, 2, 3), bgr), (std::vector<float>{3, 2, 1}));
}

TEST(PreprocessGeometry, CentralCropFollowsTensorflowCentralCrop) {
  // tf.image.central_crop: start = int((size - size * f) / 2), extent = size - 2 * start.
  EXPECT_EQ(central_crop_rect(500, 375, 0.875), (CropRect{31, 23, 438, 329}));
  EXPECT_EQ(central_crop_rect(224, 224, 0.875), (CropRect{14, 14, 196, 196}));
  EXPECT_EQ(central_crop_rect(28, 28, 0.5), (CropRect{7, 7, 14, 14}));
  EXPECT_EQ(central_crop_rect(5, 4, 1.0), (CropRect{0, 0, 5, 4}));
  EXPECT_EQ(center_crop_rect(256, 341, 224, 224), (CropRect{16, 58, 224, 224}));
  EXPECT_EQ(center_crop_rect(5, 5, 2, 2), (CropRect{1, 1, 2, 2}));
}

TEST(PreprocessGeometry, CentralFractionWithoutResizeReturnsTheMiddlePixels) {
  PreprocessSpec spec = preset("raw");
  spec.central_fraction = 0.5;
  const Tensor img = ramp_gray(8, 8);  // value = 8y + x
  const auto out = run(img, spec);
  ASSERT_EQ(out.size(), 16u);  // rows 2..5, cols 2..5
  EXPECT_EQ(out[0], 18.0f);
  EXPECT_EQ(out[3], 21.0f);
  EXPECT_EQ(out[15], 45.0f);
}

TEST(PreprocessGeometry, CenterCropAfterShorterSideResize) {
  PreprocessSpec spec = preset("raw");
  spec.resize = ResizeMode::kShorterSide;
  spec.shorter_side = 100;
  auto shape = preprocess_output_shape(spec, 200, 401, 1);
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{1, 100, 201, 1}));  // 401 * 100 / 200 = 200.5 → 201
  spec.crop_height = spec.crop_width = 64;
  shape = preprocess_output_shape(spec, 200, 401, 3);
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{1, 64, 64, 3}));
  spec.crop_height = spec.crop_width = 101;
  auto too_big = preprocess_output_shape(spec, 200, 401, 3);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().message(),
            "preprocess: center crop 101x101 is larger than the 100x201 image it is applied to");
}

TEST(PreprocessResize, BilinearUsesHalfPixelCentresOnFloatPixels) {
  // Upscaling [0, 255] from width 2 to 4 samples the source at x = -0.25, 0.25, 0.75, 1.25
  // (clamped at the borders): 0, 63.75, 191.25, 255 — no rounding to uint8.
  Tensor img(DType::kUInt8, Shape{1, 2, 1});
  img.data<uint8_t>()[0] = 0;
  img.data<uint8_t>()[1] = 255;
  PreprocessSpec spec = preset("raw");
  spec.resize = ResizeMode::kExact;
  spec.resize_height = 1;
  spec.resize_width = 4;
  EXPECT_EQ(run(img, spec), (std::vector<float>{0.0f, 63.75f, 191.25f, 255.0f}));
}

TEST(PreprocessErrors, OutputBufferSizeAndChannelMismatchesAreReported) {
  const Tensor img = ramp_gray(4, 4);
  std::vector<float> small(3);
  Status s = preprocess_image(img.view(), preset("raw"), small);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "preprocess: output buffer has 3 floats, the output [1,4,4,1] needs 16");
  PreprocessSpec spec = preset("raw");
  spec.mean = {1, 2, 3};
  std::vector<float> out(16);
  s = preprocess_image(img.view(), spec, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mean/stddev have 3 values but the output has 1 channel"),
            std::string::npos);
  spec = preset("raw");
  spec.stddev = {0.0f};
  EXPECT_EQ(validate_preprocess(spec).message(),
            "preprocess.stddev: 0 is not a finite non-zero number");
  spec = preset("raw");
  spec.central_fraction = 1.5;
  EXPECT_EQ(validate_preprocess(spec).message(),
            "preprocess.central_fraction: 1.5 is outside (0, 1]");
}

TEST(PreprocessCanonical, TextIsStableAndHashDistinguishesSpecs) {
  EXPECT_EQ(canonical_text(preset("mobilenet")),
            "central_fraction=0.875 resize=224x224 interpolation=bilinear crop=none color=rgb "
            "channel_order=rgb scale=0.007843138 mean=1 stddev=1 output=nhwc_float32");
  EXPECT_EQ(canonical_text(preset("vgg")),
            "central_fraction=1 resize=shorter_side:256 interpolation=bilinear crop=224x224 "
            "color=rgb channel_order=bgr scale=1 mean=103.939,116.779,123.68 stddev=1 "
            "output=nhwc_float32");
  PreprocessSpec a = preset("mobilenet");
  PreprocessSpec b = a;
  b.mean = {1.0f, 1.0f, 1.0f};  // same computation, same text and hash
  EXPECT_EQ(canonical_text(a), canonical_text(b));
  EXPECT_EQ(preprocess_hash(a), preprocess_hash(b));
  EXPECT_EQ(preprocess_hash(a).size(), 16u);
  EXPECT_NE(preprocess_hash(a), preprocess_hash(preset("inception")));
}

TEST(PreprocessFixedOutput, KnownWhenTheSpecFixesSizeAndColour) {
  const FixedOutput m = fixed_output(preset("mobilenet"));
  EXPECT_EQ(m.height, 224);
  EXPECT_EQ(m.width, 224);
  EXPECT_EQ(m.channels, 3);
  const FixedOutput u = fixed_output(preset("unit"));
  EXPECT_EQ(u.height, 0);
  EXPECT_EQ(u.channels, 0);
}

}  // namespace
}  // namespace qexp::data
