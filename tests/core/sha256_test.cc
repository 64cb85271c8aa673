#include "framework/core/sha256.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "framework/core/file_io.h"

namespace qexp {
namespace {

// Digests from FIPS 180-4 examples and `sha256sum`.
TEST(Sha256, MatchesFipsTestVectors) {
  EXPECT_EQ(sha256_hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      sha256_hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesEqualOneShotAcrossBlockBoundaries) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i % 26);
  const std::string expected = sha256_hex(text);
  for (size_t split = 0; split <= text.size(); split += 7) {
    Sha256 h;
    h.update(std::string_view(text).substr(0, split));
    h.update(std::string_view(text).substr(split));
    EXPECT_EQ(to_hex(h.finish()), expected) << "split at " << split;
  }
}

TEST(Sha256, FileDigestStreamsTheContentsAndNamesMissingFiles) {
  auto dir = std::filesystem::temp_directory_path() / "qexp_sha256_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "abc.txt").string();
  ASSERT_TRUE(write_text_file_atomic(path, "abc").ok());
  auto digest = sha256_file(path);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  auto missing = sha256_file((dir / "missing.bin").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.bin: no such file"), std::string::npos);
}

}  // namespace
}  // namespace qexp
