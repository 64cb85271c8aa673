// Fixed-point math of the integer kernels (framework/quantization/fixed_point.h): TFLite's
// QuantizeMultiplier rule, gemmlowp's SRDHM / RoundingDivideByPOT, both requantization rounding
// rules, the int64 variant and the int16 lookup tables. Edge cases first, then seeded sweeps
// against exact integer references.

#include "framework/quantization/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace qexp::quant {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

// round(n / 2^e) with ties away from zero, exactly, for |n| < 2^62.
int64_t exact_round_div_pot_away(int64_t n, int e) {
  if (e == 0) return n;
  const int64_t mag = n < 0 ? -n : n;
  const int64_t q = (mag + (int64_t{1} << (e - 1))) >> e;
  return n < 0 ? -q : q;
}

TEST(QuantizeMultiplier, ZeroGivesZeroMantissaAndShift) {
  EXPECT_EQ(quantize_multiplier(0.0), (QuantizedMultiplier{0, 0}));
}

TEST(QuantizeMultiplier, PowersOfTwoAreExact) {
  EXPECT_EQ(quantize_multiplier(1.0), (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(quantize_multiplier(0.5), (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(quantize_multiplier(0.25), (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(quantize_multiplier(256.0), (QuantizedMultiplier{1 << 30, 9}));
  EXPECT_EQ(quantize_multiplier(0.75), (QuantizedMultiplier{3 << 29, 0}));
}

TEST(QuantizeMultiplier, MantissaRoundingUpTo2Pow31IsHalvedAndShiftIncremented) {
  // q = 1 - 2^-34 → q · 2^31 = 2^31 - 1/8 rounds to 2^31.
  const double m = std::ldexp(1.0 - std::ldexp(1.0, -34), -3);
  EXPECT_EQ(quantize_multiplier(m), (QuantizedMultiplier{1 << 30, -2}));
  // Just below the rounding boundary the mantissa stays at 2^31 - 1.
  const double below = std::ldexp(1.0 - std::ldexp(1.0, -30), -3);
  EXPECT_EQ(quantize_multiplier(below), (QuantizedMultiplier{kMax - 1, -3}));
}

TEST(QuantizeMultiplier, MantissaRoundsHalfAwayFromZero) {
  // q · 2^31 = 2^30 + 0.5 exactly → rounds up to 2^30 + 1.
  const double m = (std::ldexp(1.0, 30) + 0.5) / std::ldexp(1.0, 31);
  EXPECT_EQ(quantize_multiplier(m), (QuantizedMultiplier{(1 << 30) + 1, 0}));
}

TEST(QuantizeMultiplier, TinyMultipliersFlushToZero) {
  // 2^-32 has frexp exponent -31: the smallest kept.
  EXPECT_EQ(quantize_multiplier(std::ldexp(1.0, -32)), (QuantizedMultiplier{1 << 30, -31}));
  EXPECT_EQ(quantize_multiplier(std::ldexp(1.0, -33)), (QuantizedMultiplier{0, 0}));
  EXPECT_EQ(quantize_multiplier(1e-30), (QuantizedMultiplier{0, 0}));
  EXPECT_EQ(quantize_multiplier(std::numeric_limits<double>::denorm_min()),
            (QuantizedMultiplier{0, 0}));
}

TEST(QuantizeMultiplier, NegativeMultipliersGetANegativeMantissa) {
  EXPECT_EQ(quantize_multiplier(-0.5), (QuantizedMultiplier{-(1 << 30), 0}));
  EXPECT_EQ(quantize_multiplier(-3.0), (QuantizedMultiplier{-(3 << 29), 2}));
}

TEST(QuantizeMultiplier, RoundTripIsWithinHalfAnUlpOfTheMantissa) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 10.0);
  for (int i = 0; i < 20000; ++i) {
    const double m = std::exp2(exponent(rng));
    const QuantizedMultiplier q = quantize_multiplier(m);
    ASSERT_GE(q.multiplier, 1 << 30) << m;
    const double back = dequantize_multiplier(q);
    ASSERT_LE(std::abs(back - m), std::ldexp(1.0, q.shift - 32)) << m;
  }
}

TEST(SaturatingRoundingDoublingHighMul, Int32MinSquaredSaturates) {
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMin), kMax);
}

TEST(SaturatingRoundingDoublingHighMul, ExtremesThatDoNotOverflow) {
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMax), -kMax);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMax, kMax), kMax - 1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, 1), -1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, -1), 1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(0, kMin), 0);
}

