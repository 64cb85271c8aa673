#include "framework/core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "framework/core/strings.h"

namespace qexp {
namespace {

std::string os_error() { return std::strerror(errno); }

Status write_all(int fd, const uint8_t* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return io_error(str_cat(path, ": cannot write: ", os_error()));
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return ok_status();
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path, int64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return not_found(str_cat(path, ": no such file"));
    return io_error(str_cat(path, ": cannot open: ", os_error()));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return io_error(str_cat(path, ": cannot stat: ", os_error()));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return invalid_argument(str_cat(path, ": is a directory, expected a file"));
  }
  if (S_ISREG(st.st_mode) && st.st_size > max_bytes) {
    ::close(fd);
    return resource_exhausted(str_cat(path, ": file has ", st.st_size, " bytes, the limit is ",
                                      max_bytes));
  }
  std::vector<uint8_t> out;
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[65536];
  while (true) {
    ssize_t r = ::read(fd, buf, sizeof(buf));
    if (r < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return io_error(str_cat(path, ": cannot read: ", os_error()));
    }
    if (r == 0) break;
    if (static_cast<int64_t>(out.size()) + r > max_bytes) {
      ::close(fd);
      return resource_exhausted(str_cat(path, ": file is larger than the limit of ", max_bytes,
                                        " bytes"));
    }
    out.insert(out.end(), buf, buf + r);
  }
  ::close(fd);
  return out;
}

Result<std::string> read_text_file(const std::string& path, int64_t max_bytes) {
  QEXP_ASSIGN_OR_RETURN(auto bytes, read_file(path, max_bytes));
  return std::string(bytes.begin(), bytes.end());
}

Status write_file_atomic(const std::string& path, std::span<const uint8_t> bytes) {
  std::string tmp = str_cat(path, ".tmp.", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(str_cat(path, ": cannot create: ", os_error()));
  Status s = write_all(fd, bytes.data(), bytes.size(), path);
  if (s.ok() && ::fsync(fd) != 0) s = io_error(str_cat(path, ": cannot sync: ", os_error()));
  if (::close(fd) != 0 && s.ok()) s = io_error(str_cat(path, ": cannot close: ", os_error()));
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = io_error(str_cat(path, ": cannot rename temporary file: ", os_error()));
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Status write_text_file_atomic(const std::string& path, std::string_view text) {
  return write_file_atomic(
      path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Status make_directories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return io_error(str_cat(path, ": cannot create directory: ", ec.message()));
  return ok_status();
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace qexp
