#include "framework/data/idx.h"

#include <gtest/gtest.h>

#include <numeric>

#include "framework/core/sha256.h"
#include "framework/data/dataset.h"
#include "framework/data/gzip.h"
#include "framework/data/readers.h"
#include "tests/data/test_util.h"

namespace qexp::data {
namespace {

using testing::fashion_path;

IdxImages small_images(int64_t count, int64_t rows, int64_t cols) {
  IdxImages im{count, rows, cols, {}};
  im.pixels.resize(static_cast<size_t>(count * rows * cols));
  for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = static_cast<uint8_t>(i * 7);
  return im;
}

std::vector<uint8_t> gz(const std::vector<uint8_t>& raw) {
  auto r = gzip_compress(raw);
  EXPECT_TRUE(r.ok());
  return *r;
}

// Independent judge: Python's gzip + hashlib over the decompressed pixel bytes (after the
// 16-byte header), and `zcat | od` for the first labels.
TEST(IdxFashionMnist, TestSplitHasTenThousandImagesWithKnownLabelsAndPixelDigest) {
  QEXP_REQUIRE_FASHION_MNIST();
  auto images = read_idx_images(fashion_path("t10k-images-idx3-ubyte.gz"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  EXPECT_EQ(images->count, 10000);
  EXPECT_EQ(images->rows, 28);
  EXPECT_EQ(images->cols, 28);
  EXPECT_EQ(sha256_hex(images->pixels),
            "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a");
  EXPECT_EQ(std::accumulate(images->pixels.begin(), images->pixels.end(), int64_t{0}), 573469082);
  auto labels = read_idx_labels(fashion_path("t10k-labels-idx1-ubyte.gz"));
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  ASSERT_EQ(labels->size(), 10000u);
  EXPECT_EQ(std::vector<uint8_t>(labels->begin(), labels->begin() + 10),
            (std::vector<uint8_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
}

TEST(IdxFashionMnist, TrainSplitHasSixtyThousandImagesWithKnownLabelsAndPixelDigest) {
  QEXP_REQUIRE_FASHION_MNIST();
  auto ds = open_idx_dataset(fashion_path("train-images-idx3-ubyte.gz"),
                             fashion_path("train-labels-idx1-ubyte.gz"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->size(), 60000);
  EXPECT_EQ((*ds)->num_classes(), 10);  // inferred: largest label + 1
  std::vector<int32_t> first;
  for (int64_t i = 0; i < 10; ++i) first.push_back(*(*ds)->label(i));
  EXPECT_EQ(first, (std::vector<int32_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
  auto images = read_idx_images(fashion_path("train-images-idx3-ubyte.gz"));
  ASSERT_TRUE(images.ok());
  EXPECT_EQ(sha256_hex(images->pixels),
            "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012");
}

TEST(IdxFashionMnist, GetReturnsOneGrayscaleImageCopiedFromTheFile) {
  QEXP_REQUIRE_FASHION_MNIST();
  auto ds = open_idx_dataset(fashion_path("t10k-images-idx3-ubyte.gz"),
                             fashion_path("t10k-labels-idx1-ubyte.gz"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  auto s = (*ds)->get(0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->image.shape(), (Shape{28, 28, 1}));
  EXPECT_EQ(s->label, 9);
  const auto* p = s->image.data<uint8_t>();
  EXPECT_EQ(std::accumulate(p, p + 784, int64_t{0}), 33456);  // Python: sum(pixels[:784])
  auto last = (*ds)->get(9999);
  ASSERT_TRUE(last.ok());
  const auto* q = last->image.data<uint8_t>();
  EXPECT_EQ(std::accumulate(q, q + 784, int64_t{0}), 24390);
  auto bad = (*ds)->get(10000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kOutOfRange);
}

TEST(Idx, RawAndGzipEncodingsParseToTheSameImages) {
  const IdxImages im = small_images(3, 4, 5);
  const auto raw = encode_idx_images(im);
  for (const auto& bytes : {raw, gz(raw)}) {
    auto r = parse_idx_images(bytes, "x.idx");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->count, 3);
    EXPECT_EQ(r->rows, 4);
    EXPECT_EQ(r->cols, 5);
    EXPECT_EQ(r->pixels, im.pixels);
  }
}

TEST(Idx, WrongMagicNamesTheFileAndBothMagics) {
  const std::vector<uint8_t> labels_file = encode_idx_labels(std::vector<uint8_t>{1, 2, 3});
  auto r = parse_idx_images(labels_file, "train-images.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(),
            "train-images.gz: magic 0x00000801 (IDX labels) is not IDX images (0x00000803); "
            "it has 1 dimensions, images have 3");
  auto junk = parse_idx_labels(std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o', 0, 0, 0}, "l.idx");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("l.idx: magic 0x68656c6c is not IDX labels"),
            std::string::npos)
      << junk.status().message();
}

TEST(Idx, TruncatedDataSaysWhatTheHeaderPromisedAndWhatIsThere) {
  IdxImages im = small_images(60000, 28, 28);
  auto bytes = encode_idx_images(im);
  bytes.resize(16 + 1000);
  auto r = parse_idx_images(gz(bytes), "train-images.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(),
            "train-images.gz: header says 60000 images of 28x28 (47040000 bytes) but the data "
            "has 1000 bytes (truncated)");
}

TEST(Idx, TrailingBytesAndHeaderCountDisagreeingWithSizeAreErrors) {
  auto bytes = encode_idx_labels(std::vector<uint8_t>{1, 2, 3});
  bytes.push_back(7);
  auto r = parse_idx_labels(bytes, "labels.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "labels.idx: header says 3 labels (3 bytes) but the data has 4 bytes "
            "(trailing bytes)");
  // A header count of 5 over 3 bytes of data.
  auto short_count = encode_idx_labels(std::vector<uint8_t>{1, 2, 3});
  short_count[7] = 5;
  auto r2 = parse_idx_labels(short_count, "labels.idx");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("header says 5 labels (5 bytes) but the data has 3"),
            std::string::npos);
}

TEST(Idx, HeaderShorterThanItsDimensionsIsAnError) {
  std::vector<uint8_t> bytes = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0};
  auto r = parse_idx_images(bytes, "short.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "short.idx: 10 bytes is too short for the 16-byte IDX images "
            "header");
}

TEST(Idx, DimensionsWhoseProductOverflowsAreRejected) {
  std::vector<uint8_t> bytes = {0,    0,    8,    3,    0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  auto r = parse_idx_images(bytes, "huge.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflows 64 bits"), std::string::npos);
}

TEST(Idx, GzipOfGarbageIsCorruptData) {
  std::vector<uint8_t> bytes = {0x1f, 0x8b, 8,    0,    0,    0,    0,    0,    0,    3,    0xde,
                                0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  auto r = parse_idx_images(bytes, "garbage.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(r.status().message().starts_with("garbage.gz: ")) << r.status().message();
}

TEST(Idx, TruncatedGzipStreamIsCorruptData) {
  auto compressed = gz(encode_idx_images(small_images(10, 8, 8)));
  compressed.resize(compressed.size() / 2);
  auto r = parse_idx_images(compressed, "cut.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("cut.gz: truncated gzip stream"), std::string::npos)
      << r.status().message();
}

TEST(Idx, GarbageAfterTheGzipStreamIsAnErrorButConcatenatedMembersAreRead) {
  const auto raw = encode_idx_labels(std::vector<uint8_t>{1, 2, 3, 4});
  auto trailing = gz(raw);
  trailing.push_back(0);
  auto r = parse_idx_labels(trailing, "t.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t.gz: 1 bytes of trailing data after the gzip stream");
  // `cat a.gz b.gz`: header in the first member, data in the second.
  auto a = gz(std::vector<uint8_t>(raw.begin(), raw.begin() + 8));
  auto b = gz(std::vector<uint8_t>(raw.begin() + 8, raw.end()));
  a.insert(a.end(), b.begin(), b.end());
  auto joined = parse_idx_labels(a, "joined.gz");
  ASSERT_TRUE(joined.ok()) << joined.status().message();
  EXPECT_EQ(*joined, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(Idx, DecompressionStopsAtTheConfiguredLimit) {
  // 64 MiB of zeros compresses to ~64 KiB: a small zip bomb.
  std::vector<uint8_t> zeros(size_t{64} << 20, 0);
  const auto bomb = gz(zeros);
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  IdxOptions options;
  options.max_bytes = 1 << 20;
  auto r = parse_idx_images(bomb, "bomb.gz", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), "bomb.gz: decompresses to more than the limit of 1048576 bytes");
}

// Found by tests/fuzz/idx (corpus: gzip_isize_4gib.gz): a 29-byte gzip file whose trailer claims
// 4 GiB made gunzip reserve the whole limit (1 GiB by default) before inflating anything.
TEST(Idx, GzipTrailerSizeDoesNotDecideTheAllocation) {
  std::vector<uint8_t> small = gz(std::vector<uint8_t>{0, 0, 8, 1, 0, 0, 0, 1, 5});
  ASSERT_GE(small.size(), 18u);
  for (size_t i = small.size() - 4; i < small.size(); ++i) small[i] = 0xff;  // ISIZE = 2^32 - 1
  const int64_t limit = int64_t{1} << 30;
  EXPECT_LE(gunzip_reserve_hint(small, limit), 1032 * small.size());
  EXPECT_EQ(gunzip_reserve_hint(small, 16), 16u);
  auto r = parse_idx_labels(small, "isize.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  // A genuine 64 KiB stream still gets its exact size reserved.
  const auto zeros = gz(std::vector<uint8_t>(size_t{64} << 10, 0));
  EXPECT_EQ(gunzip_reserve_hint(zeros, limit), size_t{64} << 10);
}

// Untrusted input never crashes: seeded byte flips (mostly in the header) and truncations of
// raw and gzip IDX files parse or fail with a message naming the file.
TEST(Idx, MutatedFilesParseOrFailWithoutCrashing) {
  const auto raw = encode_idx_images(small_images(3, 5, 5));
  const auto compressed = gz(raw);
  SplitMix64 rng(7);
  int failed = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<uint8_t> bytes = trial % 2 ? raw : compressed;
    if (trial % 5 == 0) {
      bytes.resize(rng.below(bytes.size()));
    } else {
      const size_t span = trial % 3 == 0 ? bytes.size() : std::min<size_t>(bytes.size(), 16);
      bytes[rng.below(span)] = static_cast<uint8_t>(rng.next());
    }
    auto r = parse_idx_images(bytes, "fuzz.idx");
    if (!r.ok()) {
      ++failed;
      EXPECT_TRUE(r.status().message().starts_with("fuzz.idx: ")) << r.status().message();
    } else {
      EXPECT_EQ(static_cast<int64_t>(r->pixels.size()), r->count * r->rows * r->cols);
    }
  }
  EXPECT_GT(failed, 100);
}

class IdxDatasetTest : public testing::TempDirTest {};

TEST_F(IdxDatasetTest, ImageAndLabelCountsMustAgreeAndLabelsMustBeInRange) {
  const std::string images = write("i.idx", encode_idx_images(small_images(4, 2, 2)));
  const std::string labels = write("l.idx", encode_idx_labels(std::vector<uint8_t>{0, 1, 2}));
  auto r = open_idx_dataset(images, labels);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), labels + ": has 3 labels but " + images + " has 4 images");

  write("l.idx", encode_idx_labels(std::vector<uint8_t>{0, 1, 2, 12}));
  DatasetOptions options;
  options.num_classes = 10;
  auto out_of_range = open_idx_dataset(images, labels, options);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.status().message(),
            labels + ": item 3: label 12 (label_offset applied) is outside [0, 10)");
}

}  // namespace
}  // namespace qexp::data