// gemmlowp's nudge is 2^30 for a·b >= 0 and 1 - 2^30 below, with truncating division: ties
// round toward +inf, not away from zero (QUANTIZATION.md's formula; its prose says otherwise).
TEST(SaturatingRoundingDoublingHighMul, TiesRoundUpward) {
  // a · b = 2^30 → a·b / 2^31 = 0.5.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1 << 15, 1 << 15), 1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-(1 << 15), 1 << 15), 0);
  // 1.5 and -1.5.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3 << 14, 1 << 16), 2);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-(3 << 14), 1 << 16), -1);
  // Just past a tie rounds by magnitude.
  EXPECT_EQ(saturating_rounding_doubling_high_mul((1 << 30) - 1, 1), 0);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-((1 << 30) + 1), 1), -1);
}

TEST(SaturatingRoundingDoublingHighMul, MatchesExactRoundingOnRandomOperands) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = any(rng), b = any(rng);
    if (a == kMin && b == kMin) continue;
    // floor(a·b / 2^31 + 1/2), exactly.
    const int64_t want = (static_cast<int64_t>(a) * b + (int64_t{1} << 30)) >> 31;
    ASSERT_EQ(saturating_rounding_doubling_high_mul(a, b), want) << a << " * " << b;
  }
}

TEST(RoundingDivideByPot, ExponentZeroIsIdentity) {
  for (int32_t x : {kMin, -7, -1, 0, 1, 7, kMax}) EXPECT_EQ(rounding_divide_by_pot(x, 0), x);
}

TEST(RoundingDivideByPot, NegativeTiesRoundAwayFromZero) {
  EXPECT_EQ(rounding_divide_by_pot(-1, 1), -1);  // -0.5
  EXPECT_EQ(rounding_divide_by_pot(-3, 1), -2);  // -1.5
  EXPECT_EQ(rounding_divide_by_pot(-6, 2), -2);  // -1.5
  EXPECT_EQ(rounding_divide_by_pot(-5, 2), -1);  // -1.25
  EXPECT_EQ(rounding_divide_by_pot(-7, 2), -2);  // -1.75
  EXPECT_EQ(rounding_divide_by_pot(1, 1), 1);    // 0.5
  EXPECT_EQ(rounding_divide_by_pot(3, 1), 2);    // 1.5
  EXPECT_EQ(rounding_divide_by_pot(5, 2), 1);    // 1.25
}

TEST(RoundingDivideByPot, ShiftExtremes) {
  EXPECT_EQ(rounding_divide_by_pot(kMin, 31), -1);
  EXPECT_EQ(rounding_divide_by_pot(kMax, 31), 1);
  EXPECT_EQ(rounding_divide_by_pot(1 << 30, 31), 1);      // 0.5 → 1
  EXPECT_EQ(rounding_divide_by_pot(-(1 << 30), 31), -1);  // -0.5 → -1
  EXPECT_EQ(rounding_divide_by_pot((1 << 30) - 1, 31), 0);
  EXPECT_EQ(rounding_divide_by_pot(kMin, 1), -(1 << 30));
}

TEST(RoundingDivideByPot, MatchesExactRoundingOnRandomOperands) {
  std::mt19937 rng(13);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  for (int e = 0; e <= 31; ++e) {
    for (int i = 0; i < 5000; ++i) {
      const int32_t x = any(rng);
      ASSERT_EQ(rounding_divide_by_pot(x, e), exact_round_div_pot_away(x, e)) << x << " " << e;
    }
  }
}

