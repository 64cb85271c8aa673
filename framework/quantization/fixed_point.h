#pragma once
/// Fixed-point arithmetic of TFLite's integer kernels: the Q0.31 requantization multiplier, both
/// rounding rules (QUANTIZATION.md §2), the 64-bit variant of the int16x8 kernels, and the
/// table helpers of the int8 / int16 nonlinearities.
///
/// Everything here is integer-exact and platform independent: the same inputs give the same bits
/// on every machine. Shifts of negative values are arithmetic (C++20), and products that TFLite
/// lets wrap in two's complement wrap here too (computed in unsigned arithmetic, never UB).

#include <cstdint>
#include <limits>
#include <string_view>

namespace qexp::quant {

/// How a requantization `x · M` rounds. The two rules differ in the last bit on a small fraction
/// of values; which one a TFLite kernel uses is a measured property of that kernel.
enum class RoundingMode : uint8_t {
  /// gemmlowp style, TFLite's common.h default: SaturatingRoundingDoublingHighMul (rounds at
  /// bit 31, ties up) then RoundingDivideByPOT (ties away from zero).
  kDoubleRounding,
  /// One 64-bit product and one rounding shift, (x·m + 2^(s−1)) >> s: round half up (toward
  /// +∞). TFLITE_SINGLE_ROUNDING builds, ruy's requantization (TFLite's int8 CONV_2D and
  /// FULLY_CONNECTED), and XNNPACK.
  kSingleRounding,
};

/// "double_rounding" / "single_rounding".
std::string_view rounding_mode_name(RoundingMode mode);

/// A real multiplier M ≈ multiplier · 2^(shift − 31), with the mantissa `multiplier` a Q0.31
/// value in [2^30, 2^31) (or 0 for M == 0). `shift` > 0 is a left shift.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
  bool operator==(const QuantizedMultiplier&) const = default;
};

/// TFLite's QuantizeMultiplier: q = frexp(M) in [0.5, 1), multiplier = round(q · 2^31) (half away
/// from zero); a result of exactly 2^31 is halved and the shift incremented; M == 0 gives {0, 0};
/// a shift below −31 (M < ~2^−32) flushes to {0, 0}. Negative M give a negative mantissa, as in
/// TFLite. Precondition: M is finite.
QuantizedMultiplier quantize_multiplier(double real_multiplier);

/// multiplier · 2^(shift − 31) as a double (exact).
double dequantize_multiplier(QuantizedMultiplier m);

/// gemmlowp's SaturatingRoundingDoublingHighMul: a·b / 2^31 rounded to nearest. The nudge
/// (2^30 for a·b >= 0, 1 − 2^30 below) with truncating division makes ties round toward +∞
/// (0.5 → 1, −0.5 → 0, −1.5 → −1). The one overflow case a == b == INT32_MIN saturates to
/// INT32_MAX.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::max();
  }
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  // Division truncates toward zero; with the sign-dependent nudge this is floor(ab/2^31 + 1/2).
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
/// Precondition: 0 <= exponent <= 31.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// x · 2^left_shift with two's-complement wrap-around (TFLite's `x * (1 << left_shift)`).
inline int32_t wrapping_shift_left(int32_t x, int left_shift) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
}

/// Double rounding (TFLite's MultiplyByQuantizedMultiplier without TFLITE_SINGLE_ROUNDING):
/// RoundingDivideByPOT(SRDHM(x · 2^max(shift,0), multiplier), max(−shift, 0)).
/// Precondition: −31 <= shift <= 31.
inline int32_t multiply_by_quantized_multiplier_double_rounding(int32_t x, QuantizedMultiplier m) {
  const int left_shift = m.shift > 0 ? m.shift : 0;
  const int right_shift = m.shift > 0 ? 0 : -m.shift;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(wrapping_shift_left(x, left_shift), m.multiplier),
      right_shift);
}

/// Single rounding: (x · multiplier + 2^(t−1)) >> t with t = 31 − shift, in 64 bits. A result
/// outside int32 (only possible for M > 1 and huge x, where TFLite's behaviour is undefined)
/// saturates. Precondition: −31 <= shift <= 30.
inline int32_t multiply_by_quantized_multiplier_single_rounding(int32_t x, QuantizedMultiplier m) {
  const int total_shift = 31 - m.shift;
  const int64_t round = int64_t{1} << (total_shift - 1);
  const int64_t result = (static_cast<int64_t>(x) * m.multiplier + round) >> total_shift;
  if (result > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (result < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(result);
}

/// x · M rounded by `mode`.
inline int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier m,
                                                RoundingMode mode) {
  return mode == RoundingMode::kSingleRounding
             ? multiply_by_quantized_multiplier_single_rounding(x, m)
             : multiply_by_quantized_multiplier_double_rounding(x, m);
}

/// The 64-bit-accumulator variant of the int16x8 kernels (TFLite's MultiplyByQuantizedMultiplier
/// for int64 x, identical in both rounding builds): the mantissa is reduced to 16 bits,
/// r = (multiplier + 2^15) >> 16 (0x7FFF when multiplier >= 0x7FFF0000), then
/// (x · r + 2^(t−1)) >> t with t = 15 − shift — single rounding, ties toward +∞. A result
/// outside int32 saturates. TFLite requires |x| < 2^47; larger x (only from absurd int64
/// biases) are saturated to that range first, so x · r never overflows. Preconditions:
/// multiplier >= 0, −31 <= shift <= 14.
inline int32_t multiply_by_quantized_multiplier_int64(int64_t x, QuantizedMultiplier m) {
  constexpr int64_t kLimit = int64_t{1} << 47;
  x = x < -kLimit ? -kLimit : (x >= kLimit ? kLimit - 1 : x);
  const int64_t reduced =
      m.multiplier < 0x7FFF0000 ? (int64_t{m.multiplier} + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - m.shift;
  const int64_t round = int64_t{1} << (total_shift - 1);
  const int64_t result = (x * reduced + round) >> total_shift;
  if (result > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (result < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(result);
}

/// std::round semantics (half away from zero) for float, as TFLite's TfLiteRound.
float round_half_away(float x);
/// std::round semantics (half away from zero) for double.
double round_half_away(double x);
/// Round half to even (IEEE default rounding, std::nearbyint in the default mode).
float round_half_even(float x);

/// Number of entries of TFLite's int16 lookup tables (gen_lut): 512 intervals + 1.
inline constexpr int kInt16LutSize = 513;

/// TFLite's gen_lut for int16 tables: `table[i]` approximates f(min + i·step)·32768, step =
/// (max − min) / 512, computed in double, with each interior entry corrected by half the
/// midpoint interpolation error so that linear interpolation between entries is unbiased;
/// values are rounded half away from zero and clamped to int16. The last entry is f(max) exactly
/// rounded. `fn` maps double to double.
void gen_int16_lut(double (*fn)(double), double min, double max, int16_t table[kInt16LutSize]);

/// TFLite's generic_int16_table_lookup: `value` in [−32768, 32767] indexes the 513-entry table
/// at (value + 32768) >> 7 and interpolates linearly with the low 7 bits, rounding the delta
/// (((delta · frac) + 64) >> 7). Returns the interpolated int16 value (as int32).
int32_t int16_table_lookup(int32_t value, const int16_t table[kInt16LutSize]);

}  // namespace qexp::quant
