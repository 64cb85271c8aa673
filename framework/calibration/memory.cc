#include "framework/calibration/memory.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace qexp::calib {

ProcessMemory read_process_memory() {
  ProcessMemory m;
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return m;
  char line[256];
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    long long kib = 0;
    if (std::sscanf(line, "VmRSS: %lld kB", &kib) == 1) m.rss_bytes = kib * 1024;
    if (std::sscanf(line, "VmHWM: %lld kB", &kib) == 1) m.hwm_bytes = kib * 1024;
  }
  std::fclose(f);
  return m;
}

PeakRssSampler::PeakRssSampler(int period_ms) : start_(read_process_memory()) {
  peak_ = start_.rss_bytes;
  thread_ = std::thread([this, period_ms] {
    while (!stop_.load()) {
      const int64_t rss = read_process_memory().rss_bytes;
      int64_t seen = peak_.load();
      while (rss > seen && !peak_.compare_exchange_weak(seen, rss)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(period_ms));
    }
  });
}

PeakRssSampler::~PeakRssSampler() { stop(); }

int64_t PeakRssSampler::stop() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
    const ProcessMemory end = read_process_memory();
    int64_t peak = std::max(peak_.load(), end.rss_bytes);
    // A VmHWM that rose during the window is this window's exact peak.
    if (end.hwm_bytes > start_.hwm_bytes) peak = std::max(peak, end.hwm_bytes);
    peak_ = peak;
  }
  return peak_.load();
}

}  // namespace qexp::calib
