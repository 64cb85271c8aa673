#pragma once
/// The run journal: `<out>/tasks/`, one file per finished task, each written atomically, so a
/// run killed at any moment leaves only whole task files and `--resume` redoes exactly the
/// unfinished tasks.
///
/// `tasks/run.json` names the resolved config's hash; resuming into a directory whose journal
/// belongs to a different config is an error (results of two experiments never mix).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp::exp {

class Journal {
 public:
  /// Opens (creating) `out_dir/tasks`. Without `resume` every earlier task file is removed
  /// first. With `resume`, an existing journal must carry `config_hash` ("… holds a run of a
  /// different config (…); use another --out or run without --resume").
  static Result<Journal> open(const std::string& out_dir, const std::string& config_hash,
                              bool resume);

  /// Contents of a finished task, or nullopt if it has not finished (or its file is unreadable,
  /// which is treated as unfinished).
  std::optional<std::string> load(std::string_view task) const;
  std::optional<std::vector<uint8_t>> load_bytes(std::string_view task) const;
  /// Records a finished task atomically.
  Status save(std::string_view task, std::string_view text) const;
  Status save_bytes(std::string_view task, std::span<const uint8_t> bytes) const;

  const std::string& dir() const { return dir_; }

 private:
  explicit Journal(std::string dir) : dir_(std::move(dir)) {}
  std::string path(std::string_view task) const;
  std::string dir_;
};

}  // namespace qexp::exp
