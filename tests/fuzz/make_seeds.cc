// Writes the model seeds of the fuzz corpora: small valid .tflite files (the importer test graphs:
// float CNN, element-wise ops, int8 per-axis conv, int8 ops, float16 weights) and a small frozen
// GraphDef and small images (PNG, JPEG from the encoder; BMP, PGM, PPM written here), each also
// truncated and with one flipped byte (the "slightly broken" seeds).
//   fuzz_make_seeds OUT_DIR   → OUT_DIR/{tflite,graphdef,image}/*

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "framework/data/image_codec.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/importers/tf/graphdef_writer.h"
#include "tests/importers/tflite_test_graphs.h"

namespace {

namespace fs = std::filesystem;
using qexp::DType;
using qexp::Shape;
using qexp::Tensor;
using qexp::tf::AttrValue;
using qexp::tf::DataType;

bool write(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return out.good();
}

/// Writes `name`.EXT, `name`_truncated.EXT (first 3/4) and `name`_flipped.EXT (byte at 2/3 + 1).
bool write_variants(const fs::path& dir, const std::string& name, const std::string& ext,
                    const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + bytes.size() * 3 / 4);
  std::vector<uint8_t> flipped = bytes;
  if (!flipped.empty()) flipped[flipped.size() * 2 / 3] ^= 0x01;
  return write(dir / (name + ext), bytes) && write(dir / (name + "_truncated" + ext), truncated) &&
         write(dir / (name + "_flipped" + ext), flipped);
}

Tensor ramp(Shape shape, float start, float step) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = start + step * i;
  return t;
}

/// input [1,6,6,2] → Conv2D → BiasAdd → FusedBatchNorm → Relu6 → Mean → MatMul → Softmax.
qexp::Result<std::vector<uint8_t>> small_graphdef() {
  qexp::tf::GraphDefWriter w;
  const qexp::tf::AttrList t_float = {{"T", AttrValue::type(DataType::kFloat)}};
  QEXP_RETURN_IF_ERROR(w.add_placeholder("input", DType::kFloat32, {-1, 6, 6, 2}));
  QEXP_RETURN_IF_ERROR(w.add_const("conv/w", ramp(Shape{3, 3, 2, 3}, -0.5f, 0.02f)));
  QEXP_RETURN_IF_ERROR(w.add_node("conv/Conv2D", "Conv2D", {"input", "conv/w"},
                                  {{"T", AttrValue::type(DataType::kFloat)},
                                   {"padding", AttrValue::string("SAME")},
                                   {"strides", AttrValue::int_list({1, 1, 1, 1})},
                                   {"data_format", AttrValue::string("NHWC")}}));
  QEXP_RETURN_IF_ERROR(w.add_const("conv/b", ramp(Shape{3}, 0.1f, 0.1f)));
  QEXP_RETURN_IF_ERROR(w.add_node("conv/BiasAdd", "BiasAdd", {"conv/Conv2D", "conv/b"}, t_float));
  for (const char* p : {"gamma", "beta", "mean", "variance"}) {
    QEXP_RETURN_IF_ERROR(w.add_const(std::string("bn/") + p, ramp(Shape{3}, 1.0f, 0.1f)));
  }
  QEXP_RETURN_IF_ERROR(w.add_node("bn/FusedBatchNorm", "FusedBatchNorm",
                                  {"conv/BiasAdd", "bn/gamma", "bn/beta", "bn/mean", "bn/variance"},
                                  {{"T", AttrValue::type(DataType::kFloat)},
                                   {"epsilon", AttrValue::real(0.001f)},
                                   {"is_training", AttrValue::boolean(false)},
                                   {"data_format", AttrValue::string("NHWC")}}));
  QEXP_RETURN_IF_ERROR(w.add_node("relu", "Relu6", {"bn/FusedBatchNorm"}, t_float));
  Tensor axes(DType::kInt32, Shape{2});
  axes.data<int32_t>()[0] = 1;
  axes.data<int32_t>()[1] = 2;
  QEXP_RETURN_IF_ERROR(w.add_const("pool/axes", axes));
  QEXP_RETURN_IF_ERROR(w.add_node(
      "pool/Mean", "Mean", {"relu", "pool/axes"},
      {{"T", AttrValue::type(DataType::kFloat)}, {"keep_dims", AttrValue::boolean(false)}}));
  QEXP_RETURN_IF_ERROR(w.add_const("fc/w", ramp(Shape{3, 4}, 0.0f, 0.05f)));
  QEXP_RETURN_IF_ERROR(w.add_node("fc/MatMul", "MatMul", {"pool/Mean", "fc/w"}, t_float));
  QEXP_RETURN_IF_ERROR(w.add_node("out/Softmax", "Softmax", {"fc/MatMul"}, t_float));
  return w.serialize();
}

