#include "framework/data/image_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "framework/data/dataset.h"

namespace qexp::data {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// A small RGB test image with distinct values in every channel.
Tensor test_image(int64_t h, int64_t w, int64_t c) {
  Tensor t(DType::kUInt8, Shape{h, w, c});
  auto* p = t.data<uint8_t>();
  for (int64_t i = 0; i < h * w * c; ++i) p[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  return t;
}

// Hand-written binary PNM (independent of OpenCV's encoder).
std::vector<uint8_t> pnm(const Tensor& t) {
  const Shape& s = t.shape();
  std::string header = (s[2] == 1 ? "P5\n# a comment\n" : "P6\n") + std::to_string(s[1]) + " " +
                       std::to_string(s[0]) + "\n255\n";
  std::vector<uint8_t> out = bytes_of(header);
  out.insert(out.end(), t.data<uint8_t>(), t.data<uint8_t>() + t.num_elements());
  return out;
}

// Hand-written 24-bit bottom-up BMP (BITMAPINFOHEADER), rows padded to 4 bytes, BGR order.
std::vector<uint8_t> bmp24(const Tensor& t) {
  const int64_t h = t.shape()[0], w = t.shape()[1];
  const int64_t stride = (w * 3 + 3) / 4 * 4;
  std::vector<uint8_t> out(54 + static_cast<size_t>(stride * h), 0);
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  out[0] = 'B';
  out[1] = 'M';
  put32(2, static_cast<uint32_t>(out.size()));
  put32(10, 54);
  put32(14, 40);
  put32(18, static_cast<uint32_t>(w));
  put32(22, static_cast<uint32_t>(h));
  out[26] = 1;
  out[28] = 24;
  const auto* p = t.data<uint8_t>();
  for (int64_t y = 0; y < h; ++y) {
    uint8_t* row = out.data() + 54 + (h - 1 - y) * stride;
    for (int64_t x = 0; x < w; ++x) {
      const uint8_t* px = p + (y * w + x) * 3;
      row[x * 3] = px[2];
      row[x * 3 + 1] = px[1];
      row[x * 3 + 2] = px[0];
    }
  }
  return out;
}

bool same_pixels(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.byte_size()) == 0;
}

TEST(ImageSignature, AllowListAcceptsPngJpegBmpAndBinaryPnm) {
  const Tensor rgb = test_image(5, 7, 3);
  EXPECT_EQ(sniff_image_format(*encode_image(rgb.view(), ImageFormat::kPng)), ImageFormat::kPng);
  EXPECT_EQ(sniff_image_format(*encode_image(rgb.view(), ImageFormat::kJpeg)), ImageFormat::kJpeg);
  EXPECT_EQ(sniff_image_format(bmp24(rgb)), ImageFormat::kBmp);
  EXPECT_EQ(sniff_image_format(pnm(rgb)), ImageFormat::kPnm);
  EXPECT_EQ(sniff_image_format(pnm(test_image(2, 2, 1))), ImageFormat::kPnm);
}

TEST(ImageSignature, GifTextAndOtherFormatsAreRejectedWithWhatTheyAre) {
  const std::string gif = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
  Status s = check_image_signature(bytes_of(gif), "photo.png");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "photo.png: not a supported image (it is a GIF file); supported: PNG, "
            "JPEG, BMP, PGM/PPM (P5/P6)");
  s = check_image_signature(bytes_of("hello, I am not a picture\n"), "notes.png");
  EXPECT_EQ(s.message(),
            "notes.png: not a supported image (it is text); supported: PNG, JPEG, "
            "BMP, PGM/PPM (P5/P6)");
  EXPECT_NE(check_image_signature(bytes_of(std::string("II*\0xxxxxxxxxxxx", 16)), "t.tif")
                .message()
                .find("it is a TIFF file"),
            std::string::npos);
  EXPECT_NE(
      check_image_signature(bytes_of(std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)), "w.jpg")
          .message()
          .find("it is a WebP file"),
      std::string::npos);
  EXPECT_NE(check_image_signature(bytes_of("P2\n2 2\n255\n1 2 3 4\n"), "a.pgm")
                .message()
                .find("only binary P5/P6"),
            std::string::npos);
  EXPECT_NE(check_image_signature({}, "empty.png").message().find("the file is empty"),
            std::string::npos);
}

