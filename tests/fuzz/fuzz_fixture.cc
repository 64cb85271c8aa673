#include "tests/fuzz/fuzz_fixture.h"

#include <vector>

#include "framework/data/idx.h"
#include "framework/data/image_codec.h"

namespace qexp::fuzz {
namespace {

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  write_input(path, bytes.data(), bytes.size());
}

std::vector<uint8_t> png(int64_t h, int64_t w, int64_t c) {
  Tensor t(DType::kUInt8, Shape{h, w, c});
  for (int64_t i = 0; i < h * w * c; ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(i * 29 + 7);
  auto bytes = data::encode_image(t.view(), data::ImageFormat::kPng);
  if (!bytes.ok()) std::abort();
  return *bytes;
}

void write_dataset_fixture(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(dir) / "folder" / "cls0");
  fs::create_directories(fs::path(dir) / "folder" / "cls1");
  const std::vector<uint8_t> pgm = {'P', '5', '\n', '2', ' ', '2', '\n', '2',
                                    '5', '5', '\n', 0,   64,  128, 255};
  write_bytes(dir + "/a.png", png(3, 4, 3));
  write_bytes(dir + "/b.pgm", pgm);
  write_bytes(dir + "/c d.png", png(2, 2, 1));
  write_bytes(dir + "/notimage.txt", {'h', 'e', 'l', 'l', 'o', '\n'});
  write_bytes(dir + "/folder/cls0/x.png", png(2, 3, 1));
  write_bytes(dir + "/folder/cls1/y.pgm", pgm);
  data::IdxImages images{2, 2, 2, {0, 1, 2, 3, 4, 5, 6, 7}};
  write_bytes(dir + "/images.idx", data::encode_idx_images(images));
  const std::vector<uint8_t> labels = {0, 1};
  write_bytes(dir + "/labels.idx", data::encode_idx_labels(labels));
  const std::string list = "a.png 0\nb.pgm 1\n";
  write_bytes(dir + "/list.txt", std::vector<uint8_t>(list.begin(), list.end()));
}

}  // namespace

const std::string& dataset_fixture_dir() {
  static const TempDir dir("dataset");
  static const bool written = (write_dataset_fixture(dir.path()), true);
  (void)written;
  return dir.path();
}

}  // namespace qexp::fuzz
