#include "framework/core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace qexp {

Progress::Progress(std::string label, int64_t total)
    : label_(std::move(label)), total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t n) {
  done_ += n;
  if (enabled_) draw(false);
}

void Progress::draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  if (total_ > 0) {
    std::fprintf(stderr, "\r%s: %lld/%lld (%.0f%%) %.1f/s   ", label_.c_str(),
                 static_cast<long long>(done_), static_cast<long long>(total_),
                 100.0 * static_cast<double>(done_) / static_cast<double>(total_), rate);
  } else {
    std::fprintf(stderr, "\r%s: %lld %.1f/s   ", label_.c_str(), static_cast<long long>(done_),
                 rate);
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace qexp
