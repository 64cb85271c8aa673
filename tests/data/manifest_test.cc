#include "framework/data/manifest.h"

#include <gtest/gtest.h>

#include "framework/core/sha256.h"
#include "framework/data/idx.h"
#include "framework/data/image_codec.h"
#include "tests/data/test_util.h"

namespace qexp::data {
namespace {

const std::string kSourceDir = QEXP_SOURCE_DIR;

class ManifestTest : public testing::TempDirTest {
 protected:
  // Parses `text` as if it were the file dir/m.yaml.
  Result<Manifest> parse(const std::string& text) { return parse_manifest(text, path("m.yaml")); }
  std::string m() { return path("m.yaml"); }
  void write_tiny_idx() {
    IdxImages im{2, 2, 2, {1, 2, 3, 4, 5, 6, 7, 8}};
    write("data/i.idx", encode_idx_images(im));
    write("data/l.idx", encode_idx_labels(std::vector<uint8_t>{0, 1}));
  }
};

constexpr char kIdxManifest[] = R"(name: tiny
format: idx
preprocess: unit
splits:
  test:
    images: data/i.idx
    labels: data/l.idx
)";

TEST_F(ManifestTest, FashionMnistManifestDescribesTheDebianFilesAndUnitGrayscaleInput) {
  auto m = load_manifest(kSourceDir + "/datasets/fashion_mnist.yaml");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->name, "fashion_mnist");
  EXPECT_EQ(m->format, DatasetFormat::kIdx);
  EXPECT_EQ(m->num_classes, 10);
  EXPECT_EQ(m->class_names.front(), "T-shirt/top");
  EXPECT_EQ(m->class_names.back(), "Ankle boot");
  EXPECT_EQ(m->preprocess_preset, "unit");
  EXPECT_EQ(canonical_text(m->preprocess),
            "central_fraction=1 resize=none interpolation=bilinear crop=none color=grayscale "
            "channel_order=rgb scale=0.003921569 mean=0 stddev=1 output=nhwc_float32");
  ASSERT_TRUE(m->input.has_value());
  EXPECT_EQ(m->input->height, 28);
  EXPECT_EQ(m->input->channels, 1);
  EXPECT_EQ(m->sha256.size(), 4u);
  auto shape = preprocess_output_shape(m->preprocess, 28, 28, 1);
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{1, 28, 28, 1}));

  QEXP_REQUIRE_FASHION_MNIST();
  auto test = open_dataset(*m, "test");  // verifies the SHA-256 digests
  ASSERT_TRUE(test.ok()) << test.status().message();
  EXPECT_EQ((*test)->size(), 10000);
  EXPECT_EQ((*test)->class_names()[9], "Ankle boot");
  auto typo = open_dataset(*m, "tset");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(), m->path +
                                         ": no split 'tset' (did you mean 'test'?); "
                                         "splits: train, test");
}

TEST_F(ManifestTest, ImagenetTemplateParsesWith1001ClassesAndMobilenetPreprocessing) {
  auto m = load_manifest(kSourceDir + "/datasets/imagenet_val.yaml");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->format, DatasetFormat::kImageList);
  EXPECT_EQ(m->num_classes, 1001);
  EXPECT_EQ(m->label_offset, 1);
  EXPECT_EQ(canonical_text(m->preprocess), canonical_text(*preprocess_preset("mobilenet")));
  const SplitFiles* val = m->find_split("val");
  ASSERT_NE(val, nullptr);
  EXPECT_EQ(val->list.path, kSourceDir + "/datasets/imagenet/val_labels.txt");
  EXPECT_EQ(val->root.path, kSourceDir + "/datasets/imagenet/val");
  if (!file_exists(val->list.path)) {
    auto r = open_dataset(*m, "val");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_NE(r.status().message().find("imagenet_val.yaml:"), std::string::npos);
    EXPECT_NE(r.status().message().find("splits.val.list: "), std::string::npos);
  }
}

TEST_F(ManifestTest, RelativePathsAreRelativeToTheManifestAndTheSplitOpens) {
  write_tiny_idx();
  auto m = parse(kIdxManifest);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->splits[0].images.path, path("data/i.idx"));
  auto ds = open_dataset(*m, "test");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->size(), 2);
  EXPECT_EQ((*ds)->num_classes(), 2);
}

TEST_F(ManifestTest, UnknownKeysNameLineColumnAndTheClosestKey) {
  auto r = parse("name: x\nformat: idx\nnum_clases: 10\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            m() +
                ":3:1: num_clases: unknown key (did you mean 'num_classes'?); valid keys: "
                "name, description, format, num_classes, class_names, label_offset, on_error, "
                "check, input, preprocess, splits, sha256");
  std::string nested = kIdxManifest;
  nested.replace(nested.find("images:"), 7, "imagse:");
  r = parse(nested);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() +
                                      ":6:5: splits.test.imagse: unknown key (did you mean "
                                      "'images'?); valid keys: images, labels");
  r = parse("name: x\nformat: idx\npreprocess: {preset: unit, colour: rgb}\nsplits: {}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                m() + ":3:28: preprocess.colour: unknown key (did you mean 'color'?)"),
            std::string::npos)
      << r.status().message();
}

