#pragma once
/// Tensor (owning, 64-byte aligned) and TensorView (non-owning) buffers.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "framework/core/dtype.h"
#include "framework/core/shape.h"

namespace qexp {

/// A non-owning view of a dense, row-major tensor. Cheap to copy.
class TensorView {
 public:
  TensorView() = default;
  TensorView(DType dtype, Shape shape, void* data)
      : dtype_(dtype), shape_(std::move(shape)), data_(data) {}

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t num_elements() const { return shape_.num_elements(); }
  size_t byte_size() const { return static_cast<size_t>(num_elements()) * dtype_size(dtype_); }
  void* raw() const { return data_; }
  std::span<const uint8_t> bytes() const {
    return {static_cast<const uint8_t*>(data_), byte_size()};
  }

  /// Typed access. Precondition: DTypeOf<T> matches dtype() (checked in debug builds).
  template <typename T>
  T* data() const {
    return static_cast<T*>(data_);
  }

 private:
  DType dtype_ = DType::kFloat32;
  Shape shape_;
  void* data_ = nullptr;
};

/// An owning tensor with 64-byte aligned storage, zero-initialised.
class Tensor {
 public:
  Tensor() = default;
  /// Precondition: shape validated (see Shape::checked_num_elements).
  Tensor(DType dtype, Shape shape);
  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t num_elements() const { return shape_.num_elements(); }
  size_t byte_size() const { return bytes_; }
  void* raw() { return data_.get(); }
  const void* raw() const { return data_.get(); }
  template <typename T>
  T* data() {
    return static_cast<T*>(raw());
  }
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(raw());
  }
  TensorView view() { return TensorView(dtype_, shape_, raw()); }
  TensorView view() const { return TensorView(dtype_, shape_, const_cast<void*>(raw())); }

 private:
  struct Free {
    void operator()(void* p) const;
  };
  DType dtype_ = DType::kFloat32;
  Shape shape_;
  size_t bytes_ = 0;
  std::unique_ptr<void, Free> data_;
};

/// Allocates `bytes` zeroed bytes aligned to 64; free with aligned_free.
void* aligned_alloc64(size_t bytes);
void aligned_free(void* p);

}  // namespace qexp
