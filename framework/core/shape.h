#pragma once
/// Tensor shapes: a small vector of dimensions (NHWC for images).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "framework/core/status.h"

namespace qexp {

/// Maximum rank qexp accepts from any file.
inline constexpr int kMaxRank = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  int64_t operator[](int i) const { return dims_[static_cast<size_t>(i)]; }
  int64_t& operator[](int i) { return dims_[static_cast<size_t>(i)]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>& mutable_dims() { return dims_; }

  /// Product of the dimensions. Precondition: the shape was validated (non-negative dims, no
  /// overflow); use checked_num_elements() for shapes from untrusted input.
  int64_t num_elements() const;

  /// Product of the dimensions, or an error naming the shape for a negative dimension, a rank
  /// above kMaxRank or a product that overflows 64 bits.
  Result<int64_t> checked_num_elements() const;

  /// "[1,224,224,3]"
  std::string to_string() const;

  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int64_t> dims_;
};

}  // namespace qexp
