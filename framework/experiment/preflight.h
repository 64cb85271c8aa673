#pragma once
/// Checks `qexp run` makes on its output directory before any work starts (issue #8, acceptance
/// 4): a run that would fail hours later because the directory cannot be written, or because the
/// disk fills up, fails at once instead — one error line naming the directory, nothing written.

#include <cstdint>
#include <string>

#include "framework/core/status.h"
#include "framework/experiment/config.h"

namespace qexp::exp {

/// Free space a run needs when limits().min_free_disk_bytes is 0 (the default): the model file
/// once per variant plus once more (each variant's .tflite is at most the float model's size) and
/// a 64 MiB margin for the journal and the reports.
int64_t estimate_run_bytes(int64_t model_bytes, int64_t variants);

/// Checks, writing nothing that stays, that `out_dir` can be used: the nearest existing
/// directory on its path (out_dir itself when it exists) must be a directory in which a probe
/// file can be created and removed, and its file system must have at least `min_free_bytes`
/// available to unprivileged users. Errors name out_dir: kFailedPrecondition for a path that
/// runs through a file or a directory that cannot be written, kResourceExhausted for too little
/// free space.
Status check_output_dir(const std::string& out_dir, int64_t min_free_bytes);

/// check_output_dir with limits().min_free_disk_bytes, or estimate_run_bytes from the model file
/// size and the number of variants when that limit is 0.
Status preflight_output_dir(const ExperimentConfig& config, const std::string& out_dir);

}  // namespace qexp::exp
