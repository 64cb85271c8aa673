#include "framework/data/preprocess.h"

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "framework/core/sha256.h"
#include "framework/core/strings.h"

namespace qexp::data {
namespace {

constexpr int64_t kMaxSide = 16384;

// The pixel source after steps 1–3: `rows` × `cols` × `channels` of T with a row stride.
template <typename T>
struct PixelWindow {
  const T* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t channels = 0;
  int64_t row_stride = 0;  // elements
};

struct Normalizer {
  float scale;
  float mean[3];
  float stddev[3];
};

Normalizer make_normalizer(const PreprocessSpec& spec, int64_t out_channels) {
  Normalizer n{spec.scale, {}, {}};
  for (size_t c = 0; c < static_cast<size_t>(out_channels); ++c) {
    n.mean[c] = spec.mean.size() == 1 ? spec.mean[0] : spec.mean[c];
    n.stddev[c] = spec.stddev.size() == 1 ? spec.stddev[0] : spec.stddev[c];
  }
  return n;
}

// Steps 4–6 over the window, written to `out` (rows × cols × out_channels).
template <typename T>
void write_normalized(const PixelWindow<T>& w, const PreprocessSpec& spec, int64_t out_channels,
                      float* out) {
  const Normalizer n = make_normalizer(spec, out_channels);
  const bool bgr = out_channels == 3 && spec.channel_order == ChannelOrder::kBgr;
  for (int64_t y = 0; y < w.rows; ++y) {
    const T* row = w.data + y * w.row_stride;
    for (int64_t x = 0; x < w.cols; ++x) {
      const T* p = row + x * w.channels;
      float rgb[3];
      if (w.channels == 1) {
        rgb[0] = rgb[1] = rgb[2] = static_cast<float>(p[0]);
      } else {
        rgb[0] = static_cast<float>(p[0]);
        rgb[1] = static_cast<float>(p[1]);
        rgb[2] = static_cast<float>(p[2]);
      }
      if (out_channels == 1) {
        const float v =
            w.channels == 1 ? rgb[0] : 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
        *out++ = (v * n.scale - n.mean[0]) / n.stddev[0];
        continue;
      }
      for (int c = 0; c < 3; ++c) {
        const float v = rgb[bgr ? 2 - c : c];
        *out++ = (v * n.scale - n.mean[c]) / n.stddev[c];
      }
    }
  }
}

int64_t output_channels(const PreprocessSpec& spec, int64_t in_channels) {
  switch (spec.color) {
    case ColorMode::kGrayscale:
      return 1;
    case ColorMode::kRgb:
      return 3;
    case ColorMode::kKeep:
      break;
  }
  return in_channels;
}

struct Geometry {
  CropRect first;         // step 1, in the input image
  int64_t resized_h = 0;  // step 2
  int64_t resized_w = 0;
  CropRect second;       // step 3, in the resized image
  int64_t channels = 0;  // after step 4
};

Result<Geometry> plan(const PreprocessSpec& spec, int64_t h, int64_t w, int64_t c) {
  QEXP_RETURN_IF_ERROR(validate_preprocess(spec));
  if (h <= 0 || w <= 0 || (c != 1 && c != 3)) {
    return invalid_argument(
        str_cat("preprocess: expected an image [H,W,1|3], got [", h, ",", w, ",", c, "]"));
  }
  Geometry g;
  g.first = central_crop_rect(h, w, spec.central_fraction);
  g.resized_h = g.first.height;
  g.resized_w = g.first.width;
  if (spec.resize == ResizeMode::kExact) {
    g.resized_h = spec.resize_height;
    g.resized_w = spec.resize_width;
  } else if (spec.resize == ResizeMode::kShorterSide) {
    const int64_t s = spec.shorter_side;
    const double shorter = static_cast<double>(std::min(g.first.height, g.first.width));
    auto scaled = [&](int64_t side) {
      return side == static_cast<int64_t>(shorter)
                 ? s
                 : std::max<int64_t>(1, std::llround(static_cast<double>(side) * s / shorter));
    };
    g.resized_h = scaled(g.first.height);
    g.resized_w = scaled(g.first.width);
    if (g.resized_h > kMaxSide || g.resized_w > kMaxSide) {
      return invalid_argument(str_cat("preprocess: resizing ", g.first.height, "x", g.first.width,
                                      " to shorter side ", s, " gives ", g.resized_h, "x",
                                      g.resized_w, ", more than ", kMaxSide, " per side"));
    }
  }
  g.second = CropRect{0, 0, g.resized_h, g.resized_w};
  if (spec.crop_height > 0) {
    if (spec.crop_height > g.resized_h || spec.crop_width > g.resized_w) {
      return invalid_argument(str_cat("preprocess: center crop ", spec.crop_height, "x",
                                      spec.crop_width, " is larger than the ", g.resized_h, "x",
                                      g.resized_w, " image it is applied to"));
    }
    g.second = center_crop_rect(g.resized_h, g.resized_w, spec.crop_height, spec.crop_width);
  }
  g.channels = output_channels(spec, c);
  const size_t per_channel = std::max(spec.mean.size(), spec.stddev.size());
  if (per_channel == 3 && g.channels != 3) {
    return invalid_argument(str_cat("preprocess: mean/stddev have 3 values but the output has ",
                                    g.channels, " channel (set color: rgb, or give 1 value)"));
  }
  return g;
}

std::string format_values(const std::vector<float>& v) {
  bool same = true;
  for (float x : v) same = same && x == v[0];
  if (same && !v.empty()) return format_float(v[0]);
  std::vector<std::string> parts;
  for (float x : v) parts.push_back(format_float(x));
  return str_join(parts, ",");
}

std::string_view name_of(Interpolation i) {
  return i == Interpolation::kArea ? "area" : "bilinear";
}
std::string_view name_of(ColorMode c) {
  switch (c) {
    case ColorMode::kGrayscale:
      return "grayscale";
    case ColorMode::kRgb:
      return "rgb";
    case ColorMode::kKeep:
      break;
  }
  return "keep";
}

}  // namespace

const std::vector<std::string>& preprocess_preset_names() {
  static const std::vector<std::string> kNames = {"mobilenet",   "inception", "vgg",
                                                  "torchvision", "unit",      "raw"};
  return kNames;
}

Result<PreprocessSpec> preprocess_preset(std::string_view name) {
  PreprocessSpec s;
  if (name == "mobilenet" || name == "inception") {
    const int64_t side = name == "mobilenet" ? 224 : 299;
    s.central_fraction = 0.875;
    s.resize = ResizeMode::kExact;
    s.resize_height = s.resize_width = side;
    s.color = ColorMode::kRgb;
    s.scale = static_cast<float>(1.0 / 127.5);
    s.mean = {1.0f};
    s.stddev = {1.0f};
  } else if (name == "vgg" || name == "torchvision") {
    s.resize = ResizeMode::kShorterSide;
    s.shorter_side = 256;
    s.crop_height = s.crop_width = 224;
    s.color = ColorMode::kRgb;
    if (name == "vgg") {
      s.channel_order = ChannelOrder::kBgr;
      s.mean = {103.939f, 116.779f, 123.68f};
    } else {
      s.scale = static_cast<float>(1.0 / 255.0);
      s.mean = {0.485f, 0.456f, 0.406f};
      s.stddev = {0.229f, 0.224f, 0.225f};
    }
  } else if (name == "unit") {
    s.scale = static_cast<float>(1.0 / 255.0);
  } else if (name != "raw") {
    std::string hint = closest_match(name, preprocess_preset_names());
    return not_found(
        str_cat("unknown preprocessing preset ", qexp::quoted(name),
                hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                "; presets: ", str_join(preprocess_preset_names(), ", ")));
  }
  return s;
}

Status validate_preprocess(const PreprocessSpec& s) {
  auto side_ok = [](int64_t v) { return v >= 1 && v <= kMaxSide; };
  if (!(s.central_fraction > 0.0 && s.central_fraction <= 1.0)) {
    return invalid_argument(
        str_cat("preprocess.central_fraction: ", s.central_fraction, " is outside (0, 1]"));
  }
  if (s.resize == ResizeMode::kExact && (!side_ok(s.resize_height) || !side_ok(s.resize_width))) {
    return invalid_argument(str_cat("preprocess.resize: ", s.resize_height, "x", s.resize_width,
                                    " is outside [1, ", kMaxSide, "] per side"));
  }
  if (s.resize == ResizeMode::kShorterSide && !side_ok(s.shorter_side)) {
    return invalid_argument(str_cat("preprocess.resize.shorter_side: ", s.shorter_side,
                                    " is outside [1, ", kMaxSide, "]"));
  }
  const bool crop_off = s.crop_height == 0 && s.crop_width == 0;
  if (!crop_off && (!side_ok(s.crop_height) || !side_ok(s.crop_width))) {
    return invalid_argument(str_cat("preprocess.crop: ", s.crop_height, "x", s.crop_width,
                                    " is outside [1, ", kMaxSide, "] per side"));
  }
  if (!std::isfinite(s.scale)) {
    return invalid_argument(str_cat("preprocess.scale: ", format_float(s.scale), " is not finite"));
  }
  for (const auto* v : {&s.mean, &s.stddev}) {
    const char* field = v == &s.mean ? "mean" : "stddev";
    if (v->size() != 1 && v->size() != 3) {
      return invalid_argument(
          str_cat("preprocess.", field, ": has ", v->size(), " values, expected 1 or 3"));
    }
    for (float x : *v) {
      if (!std::isfinite(x) || (v == &s.stddev && x == 0.0f)) {
        return invalid_argument(
            str_cat("preprocess.", field, ": ", format_float(x), " is ",
                    v == &s.stddev ? "not a finite non-zero number" : "not finite"));
      }
    }
  }
  return ok_status();
}

std::string canonical_text(const PreprocessSpec& s) {
  std::string resize = "none";
  if (s.resize == ResizeMode::kExact) resize = str_cat(s.resize_height, "x", s.resize_width);
  if (s.resize == ResizeMode::kShorterSide) resize = str_cat("shorter_side:", s.shorter_side);
  const bool crop_off = s.crop_height == 0 && s.crop_width == 0;
  return str_cat("central_fraction=", format_double(s.central_fraction), " resize=", resize,
                 " interpolation=", name_of(s.interpolation), " crop=",
                 crop_off ? std::string("none") : str_cat(s.crop_height, "x", s.crop_width),
                 " color=", name_of(s.color),
                 " channel_order=", s.channel_order == ChannelOrder::kBgr ? "bgr" : "rgb",
                 " scale=", format_float(s.scale), " mean=", format_values(s.mean),
                 " stddev=", format_values(s.stddev), " output=nhwc_float32");
}

std::string preprocess_hash(const PreprocessSpec& spec) {
  return sha256_hex(canonical_text(spec)).substr(0, 16);
}

CropRect central_crop_rect(int64_t height, int64_t width, double fraction) {
  if (fraction >= 1.0) return CropRect{0, 0, height, width};
  const double h = static_cast<double>(height), w = static_cast<double>(width);
  const auto top = static_cast<int64_t>((h - h * fraction) / 2);
  const auto left = static_cast<int64_t>((w - w * fraction) / 2);
  return CropRect{top, left, height - 2 * top, width - 2 * left};
}

CropRect center_crop_rect(int64_t height, int64_t width, int64_t crop_h, int64_t crop_w) {
  return CropRect{(height - crop_h) / 2, (width - crop_w) / 2, crop_h, crop_w};
}

FixedOutput fixed_output(const PreprocessSpec& spec) {
  FixedOutput f;
  if (spec.crop_height > 0) {
    f.height = spec.crop_height;
    f.width = spec.crop_width;
  } else if (spec.resize == ResizeMode::kExact) {
    f.height = spec.resize_height;
    f.width = spec.resize_width;
  }
  f.channels = spec.color == ColorMode::kKeep ? 0 : output_channels(spec, 0);
  return f;
}

Result<Shape> preprocess_output_shape(const PreprocessSpec& spec, int64_t height, int64_t width,
                                      int64_t channels) {
  QEXP_ASSIGN_OR_RETURN(Geometry g, plan(spec, height, width, channels));
  return Shape{1, g.second.height, g.second.width, g.channels};
}

Status preprocess_image(const TensorView& image, const PreprocessSpec& spec, std::span<float> out) {
  const Shape& s = image.shape();
  if (image.dtype() != DType::kUInt8 || s.rank() != 3) {
    return invalid_argument(str_cat("preprocess: expected a uint8 [H,W,C] image, got ",
                                    dtype_name(image.dtype()), " ", s.to_string()));
  }
  QEXP_ASSIGN_OR_RETURN(Geometry g, plan(spec, s[0], s[1], s[2]));
  const int64_t needed = g.second.height * g.second.width * g.channels;
  if (static_cast<int64_t>(out.size()) != needed) {
    return invalid_argument(str_cat("preprocess: output buffer has ", out.size(),
                                    " floats, the output [1,", g.second.height, ",", g.second.width,
                                    ",", g.channels, "] needs ", needed));
  }
  const int64_t c = s[2];
  const auto* pixels = static_cast<const uint8_t*>(image.raw());
  const bool resampled = g.resized_h != g.first.height || g.resized_w != g.first.width;
  if (!resampled) {
    PixelWindow<uint8_t> w{
        pixels + ((g.first.top + g.second.top) * s[1] + g.first.left + g.second.left) * c,
        g.second.height, g.second.width, c, s[1] * c};
    write_normalized(w, spec, g.channels, out.data());
    return ok_status();
  }
  cv::Mat resized;
  try {
    const cv::Mat src(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC(static_cast<int>(c)),
                      image.raw());
    cv::Mat roi_f;
    src(cv::Rect(static_cast<int>(g.first.left), static_cast<int>(g.first.top),
                 static_cast<int>(g.first.width), static_cast<int>(g.first.height)))
        .convertTo(roi_f, CV_32F);
    cv::resize(roi_f, resized,
               cv::Size(static_cast<int>(g.resized_w), static_cast<int>(g.resized_h)), 0, 0,
               spec.interpolation == Interpolation::kArea ? cv::INTER_AREA : cv::INTER_LINEAR);
  } catch (const cv::Exception& e) {
    return internal_error(str_cat("preprocess: OpenCV resize failed: ", e.what()));
  }
  if (!resized.isContinuous() || resized.rows != g.resized_h || resized.cols != g.resized_w) {
    return internal_error("preprocess: OpenCV returned an unexpected image");
  }
  const auto* base = resized.ptr<float>(0);
  PixelWindow<float> w{base + (g.second.top * g.resized_w + g.second.left) * c, g.second.height,
                       g.second.width, c, g.resized_w * c};
  write_normalized(w, spec, g.channels, out.data());
  return ok_status();
}

}  // namespace qexp::data
