#include "framework/experiment/journal.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"

namespace qexp::exp {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kRunFile = "run.json";
constexpr int64_t kMaxTaskBytes = int64_t{1} << 30;

std::string record_text(const RunRecord& r) {
  nlohmann::json j = {{"journal_version", 1},
                      {"config_sha256", r.config_hash},
                      {"config_path", r.config_path},
                      {"overrides", r.overrides},
                      {"plugin_files", r.plugin_files}};
  return j.dump(2) + "\n";
}

Result<RunRecord> parse_record(const std::string& file) {
  QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(file, 1 << 20));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  RunRecord r;
  auto strings = [&](const char* key, std::vector<std::string>* out) {
    if (!j.contains(key) || !j[key].is_array()) return false;
    for (const auto& s : j[key]) {
      if (!s.is_string()) return false;
      out->push_back(s.get<std::string>());
    }
    return true;
  };
  const auto version_is_1 = [&] {
    return j.is_object() && j.contains("journal_version") &&
           j["journal_version"].is_number_integer() && j["journal_version"].get<int64_t>() == 1;
  };
  if (j.is_discarded() || !j.is_object() || !version_is_1() ||
      !j.contains("config_sha256") || !j["config_sha256"].is_string() ||
      !j.contains("config_path") || !j["config_path"].is_string() ||
      !strings("overrides", &r.overrides) || !strings("plugin_files", &r.plugin_files)) {
    return Status(StatusCode::kDataLoss,
                  str_cat(file, ": not a qexp run journal record (expected journal_version 1 "
                                "with config_sha256, config_path, overrides, plugin_files)"));
  }
  r.config_hash = j["config_sha256"].get<std::string>();
  r.config_path = j["config_path"].get<std::string>();
  return r;
}

}  // namespace

Result<Journal> Journal::open(const std::string& out_dir, const RunRecord& record,
                              JournalMode mode) {
  Journal j((fs::path(out_dir) / "tasks").string());
  QEXP_RETURN_IF_ERROR(make_directories(j.dir_));
  const std::string run = j.path(kRunFile);
  if (mode != JournalMode::kFresh && file_exists(run)) {
    Result<RunRecord> old = parse_record(run);
    if (!old.ok() || old.value().config_hash != record.config_hash) {
      return invalid_argument(str_cat(out_dir, ": holds a run of a different config (", run,
                                      " does not match config hash ",
                                      record.config_hash.substr(0, 16),
                                      "…); use another --out or run without --resume"));
    }
    return j;
  }
  if (mode == JournalMode::kFresh) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(j.dir_, ec)) {
      if (entry.is_regular_file()) fs::remove(entry.path(), ec);
    }
    if (ec) return Status(StatusCode::kIoError, str_cat(j.dir_, ": cannot clear: ", ec.message()));
  }
  QEXP_RETURN_IF_ERROR(write_text_file_atomic(run, record_text(record)));
  return j;
}

Result<RunRecord> Journal::read_record(const std::string& out_dir) {
  const std::string file = (fs::path(out_dir) / "tasks" / std::string(kRunFile)).string();
  if (!file_exists(file)) {
    return not_found(str_cat(out_dir, ": no qexp run journal (", file, " does not exist)"));
  }
  return parse_record(file);
}

std::string Journal::path(std::string_view task) const {
  return (fs::path(dir_) / std::string(task)).string();
}

bool Journal::has(std::string_view task) const { return file_exists(path(task)); }

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

Result<int64_t> Journal::absorb(const std::string& other_out_dir,
                                const std::string& config_hash) const {
  QEXP_ASSIGN_OR_RETURN(RunRecord other, read_record(other_out_dir));
  if (other.config_hash != config_hash) {
    return invalid_argument(str_cat(other_out_dir, ": holds a run of a different config (hash ",
                                    other.config_hash.substr(0, 16), "…, expected ",
                                    config_hash.substr(0, 16), "…)"));
  }
  int64_t copied = 0;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(other_out_dir) / "tasks", ec)) {
    if (e.is_regular_file() && e.path().filename() != kRunFile &&
        e.path().filename().string().find(".tmp") == std::string::npos) {
      files.push_back(e.path());
    }
  }
  if (ec) return Status(StatusCode::kIoError, str_cat(other_out_dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string name = f.filename().string();
    if (has(name)) continue;
    QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_file(f.string(), kMaxTaskBytes));
    QEXP_RETURN_IF_ERROR(save_bytes(name, bytes));
    ++copied;
  }
  return copied;
}

}  // namespace qexp::exp
