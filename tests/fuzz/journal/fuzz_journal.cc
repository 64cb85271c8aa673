// Fuzz target: the run journal record reader. Each input is written as <tmp>/tasks/run.json, then
// Journal::read_record parses it and Journal::open(kResume) compares it with a fixed record (on a
// record that is already there, open only reads). Any input must end in a Status.

#include <cstdint>
#include <filesystem>
#include <string>

#include "framework/experiment/journal.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace {

const std::string& out_dir() {
  static const qexp::fuzz::TempDir dir("journal");
  static const bool made = std::filesystem::create_directories(dir.path() + "/tasks");
  (void)made;
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = out_dir() + "/tasks/run.json";
  qexp::fuzz::write_input(file, data, size);
  (void)qexp::exp::Journal::read_record(out_dir());
  qexp::exp::RunRecord record;
  record.config_hash = "0123456789abcdef";
  (void)qexp::exp::Journal::open(out_dir(), record, qexp::exp::JournalMode::kResume);
  return 0;
}