TEST(ImageDecode, PngRoundTripIsLosslessForGrayAndRgb) {
  for (int64_t c : {1, 3}) {
    const Tensor img = test_image(9, 13, c);
    auto png = encode_image(img.view(), ImageFormat::kPng);
    ASSERT_TRUE(png.ok()) << png.status().message();
    auto back = decode_image(*png, "x.png");
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_TRUE(same_pixels(img, *back)) << "channels " << c;
  }
}

TEST(ImageDecode, HandWrittenBmpAndPnmDecodeToTheSameRgbPixels) {
  const Tensor rgb = test_image(3, 5, 3);  // odd width: BMP rows need padding
  auto from_bmp = decode_image(bmp24(rgb), "x.bmp");
  ASSERT_TRUE(from_bmp.ok()) << from_bmp.status().message();
  EXPECT_TRUE(same_pixels(rgb, *from_bmp));
  auto from_ppm = decode_image(pnm(rgb), "x.ppm");
  ASSERT_TRUE(from_ppm.ok()) << from_ppm.status().message();
  EXPECT_TRUE(same_pixels(rgb, *from_ppm));
  const Tensor gray = test_image(4, 6, 1);
  auto from_pgm = decode_image(pnm(gray), "x.pgm");
  ASSERT_TRUE(from_pgm.ok()) << from_pgm.status().message();
  EXPECT_TRUE(same_pixels(gray, *from_pgm));
}

TEST(ImageDecode, JpegKeepsChannelCountAndIsClose) {
  Tensor flat(DType::kUInt8, Shape{16, 16, 3});
  auto* p = flat.data<uint8_t>();
  for (int64_t i = 0; i < flat.num_elements(); ++i)
    p[i] = i % 3 == 0 ? 200 : (i % 3 == 1 ? 100 : 50);
  auto jpg = encode_image(flat.view(), ImageFormat::kJpeg, 100);
  ASSERT_TRUE(jpg.ok());
  auto back = decode_image(*jpg, "x.jpg");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->shape(), (Shape{16, 16, 3}));
  const auto* q = back->data<uint8_t>();
  EXPECT_NEAR(q[0], 200, 3);  // R stays first: BGR→RGB was applied
  EXPECT_NEAR(q[1], 100, 3);
  EXPECT_NEAR(q[2], 50, 3);
}

TEST(ImageDecode, ProbeReadsDimensionsFromHeaders) {
  const Tensor rgb = test_image(7, 11, 3);
  for (ImageFormat f : {ImageFormat::kPng, ImageFormat::kJpeg}) {
    auto info = probe_image(*encode_image(rgb.view(), f), "x");
    ASSERT_TRUE(info.ok()) << info.status().message();
    EXPECT_EQ(info->width, 11);
    EXPECT_EQ(info->height, 7);
  }
  auto bmp = probe_image(bmp24(rgb), "x.bmp");
  ASSERT_TRUE(bmp.ok());
  EXPECT_EQ(bmp->width, 11);
  EXPECT_EQ(bmp->height, 7);
  auto ppm = probe_image(pnm(rgb), "x.ppm");
  ASSERT_TRUE(ppm.ok());
  EXPECT_EQ(ppm->width, 11);
  EXPECT_EQ(ppm->height, 7);
}

TEST(ImageDecode, CorruptPngIsDataLossNamingTheFile) {
  auto png = *encode_image(test_image(8, 8, 3).view(), ImageFormat::kPng);
  std::vector<uint8_t> garbage(png.begin(), png.begin() + 8);
  garbage.insert(garbage.end(), 40, 0x5a);
  auto r = decode_image(garbage, "bad.png");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "bad.png: corrupt PNG: no IHDR chunk after the signature");

  std::vector<uint8_t> truncated(png.begin(), png.begin() + static_cast<ptrdiff_t>(png.size() / 2));
  auto t = decode_image(truncated, "half.png");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(t.status().message().starts_with("half.png: ")) << t.status().message();
}

