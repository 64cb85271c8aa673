#include "framework/data/reader_util.h"

#include "framework/core/strings.h"

namespace qexp::data::internal {

Status check_options(const DatasetOptions& options, std::string_view what) {
  constexpr int kLimit = 1 << 24;
  if (options.num_classes < 0 || options.num_classes > kLimit) {
    return invalid_argument(
        str_cat(what, ": num_classes ", options.num_classes, " is outside [0, ", kLimit, "]"));
  }
  if (options.label_offset < -kLimit || options.label_offset > kLimit) {
    return invalid_argument(str_cat(what, ": label_offset ", options.label_offset, " is outside [",
                                    -kLimit, ", ", kLimit, "]"));
  }
  return ok_status();
}

Result<ClassInfo> resolve_classes(const DatasetOptions& options, int64_t inferred,
                                  std::string_view what) {
  ClassInfo info;
  const auto named = static_cast<int64_t>(options.class_names.size());
  QEXP_RETURN_IF_ERROR(check_options(options, what));
  if (options.num_classes > 0 && named > 0 && named != options.num_classes) {
    return invalid_argument(
        str_cat(what, ": ", named, " class names given for num_classes ", options.num_classes));
  }
  int64_t n = options.num_classes > 0 ? options.num_classes : named > 0 ? named : inferred;
  if (n <= 0 || n > (int64_t{1} << 24)) {
    return invalid_argument(str_cat(what, ": cannot use ", n, " classes"));
  }
  info.num_classes = static_cast<int>(n);
  info.names = options.class_names;
  return info;
}

Status check_labels(const std::vector<int32_t>& labels, int num_classes,
                    const std::function<std::string(size_t)>& where) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      return invalid_argument(str_cat(where(i), ": label ", labels[i],
                                      " (label_offset applied) is outside [0, ", num_classes, ")"));
    }
  }
  return ok_status();
}

void record_skip(DatasetStats& stats, std::string message) {
  ++stats.skipped;
  if (stats.skip_messages.size() < 100) stats.skip_messages.push_back(std::move(message));
}

}  // namespace qexp::data::internal
