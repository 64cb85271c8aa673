#pragma once
/// Preprocessing: decoded uint8 image → float32 NHWC model input, described by a typed spec.
///
/// The steps always run in this order (each one optional):
///   1. central fraction crop on the decoded image (TF `tf.image.central_crop` semantics),
///   2. resize: none | exact H×W | shorter side to S keeping the aspect ratio,
///   3. center crop to H×W,
///   4. colour: keep | to grayscale | to RGB (a grayscale image is replicated to 3 channels),
///   5. channel order: RGB or BGR (3-channel output only),
///   6. out = (pixel * scale - mean[c]) / stddev[c], computed in float32,
/// producing float32 [1, H, W, C].
///
/// Resizing runs on float32 pixels (no rounding back to uint8) with OpenCV: kBilinear is
/// cv::INTER_LINEAR (half-pixel centres, no antialiasing — the same sampling as TF2
/// `tf.image.resize(method="bilinear", antialias=False)` and TF1 `resize_bilinear(...,
/// half_pixel_centers=True)`); kArea is cv::INTER_AREA. Grayscale conversion uses the ITU-R
/// BT.601 weights 0.299 R + 0.587 G + 0.114 B in float (not rounded).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/core/tensor.h"

namespace qexp::data {

enum class ResizeMode { kNone, kExact, kShorterSide };
enum class Interpolation { kBilinear, kArea };
enum class ColorMode { kKeep, kGrayscale, kRgb };
enum class ChannelOrder { kRgb, kBgr };

/// A resolved preprocessing description. Compare specs by canonical_text().
struct PreprocessSpec {
  /// Step 1: keep the central fraction (0, 1] of each side; 1 = off.
  double central_fraction = 1.0;
  /// Step 2.
  ResizeMode resize = ResizeMode::kNone;
  int64_t resize_height = 0;  ///< kExact
  int64_t resize_width = 0;   ///< kExact
  int64_t shorter_side = 0;   ///< kShorterSide: the shorter side becomes this; the longer side
                              ///< becomes round(longer * S / shorter) (half away from zero)
  Interpolation interpolation = Interpolation::kBilinear;
  /// Step 3: center crop size; 0 × 0 = off. The offset is floor((size - crop) / 2) (TF-slim).
  int64_t crop_height = 0;
  int64_t crop_width = 0;
  /// Steps 4 and 5.
  ColorMode color = ColorMode::kKeep;
  ChannelOrder channel_order = ChannelOrder::kRgb;
  /// Step 6. mean / stddev have 1 entry (all channels) or one per output channel, listed in
  /// output channel order (after the RGB/BGR choice).
  float scale = 1.0f;
  std::vector<float> mean = {0.0f};
  std::vector<float> stddev = {1.0f};
};

/// Names of the built-in presets, in a stable order:
///   mobilenet   central fraction 0.875, resize 224×224 bilinear, RGB, scale 1/127.5, mean 1,
///               stddev 1 → out = p/127.5 - 1 in [-1, 1] (TF-slim inception_preprocessing)
///   inception   as mobilenet with 299×299
///   vgg         shorter side 256, center crop 224×224, BGR, scale 1,
///               mean (B, G, R) = 103.939, 116.779, 123.68, stddev 1 (Keras "caffe" mode)
///   torchvision shorter side 256, center crop 224×224, RGB, scale 1/255,
///               mean 0.485, 0.456, 0.406, stddev 0.229, 0.224, 0.225
///   unit        no geometry, colour kept, scale 1/255 → [0, 1]
///   raw         no geometry, colour kept, scale 1 → [0, 255]
const std::vector<std::string>& preprocess_preset_names();

/// The preset's spec. Errors: kNotFound naming the closest preset.
Result<PreprocessSpec> preprocess_preset(std::string_view name);

/// Checks every field's range (fractions, sizes ≤ 16384, finite scale, non-zero finite stddev,
/// mean/stddev sizes 1 or 3, resize sizes consistent with the mode). Messages name the field.
Status validate_preprocess(const PreprocessSpec& spec);

/// One-line canonical form, identical for specs that compute the same thing, e.g.
/// "central_fraction=0.875 resize=224x224 interpolation=bilinear crop=none color=rgb
///  channel_order=rgb scale=0.007843138 mean=1 stddev=1 output=nhwc_float32"
/// (one line; numbers in shortest round-trip form; equal per-channel values collapsed).
std::string canonical_text(const PreprocessSpec& spec);

/// First 16 hex digits of the SHA-256 of canonical_text(spec).
std::string preprocess_hash(const PreprocessSpec& spec);

/// A crop window inside an image.
struct CropRect {
  int64_t top = 0;
  int64_t left = 0;
  int64_t height = 0;
  int64_t width = 0;
  bool operator==(const CropRect&) const = default;
};

/// TF central_crop: start = int((size - size * fraction) / 2) in double, truncated;
/// extent = size - 2 * start. E.g. 500 × 375 at 0.875 → top 31, left 23, 438 × 329.
CropRect central_crop_rect(int64_t height, int64_t width, double fraction);

/// Center crop of crop_h × crop_w: top = (height - crop_h) / 2 (integer division).
CropRect center_crop_rect(int64_t height, int64_t width, int64_t crop_h, int64_t crop_w);

/// Output height / width / channels when they do not depend on the image (0 = depends).
struct FixedOutput {
  int64_t height = 0;
  int64_t width = 0;
  int64_t channels = 0;
};
FixedOutput fixed_output(const PreprocessSpec& spec);

/// The output shape [1, H, W, C] for an image of height × width × channels.
/// Errors: the crop does not fit, a dimension is zero, channels not 1 or 3, or the spec is
/// invalid.
Result<Shape> preprocess_output_shape(const PreprocessSpec& spec, int64_t height, int64_t width,
                                      int64_t channels);

/// Runs the spec on a uint8 [H, W, C] image (C = 1, or 3 in RGB order) and writes
/// float32 NHWC into `out`, whose size must equal preprocess_output_shape(...).num_elements().
/// Allocates only OpenCV's intermediate images when resizing. Thread-safe.
Status preprocess_image(const TensorView& image, const PreprocessSpec& spec, std::span<float> out);

}  // namespace qexp::data
