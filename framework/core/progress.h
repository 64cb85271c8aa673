#pragma once
/// A progress line on stderr for long loops, shown only when stderr is a terminal.

#include <chrono>
#include <cstdint>
#include <string>

namespace qexp {

class Progress {
 public:
  /// `label` e.g. "eval"; `total` items (0 if unknown).
  Progress(std::string label, int64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Marks `n` more items done; redraws at most ~10 times a second.
  void advance(int64_t n = 1);
  /// Clears the line (also done by the destructor).
  void finish();

 private:
  void draw(bool force);
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace qexp
