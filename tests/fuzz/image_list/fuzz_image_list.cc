// Fuzz target: the image-list reader (`<filename> <label>` lines, the labels.txt of an exported
// dataset). Each input is written as <tmp>/input.txt next to a small fixed set of images
// (fuzz_fixture.h) and opened with open_image_list, once failing on bad files and once skipping
// them; the first samples of an opened list are decoded. Inputs that could name files outside
// the fixture (absolute paths, "..") are skipped. Any input must end in a Status.

#include <cstdint>
#include <string>
#include <string_view>

#include "framework/data/readers.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace {

void open_and_read(const std::string& list, qexp::data::OnError on_error) {
  qexp::data::DatasetOptions options;
  options.on_error = on_error;
  options.decode.max_pixels = int64_t{1} << 20;
  auto ds = qexp::data::open_image_list(qexp::fuzz::dataset_fixture_dir(), list, options);
  if (!ds.ok()) return;
  const qexp::data::Dataset& d = **ds;
  if (d.size() <= 0 || d.num_classes() <= 0) __builtin_trap();  // an opened list is never empty
  for (int64_t i = 0; i < d.size() && i < 4; ++i) {
    auto label = d.label(i);
    if (label.ok() && (*label < 0 || *label >= d.num_classes())) __builtin_trap();
    (void)d.get(i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (qexp::fuzz::names_outside(text)) return 0;
  const std::string list = qexp::fuzz::dataset_fixture_dir() + "/input.txt";
  qexp::fuzz::write_input(list, data, size);
  open_and_read(list, qexp::data::OnError::kFail);
  open_and_read(list, qexp::data::OnError::kSkip);
  return 0;
}
