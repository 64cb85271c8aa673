#include <algorithm>
#include <atomic>
#include <cstring>

#include "framework/core/strings.h"
#include "framework/data/reader_util.h"
#include "framework/data/readers.h"

namespace qexp::data {
namespace {

class IdxDataset final : public Dataset {
 public:
  IdxDataset(std::string images_path, IdxImages images, std::vector<int32_t> labels,
             internal::ClassInfo classes)
      : images_path_(std::move(images_path)),
        images_(std::move(images)),
        labels_(std::move(labels)),
        classes_(std::move(classes)) {}

  int64_t size() const override { return images_.count; }
  int num_classes() const override { return classes_.num_classes; }
  const std::vector<std::string>& class_names() const override { return classes_.names; }

  Result<Sample> get(int64_t index) const override {
    if (Status s = check_index(index); !s.ok()) {
      ++failures_;
      return s;
    }
    Sample s;
    s.index = index;
    s.label = labels_[static_cast<size_t>(index)];
    s.image = Tensor(DType::kUInt8, Shape{images_.rows, images_.cols, 1});
    const size_t n = static_cast<size_t>(images_.rows * images_.cols);
    std::memcpy(s.image.raw(), images_.pixels.data() + static_cast<size_t>(index) * n, n);
    return s;
  }

  Result<int32_t> label(int64_t index) const override {
    QEXP_RETURN_IF_ERROR(check_index(index));
    return labels_[static_cast<size_t>(index)];
  }

  std::string source(int64_t index) const override {
    return str_cat(images_path_, "[", index, "]");
  }

  DatasetStats stats() const override {
    DatasetStats s;
    s.size = size();
    s.get_failures = failures_.load();
    return s;
  }

 private:
  Status check_index(int64_t index) const {
    if (index >= 0 && index < size()) return ok_status();
    return out_of_range(str_cat(images_path_, ": index ", index, " is outside [0, ", size(), ")"));
  }

  std::string images_path_;
  IdxImages images_;
  std::vector<int32_t> labels_;
  internal::ClassInfo classes_;
  mutable std::atomic<int64_t> failures_{0};
};

}  // namespace

Result<std::unique_ptr<Dataset>> open_idx_dataset(const std::string& images_path,
                                                  const std::string& labels_path,
                                                  const DatasetOptions& options) {
  QEXP_RETURN_IF_ERROR(internal::check_options(options, images_path));
  QEXP_ASSIGN_OR_RETURN(IdxImages images, read_idx_images(images_path, options.idx));
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> raw_labels, read_idx_labels(labels_path, options.idx));
  if (static_cast<int64_t>(raw_labels.size()) != images.count) {
    return data_loss(str_cat(labels_path, ": has ", raw_labels.size(), " labels but ", images_path,
                             " has ", images.count, " images"));
  }
  std::vector<int32_t> labels(raw_labels.size());
  int64_t max_label = -1;
  for (size_t i = 0; i < labels.size(); ++i) {
    labels[i] = int32_t{raw_labels[i]} + options.label_offset;
    max_label = std::max<int64_t>(max_label, labels[i]);
  }
  QEXP_ASSIGN_OR_RETURN(internal::ClassInfo classes,
                        internal::resolve_classes(options, max_label + 1, labels_path));
  QEXP_RETURN_IF_ERROR(internal::check_labels(
      labels, classes.num_classes, [&](size_t i) { return str_cat(labels_path, ": item ", i); }));
  return std::unique_ptr<Dataset>(
      new IdxDataset(images_path, std::move(images), std::move(labels), std::move(classes)));
}

}  // namespace qexp::data
