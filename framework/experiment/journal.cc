#include "framework/experiment/journal.h"

#include <filesystem>
#include <system_error>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"

namespace qexp::exp {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kRunFile = "run.json";
constexpr int64_t kMaxTaskBytes = int64_t{1} << 30;

std::string run_record(const std::string& config_hash) {
  return str_cat("{\"journal_version\": 1, \"config_sha256\": \"", config_hash, "\"}\n");
}
}  // namespace

Result<Journal> Journal::open(const std::string& out_dir, const std::string& config_hash,
                              bool resume) {
  Journal j((fs::path(out_dir) / "tasks").string());
  QEXP_RETURN_IF_ERROR(make_directories(j.dir_));
  const std::string run = j.path(kRunFile);
  if (resume && file_exists(run)) {
    QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(run, 4096));
    if (text != run_record(config_hash)) {
      return invalid_argument(str_cat(out_dir, ": holds a run of a different config (", run,
                                      " does not match config hash ", config_hash.substr(0, 16),
                                      "…); use another --out or run without --resume"));
    }
    return j;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(j.dir_, ec)) {
    if (entry.is_regular_file()) fs::remove(entry.path(), ec);
  }
  if (ec) return Status(StatusCode::kIoError, str_cat(j.dir_, ": cannot clear: ", ec.message()));
  QEXP_RETURN_IF_ERROR(write_text_file_atomic(run, run_record(config_hash)));
  return j;
}

std::string Journal::path(std::string_view task) const {
  return (fs::path(dir_) / std::string(task)).string();
}

std::optional<std::string> Journal::load(std::string_view task) const {
  const std::string p = path(task);
  if (!file_exists(p)) return std::nullopt;
  auto text = read_text_file(p, kMaxTaskBytes);
  if (!text.ok()) return std::nullopt;
  return std::move(text).value();
}

std::optional<std::vector<uint8_t>> Journal::load_bytes(std::string_view task) const {
  const std::string p = path(task);
  if (!file_exists(p)) return std::nullopt;
  auto bytes = read_file(p, kMaxTaskBytes);
  if (!bytes.ok()) return std::nullopt;
  return std::move(bytes).value();
}

Status Journal::save(std::string_view task, std::string_view text) const {
  return write_text_file_atomic(path(task), text);
}

Status Journal::save_bytes(std::string_view task, std::span<const uint8_t> bytes) const {
  return write_file_atomic(path(task), bytes);
}

}  // namespace qexp::exp
