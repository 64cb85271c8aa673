#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "framework/data/export.h"
#include "framework/data/image_codec.h"
#include "framework/data/readers.h"
#include "tests/data/test_util.h"

namespace qexp::data {
namespace {

using testing::fashion_path;

Tensor solid(int64_t h, int64_t w, int64_t c, uint8_t value) {
  Tensor t(DType::kUInt8, Shape{h, w, c});
  std::memset(t.raw(), value, t.byte_size());
  return t;
}

std::vector<uint8_t> png_of(const Tensor& t) { return *encode_image(t.view(), ImageFormat::kPng); }

bool same_pixels(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.byte_size()) == 0;
}

class ImageFolderTest : public testing::TempDirTest {};
class ImageListTest : public testing::TempDirTest {};
class ExportTest : public testing::TempDirTest {};

TEST_F(ExportTest, FashionMnistPngExportReadsBackAsImageFolderWithIdenticalPixelsAndLabels) {
  QEXP_REQUIRE_FASHION_MNIST();
  DatasetOptions idx_options;
  idx_options.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  auto idx = open_idx_dataset(fashion_path("t10k-images-idx3-ubyte.gz"),
                              fashion_path("t10k-labels-idx1-ubyte.gz"), idx_options);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  ExportOptions options;
  options.dir = path("export");
  options.limit = 20;
  auto exported = export_images(**idx, options);
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->written, 20);
  EXPECT_EQ(exported->files[0], path("export/9/0000.png"));  // test image 0 is an ankle boot

  auto folder = open_image_folder(options.dir);
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  ASSERT_EQ((*folder)->size(), 20);
  EXPECT_EQ((*folder)->num_classes(), 10);  // every class folder exists, even if empty
  for (int64_t i = 0; i < 20; ++i) {
    const std::string src = (*folder)->source(i);
    auto it = std::find(exported->files.begin(), exported->files.end(), src);
    ASSERT_NE(it, exported->files.end()) << src;
    const int64_t idx_index = it - exported->files.begin();
    auto a = (*folder)->get(i);
    auto b = (*idx)->get(idx_index);
    ASSERT_TRUE(a.ok()) << a.status().message();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->label, b->label) << src;
    EXPECT_TRUE(same_pixels(a->image, b->image)) << src;
  }

  // labels.txt keeps the export order: an image list gives back indices 0..19 in order.
  auto list = open_image_list(options.dir, exported->list_path);
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ((*list)->size(), 20);
  for (int64_t i = 0; i < 20; ++i) {
    auto a = (*list)->get(i);
    auto b = (*idx)->get(i);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->label, b->label);
    EXPECT_TRUE(same_pixels(a->image, b->image));
  }
}

TEST_F(ExportTest, ClassNameFoldersAreSanitised) {
  QEXP_REQUIRE_FASHION_MNIST();
  DatasetOptions idx_options;
  idx_options.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  auto idx = open_idx_dataset(fashion_path("t10k-images-idx3-ubyte.gz"),
                              fashion_path("t10k-labels-idx1-ubyte.gz"), idx_options);
  ASSERT_TRUE(idx.ok());
  ExportOptions options;
  options.dir = path("named");
  options.indices = {1, 0};
  options.folder_names = ExportFolderNames::kClassName;
  auto exported = export_images(**idx, options);
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->files, (std::vector<std::string>{path("named/Pullover/0001.png"),
                                                       path("named/Ankle boot/0000.png")}));
  EXPECT_TRUE(file_exists(path("named/T-shirt_top")));
}

