#include "tools/train/data.h"

#include <algorithm>
#include <vector>

#include "framework/core/strings.h"
#include "framework/data/idx.h"

namespace qexp::train {

Result<Split> load_idx_split(const std::string& images_path, const std::string& labels_path,
                             int64_t limit, int64_t num_classes) {
  QEXP_ASSIGN_OR_RETURN(data::IdxImages images, data::read_idx_images(images_path));
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> labels, data::read_idx_labels(labels_path));
  if (static_cast<int64_t>(labels.size()) != images.count) {
    return invalid_argument(str_cat(labels_path, ": ", labels.size(), " labels, but ", images_path,
                                    " has ", images.count, " images"));
  }
  const int64_t n = limit > 0 ? std::min(limit, images.count) : images.count;
  const int64_t pixels_per_image = images.rows * images.cols;
  Split split;
  split.images = torch::empty({n, 1, images.rows, images.cols}, torch::kFloat32);
  split.labels = torch::empty({n}, torch::kInt64);
  float* dst = split.images.data_ptr<float>();
  for (int64_t i = 0; i < n * pixels_per_image; ++i) {
    dst[i] = pixel_to_input(images.pixels[static_cast<size_t>(i)]);
  }
  int64_t* label_dst = split.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t label = labels[static_cast<size_t>(i)];
    if (label >= num_classes) {
      return invalid_argument(str_cat(labels_path, ": label ", int{label}, " of item ", i,
                                      " is outside [0, ", num_classes, ")"));
    }
    label_dst[i] = label;
  }
  return split;
}

Result<Split> load_fashion_mnist(const std::string& dir, bool train, int64_t limit) {
  const std::string prefix = str_cat(dir, "/", train ? "train" : "t10k");
  return load_idx_split(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz", limit,
                        10);
}

}  // namespace qexp::train
