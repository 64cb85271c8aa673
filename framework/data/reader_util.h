#pragma once
// Internal to framework/data (not installed): class-count resolution shared by the readers.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/data/readers.h"

namespace qexp::data::internal {

struct ClassInfo {
  int num_classes = 0;
  std::vector<std::string> names;  // empty or num_classes entries
};

// Rejects option values no reader accepts (negative class count, absurd label offset).
Status check_options(const DatasetOptions& options, std::string_view what);

// Decides num_classes from the options (explicit count, class_names) or, failing both, from
// `inferred` (the reader's own count). `what` names the dataset in messages.
Result<ClassInfo> resolve_classes(const DatasetOptions& options, int64_t inferred,
                                  std::string_view what);

// Checks labels[i] in [0, num_classes); `where(i)` names item i in the message.
Status check_labels(const std::vector<int32_t>& labels, int num_classes,
                    const std::function<std::string(size_t)>& where);

// Adds a skip to stats (keeping the first 100 messages).
void record_skip(DatasetStats& stats, std::string message);

}  // namespace qexp::data::internal