TEST_F(ImageFolderTest, ClassesAndFilesAreSortedAndNonImagesIgnored) {
  write("root/zebra/b.png", png_of(solid(2, 2, 1, 20)));
  write("root/zebra/a.png", png_of(solid(2, 2, 1, 10)));
  write("root/ant/x.PNG", png_of(solid(2, 2, 3, 30)));
  write_text("root/ant/README.txt", "not an image");
  write_text("root/labels.txt", "ignored: not inside a class folder");
  write("root/.hidden/h.png", png_of(solid(2, 2, 1, 0)));
  std::filesystem::create_directories(path("root/mole"));  // empty class
  auto ds = open_image_folder(path("root"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->num_classes(), 3);
  EXPECT_EQ((*ds)->class_names(), (std::vector<std::string>{"ant", "mole", "zebra"}));
  ASSERT_EQ((*ds)->size(), 3);
  EXPECT_EQ((*ds)->source(0), path("root/ant/x.PNG"));
  EXPECT_EQ((*ds)->source(1), path("root/zebra/a.png"));
  EXPECT_EQ(*(*ds)->label(0), 0);
  EXPECT_EQ(*(*ds)->label(2), 2);
  EXPECT_EQ((*ds)->get(1)->image.data<uint8_t>()[0], 10);
  EXPECT_EQ((*ds)->get(0)->image.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ((*ds)->stats().ignored_files, 1);
}

TEST_F(ImageFolderTest, LabelOffsetAddsABackgroundClass) {
  write("root/cat/a.png", png_of(solid(2, 2, 1, 1)));
  write("root/dog/a.png", png_of(solid(2, 2, 1, 2)));
  DatasetOptions options;
  options.label_offset = 1;
  auto ds = open_image_folder(path("root"), options);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->num_classes(), 3);
  EXPECT_EQ((*ds)->class_names(), (std::vector<std::string>{"background", "cat", "dog"}));
  EXPECT_EQ(*(*ds)->label(0), 1);
  EXPECT_EQ(*(*ds)->label(1), 2);
  options.num_classes = 1001;
  auto wrong = open_image_folder(path("root"), options);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), path("root") +
                                          ": 2 class sub-folders + label_offset 1 = 3 "
                                          "classes, but num_classes is 1001");
}

TEST_F(ImageFolderTest, NonImageFileIsAnErrorOrACountedSkip) {
  write("root/a/good.png", png_of(solid(2, 2, 1, 1)));
  const std::string text_png = write_text("root/a/notes.png", "this is text, not a PNG\n");
  const std::string gif = write_text("root/b/anim.png", "GIF89a\x01\x00\x01\x00\x00\x00\x00");
  auto fail = open_image_folder(path("root"));
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fail.status().message(), text_png +
                                         ": not a supported image (it is text); "
                                         "supported: PNG, JPEG, BMP, PGM/PPM (P5/P6)");
  DatasetOptions skip;
  skip.on_error = OnError::kSkip;
  auto ds = open_image_folder(path("root"), skip);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->size(), 1);
  const DatasetStats stats = (*ds)->stats();
  EXPECT_EQ(stats.skipped, 2);
  ASSERT_EQ(stats.skip_messages.size(), 2u);
  EXPECT_NE(stats.skip_messages[0].find(text_png), std::string::npos);
  EXPECT_NE(stats.skip_messages[1].find(gif + ": not a supported image (it is a GIF file)"),
            std::string::npos);
}

