#include "framework/quantization/fixed_point.h"

#include <algorithm>
#include <cmath>

namespace qexp::quant {

std::string_view rounding_mode_name(RoundingMode mode) {
  return mode == RoundingMode::kSingleRounding ? "single_rounding" : "double_rounding";
}

QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  if (real_multiplier == 0.0) return {};
  int shift = 0;
  const double q = std::frexp(real_multiplier, &shift);
  // |q| in [0.5, 1), so |q · 2^31| <= 2^31 and the rounded value needs 64 bits only for the one
  // case that rounds up to exactly 2^31.
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  // Below 2^-31 every int32 product would shift out entirely; TFLite flushes such multipliers
  // to zero rather than handle right shifts of 32 or more.
  if (shift < -31) return {};
  return {static_cast<int32_t>(q_fixed), shift};
}

double dequantize_multiplier(QuantizedMultiplier m) {
  return std::ldexp(static_cast<double>(m.multiplier), m.shift - 31);
}

float round_half_away(float x) { return std::round(x); }
double round_half_away(double x) { return std::round(x); }
float round_half_even(float x) { return std::nearbyint(x); }

void gen_int16_lut(double (*fn)(double), double min, double max, int16_t table[kInt16LutSize]) {
  constexpr int kSteps = kInt16LutSize - 1;
  constexpr double kOutScale = 32768.0;  // 65536 levels over the output range [-1, 1]
  auto to_int16 = [](double v) {
    return static_cast<int16_t>(std::min(std::max(v, -32768.0), 32767.0));
  };
  const double step = (max - min) / kSteps;
  const double half_step = step / 2.0;
  for (int i = 0; i < kSteps; ++i) {
    const double value = fn(min + i * step);
    const double value_mid = fn(min + i * step + half_step);
    const double value_next = fn(min + (i + 1) * step);
    const double sample = std::round(value * kOutScale);
    // Interpolating between this entry and the next misses the true midpoint by some amount;
    // shifting the entry by half of that error centres the interpolation error.
    const double midpoint_interp = std::round((value_next * kOutScale + sample) / 2.0);
    const double midpoint_true = std::round(value_mid * kOutScale);
    const double bias = std::round((midpoint_interp - midpoint_true) / 2.0);
    table[i] = to_int16(sample - bias);
  }
  table[kSteps] = to_int16(std::round(fn(max) * kOutScale));
}

int32_t int16_table_lookup(int32_t value, const int16_t table[kInt16LutSize]) {
  const int index = 256 + (value >> 7);  // value in [-32768, 32767] → index in [0, 511]
  const int32_t offset = value & 0x7f;
  const int16_t base = table[index];
  // TFLite keeps the slope in int16 (it wraps for tables with jumps > 32767; ours have none).
  const int16_t slope = static_cast<int16_t>(table[index + 1] - table[index]);
  const int32_t delta = (static_cast<int32_t>(slope) * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

}  // namespace qexp::quant