/// A W x H image with C channels of a seeded pattern, as uint8 [H, W, C].
Tensor pattern_image(int64_t w, int64_t h, int64_t c) {
  Tensor t(DType::kUInt8, Shape{h, w, c});
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<uint8_t>()[i] = uint8_t(i * 29 + 7);
  return t;
}

/// Binary PGM (c = 1) or PPM (c = 3).
std::vector<uint8_t> pnm(const Tensor& image) {
  const int64_t h = image.shape()[0], w = image.shape()[1], c = image.shape()[2];
  const std::string header =
      (c == 1 ? "P5\n" : "P6\n") + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  std::vector<uint8_t> out(header.begin(), header.end());
  const auto* p = image.data<uint8_t>();
  out.insert(out.end(), p, p + image.num_elements());
  return out;
}

/// 24-bit bottom-up BMP (BITMAPINFOHEADER) of an RGB image.
std::vector<uint8_t> bmp(const Tensor& image) {
  const int64_t h = image.shape()[0], w = image.shape()[1];
  const int64_t row = (w * 3 + 3) / 4 * 4;
  std::vector<uint8_t> out(54 + static_cast<size_t>(row * h), 0);
  auto le32 = [&out](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = uint8_t(v >> (8 * i));
  };
  out[0] = 'B';
  out[1] = 'M';
  le32(2, static_cast<uint32_t>(out.size()));
  le32(10, 54);
  le32(14, 40);
  le32(18, static_cast<uint32_t>(w));
  le32(22, static_cast<uint32_t>(h));
  out[26] = 1;   // planes
  out[28] = 24;  // bits per pixel
  le32(34, static_cast<uint32_t>(row * h));
  const auto* p = image.data<uint8_t>();
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      const uint8_t* rgb = p + ((h - 1 - y) * w + x) * 3;
      uint8_t* dst = &out[54 + static_cast<size_t>(y * row + x * 3)];
      dst[0] = rgb[2];
      dst[1] = rgb[1];
      dst[2] = rgb[0];
    }
  }
  return out;
}

bool write_images(const fs::path& dir) {
  using qexp::data::ImageFormat;
  const Tensor rgb = pattern_image(5, 4, 3), gray = pattern_image(3, 6, 1);
  auto png = qexp::data::encode_image(rgb.view(), ImageFormat::kPng);
  auto png_gray = qexp::data::encode_image(gray.view(), ImageFormat::kPng);
  auto jpeg = qexp::data::encode_image(rgb.view(), ImageFormat::kJpeg, 90);
  return png.ok() && png_gray.ok() && jpeg.ok() && write_variants(dir, "rgb", ".png", *png) &&
         write_variants(dir, "gray", ".png", *png_gray) &&
         write_variants(dir, "rgb", ".jpg", *jpeg) &&
         write_variants(dir, "rgb", ".bmp", bmp(rgb)) &&
         write_variants(dir, "gray", ".pgm", pnm(gray)) &&
         write_variants(dir, "rgb", ".ppm", pnm(rgb));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  fs::create_directories(out / "tflite");
  fs::create_directories(out / "graphdef");
  fs::create_directories(out / "image");
  namespace tt = qexp::tflite_test;
  const std::vector<std::pair<std::string, qexp::ir::Graph>> graphs = {
      {"float_cnn", tt::float_cnn("float_cnn")},
      {"float_elementwise", tt::float_elementwise("float_elementwise")},
      {"int8_per_axis_conv", tt::int8_per_axis_conv("int8_per_axis_conv")},
      {"int8_ops", tt::int8_ops("int8_ops")},
      {"float16_weights", tt::float16_weights("float16_weights")}};
  for (const auto& [name, graph] : graphs) {
    auto bytes = qexp::tflite::serialize_tflite(graph);
    if (!bytes.ok() || !write_variants(out / "tflite", name, ".tflite", *bytes)) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(),
                   bytes.ok() ? "cannot write" : bytes.status().message().c_str());
      return 1;
    }
  }
  auto pb = small_graphdef();
  if (!pb.ok() || !write_variants(out / "graphdef", "small_cnn", ".pb", *pb)) {
    std::fprintf(stderr, "graphdef: %s\n",
                 pb.ok() ? "cannot write" : pb.status().message().c_str());
    return 1;
  }
  if (!write_images(out / "image")) {
    std::fprintf(stderr, "image seeds: cannot encode or write\n");
    return 1;
  }
  return 0;
}