TEST(ImageDecode, StructuralChecksReportTruncationAndCorruptionBeforeTheCodec) {
  const Tensor rgb = test_image(6, 6, 3);
  auto png = *encode_image(rgb.view(), ImageFormat::kPng);
  png[40] ^= 0xff;  // inside the first chunk after IHDR: its CRC no longer matches
  auto crc = probe_image(png, "crc.png");
  ASSERT_FALSE(crc.ok());
  EXPECT_NE(crc.status().message().find("crc.png: corrupt PNG: CRC mismatch in chunk"),
            std::string::npos)
      << crc.status().message();

  auto jpg = *encode_image(rgb.view(), ImageFormat::kJpeg);
  jpg.resize(jpg.size() - 10);
  auto cut = decode_image(jpg, "cut.jpg");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().message(),
            "cut.jpg: truncated JPEG: no end-of-image marker after the scan data");

  auto bmp = bmp24(rgb);
  bmp.resize(bmp.size() - 1);
  auto short_bmp = decode_image(bmp, "short.bmp");
  ASSERT_FALSE(short_bmp.ok());
  EXPECT_EQ(short_bmp.status().message(),
            "short.bmp: truncated BMP: 6x6 at 24 bits needs 174 bytes, the file has 173");

  auto pgm = pnm(test_image(3, 4, 1));
  pgm.pop_back();
  auto short_pgm = decode_image(pgm, "short.pgm");
  ASSERT_FALSE(short_pgm.ok());
  EXPECT_EQ(short_pgm.status().message(),
            "short.pgm: truncated PGM/PPM: 4x3 needs 12 bytes of samples, the file has 11");
}

TEST(ImageDecode, PixelLimitIsCheckedFromTheHeaderBeforeDecoding) {
  auto png = *encode_image(test_image(100, 100, 1).view(), ImageFormat::kPng);
  DecodeOptions options;
  options.max_pixels = 9999;
  auto r = decode_image(png, "big.png", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "big.png: 100x100 pixels is more than the limit of 9999 (--limit max_image_pixels)");
}

// The process-wide limits (--limit, QEXP_LIMIT_*) are DecodeOptions' defaults.
TEST(ImageDecode, LoweredProcessWideLimitsAreEnforcedAndNamed) {
  auto png = *encode_image(test_image(20, 300, 1).view(), ImageFormat::kPng);
  ASSERT_TRUE(set_limit("max_image_side=256").ok());
  auto wide = decode_image(png, "wide.png");
  reset_limits();
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(wide.status().message(),
            "wide.png: 300x20 pixels: a side is longer than the limit of 256 (--limit "
            "max_image_side)");
  ASSERT_TRUE(set_limit("max_image_pixels=5999").ok());
  auto many = decode_image(png, "wide.png");
  reset_limits();
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().message(),
            "wide.png: 300x20 pixels is more than the limit of 5999 (--limit max_image_pixels)");
  EXPECT_TRUE(decode_image(png, "wide.png").ok());
}

TEST(ImageEncode, RejectsWrongDtypeAndChannelCount) {
  Tensor f(DType::kFloat32, Shape{2, 2, 3});
  EXPECT_FALSE(encode_image(f.view(), ImageFormat::kPng).ok());
  Tensor four(DType::kUInt8, Shape{2, 2, 4});
  EXPECT_FALSE(encode_image(four.view(), ImageFormat::kPng).ok());
  EXPECT_FALSE(encode_image(test_image(2, 2, 1).view(), ImageFormat::kBmp).ok());
}

}  // namespace
}  // namespace qexp::data

namespace qexp::data {
namespace {

// Untrusted input never crashes: seeded byte flips and truncations of every allowed format
// either decode or return an error (run under ASan/UBSan in the sanitizer build).
TEST(ImageDecode, MutatedFilesDecodeOrFailWithoutCrashing) {
  const Tensor rgb = test_image(12, 10, 3);
  const std::vector<std::vector<uint8_t>> files = {*encode_image(rgb.view(), ImageFormat::kPng),
                                                   *encode_image(rgb.view(), ImageFormat::kJpeg),
                                                   bmp24(rgb), pnm(rgb)};
  SplitMix64 rng(2024);
  int decoded = 0, failed = 0;
  for (const auto& original : files) {
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<uint8_t> bytes = original;
      if (trial % 4 == 0) {
        bytes.resize(rng.below(bytes.size()));
      } else {
        for (int k = 0; k < 1 + trial % 3; ++k) {
          bytes[rng.below(bytes.size())] = static_cast<uint8_t>(rng.next());
        }
      }
      auto r = decode_image(bytes, "fuzz");
      if (r.ok()) {
        ++decoded;
        EXPECT_EQ(r->shape().rank(), 3);
      } else {
        ++failed;
        EXPECT_TRUE(r.status().message().starts_with("fuzz: ")) << r.status().message();
      }
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_EQ(decoded + failed, 800);
}

}  // namespace
}  // namespace qexp::data