TEST_F(ImageFolderTest, CorruptImageFailsInGetOrIsSkippedWhenDecodedAtOpen) {
  write("root/a/good.png", png_of(solid(4, 4, 3, 9)));
  auto png = png_of(solid(4, 4, 3, 9));
  png.resize(png.size() - 20);  // valid signature and header, truncated data
  const std::string bad = write("root/a/truncated.png", png);
  auto lazy = open_image_folder(path("root"));
  ASSERT_TRUE(lazy.ok()) << lazy.status().message();
  ASSERT_EQ((*lazy)->size(), 2);
  auto r = (*lazy)->get(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(r.status().message().starts_with(bad + ": ")) << r.status().message();
  EXPECT_EQ((*lazy)->stats().get_failures, 1);

  DatasetOptions options;
  options.check = ImageCheck::kDecode;
  auto strict = open_image_folder(path("root"), options);
  ASSERT_FALSE(strict.ok());
  EXPECT_TRUE(strict.status().message().starts_with(bad + ": ")) << strict.status().message();
  options.on_error = OnError::kSkip;
  auto skipping = open_image_folder(path("root"), options);
  ASSERT_TRUE(skipping.ok()) << skipping.status().message();
  EXPECT_EQ((*skipping)->size(), 1);
  EXPECT_EQ((*skipping)->stats().skipped, 1);
}

TEST_F(ImageFolderTest, ConcurrentGetsMatchSerialGets) {
  for (int i = 0; i < 16; ++i) {
    write("root/c" + std::to_string(i % 2) + "/" + std::to_string(i) + ".png",
          png_of(solid(8, 8, 3, static_cast<uint8_t>(i * 10))));
  }
  auto ds = open_image_folder(path("root"));
  ASSERT_TRUE(ds.ok());
  std::vector<int> serial, parallel(16);
  for (int64_t i = 0; i < 16; ++i) serial.push_back((*ds)->get(i)->image.data<uint8_t>()[5]);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = t; i < 16; i += 4) {
        parallel[static_cast<size_t>(i)] = (*ds)->get(i)->image.data<uint8_t>()[5];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(serial, parallel);
}

TEST_F(ImageListTest, LabelOffsetCommentsBlankLinesAndSpacesInNames) {
  write("imgs/a.png", png_of(solid(2, 2, 3, 1)));
  write("imgs/sub/b c.png", png_of(solid(2, 2, 3, 2)));
  const std::string list =
      write_text("val.txt", "# ImageNet style\n\na.png 0\r\n  sub/b c.png\t999  \n");
  DatasetOptions options;
  options.label_offset = 1;
  options.num_classes = 1001;
  auto ds = open_image_list(path("imgs"), list, options);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 2);
  EXPECT_EQ((*ds)->num_classes(), 1001);
  EXPECT_EQ(*(*ds)->label(0), 1);
  EXPECT_EQ(*(*ds)->label(1), 1000);
  EXPECT_EQ((*ds)->source(1), path("imgs/sub/b c.png"));
  EXPECT_TRUE((*ds)->class_names().empty());
  options.num_classes = 1000;  // label 999 + 1 no longer fits
  auto r = open_image_list(path("imgs"), list, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            list + ":4: label 1000 (label_offset applied) is outside [0, 1000)");
}

TEST_F(ImageListTest, MalformedLinesNameFileAndLine) {
  write("a.png", png_of(solid(2, 2, 1, 1)));
  const std::string no_label = write_text("l1.txt", "a.png 1\na.png\n");
  auto r = open_image_list(path(""), no_label);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), no_label + ":2: expected '<filename> <label>', got 'a.png'");
  const std::string bad_label = write_text("l2.txt", "\n\na.png three\n");
  r = open_image_list(path(""), bad_label);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), bad_label +
                                      ":3: label 'three' is not an integer (expected "
                                      "'<filename> <label>')");
}

TEST_F(ImageListTest, ListedImageThatDoesNotExistIsAnErrorEvenWhenSkipping) {
  write("a.png", png_of(solid(2, 2, 1, 1)));
  const std::string list = write_text("l.txt", "a.png 0\nmissing.png 1\n");
  DatasetOptions options;
  options.on_error = OnError::kSkip;
  auto r = open_image_list(path(""), list, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), list + ":2: " + path("missing.png") + ": no such file");
}

TEST_F(ImageListTest, NonImageIsNamedWithItsListLine) {
  write("a.png", png_of(solid(2, 2, 1, 1)));
  const std::string txt = write_text("b.jpg", "plain text");
  const std::string list = write_text("l.txt", "a.png 0\nb.jpg 1\n");
  auto r = open_image_list(path(""), list);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().message().starts_with(list + ":2: " + txt + ": not a supported image"))
      << r.status().message();
}

}  // namespace
}  // namespace qexp::data
