#pragma once
/// Resource limits for untrusted input (issue #8, docs/reliability.md "Limits"): the one place
/// that defines the configurable limits, their names and their defaults.
///
/// The limits are process-wide. The qexp binary sets them once at startup, before any file is
/// read: environment variables `QEXP_LIMIT_<NAME>` (name in upper case) first, then every
/// `--limit NAME=VALUE` option (which wins). Library option structs that carry a limit
/// (GraphDefImportOptions, DecodeOptions, …) take their default from limits() when they are
/// constructed, so an explicit option still overrides the process-wide value.
///
/// Values are byte or element counts: a decimal integer with an optional binary suffix
/// K, M, G or T (2^10 … 2^40), e.g. `max_tflite_bytes=512M`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp {

struct Limits {
  /// Largest .tflite file read (TFLite importer).
  int64_t max_tflite_bytes = int64_t{2} << 30;
  /// Largest frozen GraphDef (.pb) read; also protobuf's total-bytes limit.
  int64_t max_graphdef_bytes = int64_t{1} << 30;
  /// Sum of the element counts of all tensors of one model, constants and activations (checked
  /// by ir::verify, so by both importers and after every pass).
  int64_t max_model_elements = int64_t{1} << 31;
  /// Largest image width × height decoded, checked from the header before OpenCV decodes.
  int64_t max_image_pixels = int64_t{1} << 26;
  /// Largest image width or height, checked the same way.
  int64_t max_image_side = int64_t{1} << 16;
  /// Free space `qexp run` requires in its output directory's file system before it starts;
  /// 0: estimated from the model size and the number of variants (experiment/preflight.h).
  int64_t min_free_disk_bytes = 0;
};

/// The process-wide limits (defaults until changed by set_limit / set_limits_from_environment).
const Limits& limits();

/// The names of every limit, in declaration order ("max_tflite_bytes", …).
std::vector<std::string> limit_names();

/// Sets one limit from "NAME=VALUE". Errors (kInvalidArgument): no '=', an unknown name (the
/// message lists the known ones), a value that is not a positive count (min_free_disk_bytes also
/// takes 0) or that overflows 64 bits.
Status set_limit(std::string_view assignment);

/// Applies every QEXP_LIMIT_<NAME> environment variable that is set (errors name the variable).
Status set_limits_from_environment();

/// `s` unchanged unless it is kResourceExhausted; then its message ends with " (--limit NAME)",
/// telling the user which limit was hit and how to raise it.
Status name_limit(Status s, std::string_view name);

/// Restores the defaults (tests).
void reset_limits();

}  // namespace qexp
