#include "framework/core/tensor.h"

#include <cstdlib>
#include <new>

namespace qexp {

void* aligned_alloc64(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0) rounded = 64;
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return p;
}

void aligned_free(void* p) { std::free(p); }

void Tensor::Free::operator()(void* p) const { aligned_free(p); }

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype),
      shape_(std::move(shape)),
      bytes_(static_cast<size_t>(shape_.num_elements()) * dtype_size(dtype)),
      data_(aligned_alloc64(bytes_)) {}

Tensor::Tensor(const Tensor& other)
    : dtype_(other.dtype_), shape_(other.shape_), bytes_(other.bytes_),
      data_(other.data_ ? aligned_alloc64(other.bytes_) : nullptr) {
  if (data_) std::memcpy(data_.get(), other.data_.get(), bytes_);
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this != &other) {
    Tensor tmp(other);
    *this = std::move(tmp);
  }
  return *this;
}

}  // namespace qexp
