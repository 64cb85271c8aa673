// Fuzz target: the run journal record reader. Each input is written as <tmp>/tasks/run.json, then
// Journal::read_record parses it and Journal::open(kResume) compares it with a fixed record (on a
// record that is already there, open only reads). Any input must end in a Status.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "framework/experiment/journal.h"

namespace {

/// A private temporary directory, removed at exit.
class TempDir {
 public:
  TempDir() {
    path_ = (std::filesystem::temp_directory_path() / "qexp-fuzz-journal-XXXXXX").string();
    if (mkdtemp(path_.data()) == nullptr) std::abort();
    std::filesystem::create_directories(std::filesystem::path(path_) / "tasks");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& out_dir() {
  static const TempDir dir;
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = out_dir() + "/tasks/run.json";
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  (void)qexp::exp::Journal::read_record(out_dir());
  qexp::exp::RunRecord record;
  record.config_hash = "0123456789abcdef";
  (void)qexp::exp::Journal::open(out_dir(), record, qexp::exp::JournalMode::kResume);
  return 0;
}
