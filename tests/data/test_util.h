#pragma once
// Helpers shared by the qexp::data tests.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "framework/core/file_io.h"

namespace qexp::data::testing {

inline constexpr char kFashionDir[] = "/usr/share/datasets/fashion-mnist";

inline std::string fashion_path(const std::string& file) {
  return std::string(kFashionDir) + "/" + file;
}

inline bool have_fashion_mnist() {
  return file_exists(fashion_path("t10k-images-idx3-ubyte.gz")) &&
         file_exists(fashion_path("t10k-labels-idx1-ubyte.gz"));
}

#define QEXP_REQUIRE_FASHION_MNIST()                                           \
  do {                                                                         \
    if (!::qexp::data::testing::have_fashion_mnist()) {                        \
      GTEST_SKIP() << "Debian package dataset-fashion-mnist is not installed"; \
    }                                                                          \
  } while (false)

// A fresh directory per test (tests run as separate processes in parallel), removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("qexp_data_") + info->test_suite_name() + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string path(const std::string& relative) const { return (dir_ / relative).string(); }

  // Writes bytes to dir/relative, creating parent folders.
  std::string write(const std::string& relative, const std::vector<uint8_t>& bytes) const {
    const std::string p = path(relative);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    EXPECT_TRUE(write_file_atomic(p, bytes).ok()) << p;
    return p;
  }
  std::string write_text(const std::string& relative, const std::string& text) const {
    return write(relative, std::vector<uint8_t>(text.begin(), text.end()));
  }

  std::filesystem::path dir_;
};

}  // namespace qexp::data::testing
