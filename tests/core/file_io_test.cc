#include "framework/core/file_io.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace qexp {
namespace {

std::string temp_dir() {
  auto d = std::filesystem::temp_directory_path() /
           ("qexp_file_io_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(d);
  return d.string();
}

TEST(FileIo, MissingFileIsNotFoundNamingThePath) {
  auto r = read_file("/nonexistent/qexp/file.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "/nonexistent/qexp/file.bin: no such file");
}

TEST(FileIo, AtomicWriteThenRead) {
  std::string path = temp_dir() + "/x.txt";
  ASSERT_TRUE(write_text_file_atomic(path, "hello").ok());
  auto r = read_text_file(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello");
}

TEST(FileIo, SizeLimitIsEnforced) {
  std::string path = temp_dir() + "/big.txt";
  ASSERT_TRUE(write_text_file_atomic(path, std::string(100, 'x')).ok());
  auto r = read_file(path, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(FileIo, DirectoryIsRejected) {
  auto r = read_file(temp_dir());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace qexp