TEST_F(ManifestTest, WrongTypesAreErrorsWithPosition) {
  auto r = parse("name: x\nformat: idx\nnum_classes: ten\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":3:14: num_classes: expected an integer, got 'ten'");
  r = parse("name: x\nformat: idx\nnum_classes: \"10\"\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":3:14: num_classes: expected an integer, got '10'");
  r = parse("name: x\nformat: idx\nclass_names: Bag\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            m() + ":3:14: class_names: expected a list of strings, got a scalar");
  r = parse("name: [a, b]\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":1:7: name: expected a string, got a list");
  r = parse("name: x\nformat: tfrecord\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            m() + ":2:9: format: 'tfrecord' is not one of idx, image_folder, image_list");
}

TEST_F(ManifestTest, MissingKeysInvalidYamlAndEmptyFilesAreErrors) {
  auto r = parse("name: x\nformat: idx\nsplits: {}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":1:1: missing required key 'preprocess'");
  std::string no_labels = kIdxManifest;
  no_labels.erase(no_labels.find("    labels:"));
  r = parse(no_labels);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":6:5: splits.test: missing required key 'labels'");
  r = parse("name: x\nformat: [idx\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().message().starts_with(m() + ":3:1: invalid YAML: "))
      << r.status().message();
  r = parse("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ": empty manifest");
  auto missing = load_manifest(path("nope.yaml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(ManifestTest, DuplicateKeysAreErrors) {
  auto r = parse("name: x\nformat: idx\nname: y\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), m() + ":3:1: name: duplicate key");
}

TEST_F(ManifestTest, MissingDataFileIsReportedAtItsManifestPosition) {
  auto m = parse(kIdxManifest);  // data/ was never written
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto r = open_dataset(*m, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), path("m.yaml") + ":6:13: splits.test.images: " +
                                      path("data/i.idx") + ": no such file or directory");
}

TEST_F(ManifestTest, Sha256IsVerifiedWhenTheSplitOpens) {
  write_tiny_idx();
  const std::string good = *sha256_file(path("data/i.idx"));
  auto ok = parse(std::string(kIdxManifest) + "sha256:\n  data/i.idx: " + good + "\n");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ASSERT_TRUE(open_dataset(*ok, "test").ok());
  const std::string wrong(64, 'a');
  auto bad = parse(std::string(kIdxManifest) + "sha256:\n  data/i.idx: " + wrong + "\n");
  ASSERT_TRUE(bad.ok());
  auto r = open_dataset(*bad, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), path("data/i.idx") + ": SHA-256 is " + good +
                                      " but the manifest (" + m() + ":9:15) says " + wrong);
  auto unrelated = parse(std::string(kIdxManifest) + "sha256:\n  other.gz: " + good + "\n");
  ASSERT_FALSE(unrelated.ok());
  EXPECT_EQ(unrelated.status().message(), m() +
                                              ":9:3: sha256.other.gz: is not a file any split "
                                              "reads (" +
                                              path("other.gz") + ")");
  auto not_hex = parse(std::string(kIdxManifest) + "sha256:\n  data/i.idx: xyz\n");
  ASSERT_FALSE(not_hex.ok());
  EXPECT_EQ(not_hex.status().message(),
            m() + ":9:15: sha256.data/i.idx: expected 64 hex digits (a SHA-256)");
}

TEST_F(ManifestTest, PreprocessOverridesAndInputHintMustAgree) {
  auto r = parse(R"(name: x
format: image_folder
input: {height: 192, width: 192, channels: 3}
preprocess:
  preset: mobilenet
  resize: [192, 192]
  scale: 1/255
  mean: [0.5, 0.5, 0.5]
splits: {val: {root: imgs}}
)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->preprocess.resize_height, 192);
  EXPECT_EQ(r->preprocess.scale, static_cast<float>(1.0 / 255.0));
  EXPECT_EQ(r->preprocess.central_fraction, 0.875);
  auto mismatch = parse(R"(name: x
format: image_folder
input: {height: 224, width: 224, channels: 1}
preprocess: mobilenet
splits: {val: {root: imgs}}
)");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().message(),
            m() + ":4:13: preprocess: produces 224x224x3 but input says 224x224x1");
  auto bad_value = parse(
      "name: x\nformat: idx\npreprocess: {central_fraction: 2}\n"
      "splits: {}\n");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_EQ(bad_value.status().message(),
            m() + ":3:13: preprocess: preprocess.central_fraction: 2 is outside (0, 1]");
  auto bad_preset = parse("name: x\nformat: idx\npreprocess: torchvison\nsplits: {}\n");
  ASSERT_FALSE(bad_preset.ok());
  EXPECT_NE(bad_preset.status().message().find(
                m() + ":3:13: preprocess: unknown preprocessing preset 'torchvison' (did you "
                      "mean 'torchvision'?)"),
            std::string::npos);
}

TEST_F(ManifestTest, ImageListManifestAppliesLabelOffsetAndSkipPolicy) {
  Tensor img(DType::kUInt8, Shape{2, 2, 1});
  write("imgs/a.png", *encode_image(img.view(), ImageFormat::kPng));
  write_text("imgs/b.png", "not an image");
  write_text("imgs/list.txt", "a.png 0\nb.png 1\n");
  auto m = parse(R"(name: x
format: image_list
num_classes: 3
label_offset: 1
on_error: skip
preprocess: raw
splits:
  val: {list: imgs/list.txt}
)");
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto ds = open_dataset(*m, "val");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->size(), 1);
  EXPECT_EQ((*ds)->num_classes(), 3);
  EXPECT_EQ(*(*ds)->label(0), 1);
  EXPECT_EQ((*ds)->stats().skipped, 1);
}

}  // namespace
}  // namespace qexp::data