TEST(MultiplyByQuantizedMultiplier, RoundingRulesDifferOnNegativeTies) {
  const QuantizedMultiplier quarter{1 << 30, -1};  // 0.25
  // -2 · 0.25 = -0.5: double rounding goes away from zero, single rounding toward +inf.
  EXPECT_EQ(multiply_by_quantized_multiplier(-2, quarter, RoundingMode::kDoubleRounding), -1);
  EXPECT_EQ(multiply_by_quantized_multiplier(-2, quarter, RoundingMode::kSingleRounding), 0);
  // Positive ties agree.
  EXPECT_EQ(multiply_by_quantized_multiplier(2, quarter, RoundingMode::kDoubleRounding), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier(2, quarter, RoundingMode::kSingleRounding), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier(-6, quarter, RoundingMode::kDoubleRounding), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier(-6, quarter, RoundingMode::kSingleRounding), -1);
}

TEST(MultiplyByQuantizedMultiplier, DoubleRoundingCanRoundTwiceUpward) {
  // x·m / 2^31 = 0.5 + 2^-31 rounds to 1 in SRDHM; 1 / 2 then rounds to 1 again, although the
  // exact product (≈ 0.25) rounds to 0 — what single rounding gives.
  const QuantizedMultiplier m{(1 << 30) + 1, -1};
  EXPECT_EQ(multiply_by_quantized_multiplier(1, m, RoundingMode::kDoubleRounding), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier(1, m, RoundingMode::kSingleRounding), 0);
}

TEST(MultiplyByQuantizedMultiplier, LeftShiftsScaleUpExactly) {
  const QuantizedMultiplier eight = quantize_multiplier(8.0);
  EXPECT_EQ(eight, (QuantizedMultiplier{1 << 30, 4}));
  for (RoundingMode mode : {RoundingMode::kDoubleRounding, RoundingMode::kSingleRounding}) {
    EXPECT_EQ(multiply_by_quantized_multiplier(-100, eight, mode), -800);
    EXPECT_EQ(multiply_by_quantized_multiplier(12345, eight, mode), 98760);
  }
}

TEST(MultiplyByQuantizedMultiplier, ZeroMultiplierGivesZero) {
  for (RoundingMode mode : {RoundingMode::kDoubleRounding, RoundingMode::kSingleRounding}) {
    EXPECT_EQ(multiply_by_quantized_multiplier(kMax, QuantizedMultiplier{}, mode), 0);
    EXPECT_EQ(multiply_by_quantized_multiplier(kMin, QuantizedMultiplier{}, mode), 0);
  }
}

TEST(MultiplyByQuantizedMultiplier, ShiftExtremes) {
  // Smallest shift: M = 2^-32 (mantissa 2^30, shift -31).
  const QuantizedMultiplier tiny{1 << 30, -31};
  EXPECT_EQ(multiply_by_quantized_multiplier(kMax, tiny, RoundingMode::kSingleRounding), 0);
  EXPECT_EQ(multiply_by_quantized_multiplier(kMin, tiny, RoundingMode::kSingleRounding), 0);
  // -2^31 · 2^-32 = -0.5: a tie, which double rounding takes away from zero.
  EXPECT_EQ(multiply_by_quantized_multiplier(kMin, tiny, RoundingMode::kDoubleRounding), -1);
  // Largest single-rounding shift: M ≈ 2^30.
  const QuantizedMultiplier huge{1 << 30, 30};
  EXPECT_EQ(multiply_by_quantized_multiplier(1, huge, RoundingMode::kSingleRounding), 1 << 29);
  EXPECT_EQ(multiply_by_quantized_multiplier(4, huge, RoundingMode::kSingleRounding), kMax);
  EXPECT_EQ(multiply_by_quantized_multiplier(-4, huge, RoundingMode::kSingleRounding), kMin);
}

