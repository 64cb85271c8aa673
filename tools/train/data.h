#pragma once
/// Fashion-MNIST (or any IDX image / label pair) as libtorch tensors, read with qexp::data's IDX
/// reader.
///
/// Pixels become float32 `pixel * float(1/255)`, exactly what qexp's `unit` preprocessing preset
/// computes (datasets/fashion_mnist.yaml), so a model trained here sees the same input values that
/// qexp feeds it. No mean / std normalisation.

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "framework/core/status.h"

namespace qexp::train {

/// Where Debian's dataset-fashion-mnist package installs the IDX files.
inline constexpr char kDefaultDataDir[] = "/usr/share/datasets/fashion-mnist";

struct Split {
  torch::Tensor images;  ///< float32 [N, 1, rows, cols] in [0, 1]
  torch::Tensor labels;  ///< int64 [N]
  int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

/// Reads an images + labels IDX pair (raw or gzip) and keeps the first `limit` items (all when
/// limit <= 0). Errors: unreadable / malformed files (naming the path), counts that disagree, a
/// label >= num_classes.
Result<Split> load_idx_split(const std::string& images_path, const std::string& labels_path,
                             int64_t limit, int64_t num_classes);

/// `<dir>/train-images-idx3-ubyte.gz` + labels (train = true) or the t10k pair.
Result<Split> load_fashion_mnist(const std::string& dir, bool train, int64_t limit);

/// Converts uint8 pixels to the model's input values (see the file comment).
inline float pixel_to_input(uint8_t pixel) {
  return static_cast<float>(pixel) * static_cast<float>(1.0 / 255.0);
}

}  // namespace qexp::train
