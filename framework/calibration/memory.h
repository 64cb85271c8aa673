#pragma once
/// Process memory as Linux reports it in /proc/self/status, for calibration cost reports.

#include <atomic>
#include <cstdint>
#include <thread>

namespace qexp::calib {

struct ProcessMemory {
  int64_t rss_bytes = 0;  ///< VmRSS: resident now
  int64_t hwm_bytes = 0;  ///< VmHWM: highest resident so far in the process
};

/// Reads VmRSS and VmHWM; zeros where /proc is unavailable.
ProcessMemory read_process_memory();

/// Samples VmRSS on a background thread every `period_ms` until stopped, keeping the highest
/// value; VmHWM cannot be reset without side effects, so a peak inside a window is measured
/// this way (and by VmHWM when VmHWM rose during the window).
class PeakRssSampler {
 public:
  explicit PeakRssSampler(int period_ms = 5);
  ~PeakRssSampler();
  PeakRssSampler(const PeakRssSampler&) = delete;
  PeakRssSampler& operator=(const PeakRssSampler&) = delete;

  int64_t start_rss_bytes() const { return start_.rss_bytes; }
  /// Stops sampling (idempotent) and returns the peak resident bytes seen in the window.
  int64_t stop();

 private:
  ProcessMemory start_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_{0};
  std::thread thread_;
};

}  // namespace qexp::calib