// Single rounding is exactly floor(x·M + 1/2); double rounding is within one of it.
TEST(MultiplyByQuantizedMultiplier, SingleRoundingIsExactAndDoubleWithinOne) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  std::uniform_real_distribution<double> log_m(-20.0, 0.0);
  int differ = 0;
  for (int i = 0; i < 100000; ++i) {
    const QuantizedMultiplier m = quantize_multiplier(std::exp2(log_m(rng)));
    const int32_t x = acc(rng);
    const __int128 num = static_cast<__int128>(x) * m.multiplier;
    const int t = 31 - m.shift;
    const int64_t exact = static_cast<int64_t>((num + (static_cast<__int128>(1) << (t - 1))) >> t);
    const int32_t single = multiply_by_quantized_multiplier_single_rounding(x, m);
    const int32_t dbl = multiply_by_quantized_multiplier_double_rounding(x, m);
    ASSERT_EQ(single, exact);
    ASSERT_LE(std::abs(static_cast<int64_t>(dbl) - exact), 1);
    differ += dbl != single;
  }
  EXPECT_GT(differ, 0);     // the rules really differ…
  EXPECT_LT(differ, 5000);  // …in the last bit of a small fraction of values
}

TEST(MultiplyByQuantizedMultiplierInt64, ReducesTheMantissaTo16Bits) {
  const QuantizedMultiplier half{1 << 30, 0};                     // reduced to 2^14, total shift 15
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(3, half), 2);  // 1.5 → 2
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(-3, half), -1);  // -1.5 → -1 (toward +inf)
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(int64_t{1} << 30, half), 1 << 29);
  // Mantissas from 0x7FFF0000 up saturate to 0x7FFF instead of rounding to 0x8000.
  const QuantizedMultiplier top{0x7FFFFFFF, 0};
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(1 << 15, top), 0x7FFF);
  // The reduction rounds: 0x4000_8000 → 0x4001.
  const QuantizedMultiplier mid{0x40008000, 0};
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(1 << 15, mid), 0x4001);
}

TEST(MultiplyByQuantizedMultiplierInt64, LargeAccumulatorsSaturate) {
  const QuantizedMultiplier one{1 << 30, 1};
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(int64_t{1} << 40, one),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(multiply_by_quantized_multiplier_int64(-(int64_t{1} << 40), one),
            std::numeric_limits<int32_t>::min());
}

TEST(Rounding, HalfAwayAndHalfEven) {
  EXPECT_EQ(round_half_away(-23.5f), -24.0f);
  EXPECT_EQ(round_half_away(-2.5f), -3.0f);
  EXPECT_EQ(round_half_away(0.5f), 1.0f);
  EXPECT_EQ(round_half_away(-0.5), -1.0);
  EXPECT_EQ(round_half_even(-23.5f), -24.0f);
  EXPECT_EQ(round_half_even(-2.5f), -2.0f);
  EXPECT_EQ(round_half_even(0.5f), 0.0f);
  EXPECT_EQ(round_half_even(1.5f), 2.0f);
}

double exp_fn(double x) { return std::exp(x); }
double reciprocal_fn(double x) { return 1.0 / (1.0 + x); }

TEST(Int16Lut, ExpTableEndsAndMonotonicity) {
  int16_t table[kInt16LutSize];
  gen_int16_lut(exp_fn, -10.0, 0.0, table);
  EXPECT_EQ(table[kInt16LutSize - 1], 32767);  // exp(0) · 32768 clamped
  EXPECT_LE(table[0], 2);                      // exp(-10) · 32768 ≈ 1.49
  for (int i = 1; i < kInt16LutSize; ++i) ASSERT_GE(table[i], table[i - 1]) << i;
}

TEST(Int16Lut, LookupInterpolatesWithinTwoLsb) {
  int16_t table[kInt16LutSize];
  gen_int16_lut(reciprocal_fn, 0.0, 1.0, table);
  for (int32_t v = -32768; v <= 32767; v += 37) {
    const double x = (v + 32768.0) / 65536.0;
    const double want = reciprocal_fn(x) * 32768.0;
    ASSERT_NEAR(int16_table_lookup(v, table), std::min(want, 32767.0), 2.0) << v;
  }
  // The table points themselves are returned unchanged.
  EXPECT_EQ(int16_table_lookup(-32768, table), table[0]);
  EXPECT_EQ(int16_table_lookup(0, table), table[256]);
}

TEST(RoundingModeName, NamesBothModes) {
  EXPECT_EQ(rounding_mode_name(RoundingMode::kDoubleRounding), "double_rounding");
  EXPECT_EQ(rounding_mode_name(RoundingMode::kSingleRounding), "single_rounding");
}

}  // namespace
}  // namespace qexp::quant
