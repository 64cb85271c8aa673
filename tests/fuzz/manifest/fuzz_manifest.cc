// Fuzz target: the dataset manifest. Each input is parsed by parse_manifest as <tmp>/m.yaml (no
// file access); when that succeeds and every split names only files under <tmp>, which holds a
// small fixed dataset tree (fuzz_fixture.h: images, an image folder, an IDX pair, an image list),
// each split is opened with open_dataset (existence and SHA-256 checks, the reader) and its first
// sample read. Any input must end in a Status.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "framework/data/manifest.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace {

bool inside_fixture(const qexp::data::ManifestPath& p) {
  if (p.path.empty()) return true;
  const std::string normal = std::filesystem::path(p.path).lexically_normal().string();
  if (normal.find("..") != std::string::npos) return false;
  return normal == qexp::fuzz::dataset_fixture_dir() ||
         normal.rfind(qexp::fuzz::dataset_fixture_dir() + "/", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = qexp::data::parse_manifest(text, qexp::fuzz::dataset_fixture_dir() + "/m.yaml");
  if (!manifest.ok()) return 0;
  for (const qexp::data::SplitFiles& s : manifest->splits) {
    for (const auto* p : {&s.images, &s.labels, &s.root, &s.list}) {
      if (!inside_fixture(*p)) return 0;
    }
  }
  for (const qexp::data::SplitFiles& s : manifest->splits) {
    auto ds = qexp::data::open_dataset(*manifest, s.name);
    if (ds.ok() && (*ds)->size() > 0) (void)(*ds)->get(0);
  }
  return 0;
}
