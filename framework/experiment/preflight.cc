#include "framework/experiment/preflight.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "framework/core/checked_math.h"
#include "framework/core/limits.h"
#include "framework/core/strings.h"

namespace qexp::exp {
namespace {

namespace fs = std::filesystem;

std::string os_error(int err) { return std::strerror(err); }

Status unusable(const std::string& out_dir, const std::string& why) {
  return failed_precondition(str_cat(out_dir, ": the output directory cannot be written: ", why));
}

/// The nearest path on out_dir's way up that exists (out_dir itself when it does).
Result<std::string> nearest_existing(const std::string& out_dir) {
  fs::path p = fs::path(out_dir.empty() ? "." : out_dir).lexically_normal();
  if (p.is_relative()) p = fs::path(".") / p;
  for (;;) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return unusable(out_dir, str_cat(p.string(), " is not a directory"));
      return p.string();
    }
    if (errno != ENOENT && errno != ENOTDIR) {
      return unusable(out_dir, str_cat(p.string(), ": ", os_error(errno)));
    }
    if (!p.has_parent_path() || p.parent_path() == p) {
      return unusable(out_dir, "no part of the path exists");
    }
    p = p.parent_path();
  }
}

std::string gib(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f GiB", static_cast<double>(bytes) / (1 << 30));
  return text;
}

}  // namespace

int64_t estimate_run_bytes(int64_t model_bytes, int64_t variants) {
  constexpr int64_t kMargin = int64_t{64} << 20;
  int64_t copies = 0, total = 0;
  if (!checked_add(variants, 1, &copies) || !checked_mul(model_bytes, copies, &total) ||
      !checked_add(total, kMargin, &total)) {
    return std::numeric_limits<int64_t>::max();
  }
  return total;
}

Status check_output_dir(const std::string& out_dir, int64_t min_free_bytes) {
  QEXP_ASSIGN_OR_RETURN(std::string dir, nearest_existing(out_dir));
  // Unique across the processes of a sharded run, which may share the directory over NFS.
  char host[64] = {};
  ::gethostname(host, sizeof(host) - 1);
  const std::string probe = str_cat(dir, "/.qexp-write-probe-", host, "-", ::getpid(), "-",
                                    std::chrono::steady_clock::now().time_since_epoch().count());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return unusable(out_dir, str_cat("cannot create a file in ", dir, ": ", os_error(errno)));
  const bool wrote = ::write(fd, "q", 1) == 1;
  const int write_errno = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!wrote)
    return unusable(out_dir, str_cat("cannot write in ", dir, ": ", os_error(write_errno)));
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) {
    return unusable(out_dir, str_cat("cannot read the free space of ", dir, ": ", os_error(errno)));
  }
  int64_t available = 0;
  if (!checked_mul(static_cast<int64_t>(vfs.f_bavail), static_cast<int64_t>(vfs.f_frsize),
                   &available)) {
    available = std::numeric_limits<int64_t>::max();
  }
  if (available < min_free_bytes) {
    return resource_exhausted(str_cat(out_dir, ": not enough free disk space: ", gib(available),
                                      " (", available, " bytes) available, the run needs at least ",
                                      gib(min_free_bytes), " (", min_free_bytes,
                                      " bytes; --limit min_free_disk_bytes)"));
  }
  return ok_status();
}

Status preflight_output_dir(const ExperimentConfig& config, const std::string& out_dir) {
  int64_t need = limits().min_free_disk_bytes;
  if (need == 0) {
    std::error_code ec;
    const auto size = fs::file_size(config.model.resolved_path, ec);
    need = estimate_run_bytes(ec ? 0 : static_cast<int64_t>(size),
                              static_cast<int64_t>(config.variants.size()));
  }
  return check_output_dir(out_dir, need);
}

}  // namespace qexp::exp
