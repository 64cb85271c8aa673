#pragma once
// Helpers shared by the fuzz targets that read files from disk (journal, image_list, manifest):
// a private temporary directory removed at exit, writing an input into it, and a small fixed
// dataset tree (images, an image folder, an IDX pair, an image list) the inputs can refer to.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace qexp::fuzz {

/// A private temporary directory, removed at exit.
class TempDir {
 public:
  explicit TempDir(std::string_view name) {
    path_ =
        (std::filesystem::temp_directory_path() / ("qexp-fuzz-" + std::string(name) + "-XXXXXX"))
            .string();
    if (mkdtemp(path_.data()) == nullptr) std::abort();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Writes `size` bytes to `path` (replacing it); aborts on failure (a harness problem, not a
/// finding).
inline void write_input(const std::string& path, const uint8_t* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

/// True when `text` may name a file outside the fixture directory: an absolute path (a token
/// starting with '/') or a parent reference (".."). Such inputs are skipped, so the fuzzer cannot
/// make the target read /dev or /proc.
inline bool names_outside(std::string_view text) {
  if (text.find("..") != std::string_view::npos) return true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '/' && (i == 0 || std::string_view(" \t\r\n:[{,-\"'").find(text[i - 1]) !=
                                         std::string_view::npos)) {
      return true;
    }
  }
  return false;
}

/// A temporary directory (removed at exit) holding, created on the first call: a.png (3x4 RGB),
/// b.pgm (2x2 gray), "c d.png" (a name with a space), notimage.txt, folder/cls0/x.png,
/// folder/cls1/y.pgm, images.idx + labels.idx (two 2x2 images, labels 0 and 1) and list.txt
/// ("a.png 0", "b.pgm 1"). Defined in fuzz_fixture.cc.
const std::string& dataset_fixture_dir();

}  // namespace qexp::fuzz
