#pragma once
/// Element types of tensors.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qexp {

enum class DType : uint8_t {
  kFloat32,
  kFloat16,
  kInt8,
  kUInt8,
  kInt16,
  kInt32,
  kInt64,
  kBool,
};

/// Bytes per element.
size_t dtype_size(DType t);
/// Short lower-case name: "float32", "int8", …
std::string_view dtype_name(DType t);
/// Parses dtype_name() output; returns false for an unknown name.
bool parse_dtype(std::string_view name, DType* out);
bool is_integer(DType t);

/// Maps C++ element types to DType.
template <typename T>
struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::kFloat32; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::kInt8; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::kUInt8; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::kInt16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::kInt32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::kInt64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::kBool; };

/// IEEE half conversions (round-to-nearest-even, like numpy / TFLite's converter).
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

}  // namespace qexp
