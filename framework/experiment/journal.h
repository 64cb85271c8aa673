#pragma once
/// The run journal: `<out>/tasks/`, one file per finished task, each written atomically, so a
/// run killed at any moment leaves only whole task files and `--resume` redoes exactly the
/// unfinished tasks. Several processes (shards, MPI ranks) may share one journal: they write
/// different task files, and a task two of them compute gets the same bytes either way.
///
/// `tasks/run.json` records which experiment the tasks belong to (the resolved config's hash,
/// and how to load the config again for `qexp merge`). Joining a journal that belongs to a
/// different config is an error: results of two experiments never mix.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp::exp {

/// What `tasks/run.json` holds.
struct RunRecord {
  std::string config_hash;
  std::string config_path;                  ///< absolute path of the config file
  std::vector<std::string> overrides;       ///< --set expressions
  std::vector<std::string> plugin_files;    ///< --plugin files (absolute)
};

enum class JournalMode {
  kFresh,   ///< remove every earlier task file first
  kResume,  ///< keep finished tasks; an existing journal must belong to the same config
  kShared,  ///< like kResume, for processes sharing the directory (shards, MPI ranks)
};

class Journal {
 public:
  /// Opens (creating) `out_dir/tasks` and writes run.json from `record`. Errors: a journal of
  /// another config in kResume / kShared mode ("… holds a run of a different config (…); use
  /// another --out or run without --resume"), file-system errors naming the path.
  static Result<Journal> open(const std::string& out_dir, const RunRecord& record,
                              JournalMode mode);
  /// Reads `out_dir/tasks/run.json`. Errors: missing or malformed, naming the file.
  static Result<RunRecord> read_record(const std::string& out_dir);

  /// Contents of a finished task, or nullopt if it has not finished (or its file is unreadable,
  /// which is treated as unfinished).
  std::optional<std::string> load(std::string_view task) const;
  std::optional<std::vector<uint8_t>> load_bytes(std::string_view task) const;
  bool has(std::string_view task) const;
  /// Records a finished task atomically.
  Status save(std::string_view task, std::string_view text) const;
  Status save_bytes(std::string_view task, std::span<const uint8_t> bytes) const;
  /// Copies into this journal every task file of `other_out_dir`'s journal that this one lacks
  /// (for `qexp merge`). Returns the number copied. Errors: the other journal belongs to a
  /// different config, or cannot be read.
  Result<int64_t> absorb(const std::string& other_out_dir, const std::string& config_hash) const;

  const std::string& dir() const { return dir_; }

 private:
  explicit Journal(std::string dir) : dir_(std::move(dir)) {}
  std::string path(std::string_view task) const;
  std::string dir_;
};

}  // namespace qexp::exp
