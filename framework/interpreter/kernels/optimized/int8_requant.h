#pragma once
/// Per-output-channel requantization of int32 accumulators to int8, shared by the optimized
/// int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels.
///
/// The parameters are those of the reference kernels' kernels::Requantizer, stored as
/// structure-of-arrays padded to kInt8ChannelPad channels so that SIMD code can load whole
/// channel blocks. requantize_one() is the exact scalar rule (it calls Requantizer::apply); the
/// SIMD versions (int8_requant_x86.h) reproduce it bit for bit.

#include <cstdint>
#include <type_traits>
#include <vector>

#include "framework/interpreter/kernels/quant_util.h"

namespace qexp::interp::kernels::optimized {

/// Channel arrays are padded to a multiple of this (the widest SIMD channel block).
inline constexpr int64_t kInt8ChannelPad = 32;

/// `v` rounded up to a multiple of `m` (m > 0, v >= 0).
inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

/// out = clamp(requant(acc, channel) + zero_point, [out_min, out_max]) for every channel.
struct Int8Requant {
  RequantRule rule = RequantRule::kDoubleRounding;
  int32_t zero_point = 0;
  int32_t out_min = -128, out_max = 127;  ///< the fused activation's clamp (within int8)
  int64_t channels = 0;
  // One entry per channel, padded with multiplier 0 / shift 0 / scale 0 channels.
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
  std::vector<float> scale;

  /// False when the SIMD requantization cannot reproduce the rule: single rounding with a
  /// multiplier >= 1 (shift > 0), whose 64-bit result may need saturation.
  bool simd_exact() const {
    if (rule != RequantRule::kSingleRounding) return true;
    for (int32_t s : shift) {
      if (s > 0) return false;
    }
    return true;
  }
};

/// Packs the reference kernel's per-channel requantizers (all with the same rule), the output
/// zero point and the activation clamp.
inline Int8Requant make_int8_requant(const std::vector<Requantizer>& requantizers,
                                     int32_t zero_point, IntRange act) {
  Int8Requant r;
  r.rule = requantizers.empty() ? RequantRule::kDoubleRounding : requantizers[0].rule;
  r.zero_point = zero_point;
  r.out_min = act.min;
  r.out_max = act.max;
  r.channels = static_cast<int64_t>(requantizers.size());
  const size_t padded = static_cast<size_t>(round_up(r.channels, kInt8ChannelPad));
  r.multiplier.assign(padded, 0);
  r.shift.assign(padded, 0);
  r.scale.assign(padded, 0.0f);
  for (size_t c = 0; c < requantizers.size(); ++c) {
    r.multiplier[c] = requantizers[c].multiplier.multiplier;
    r.shift[c] = requantizers[c].multiplier.shift;
    r.scale[c] = requantizers[c].scale;
  }
  return r;
}

/// The reference output rule for one accumulator of channel `ch`.
inline int8_t requantize_one(const Int8Requant& r, int32_t acc, int64_t ch) {
  const size_t c = static_cast<size_t>(ch);
  Requantizer q;
  q.rule = r.rule;
  q.multiplier = quant::QuantizedMultiplier{r.multiplier[c], r.shift[c]};
  q.scale = r.scale[c];
  return static_cast<int8_t>(
      clamp_to(int64_t{q.apply(acc)} + r.zero_point, IntRange{r.out_min, r.out_max}));
}

/// Calls fn(std::integral_constant<RequantRule, rule>{}): the SIMD kernels are templates over
/// the rule, so that the rule is chosen once per call, not per vector.
template <typename Fn>
void dispatch_requant_rule(RequantRule rule, Fn&& fn) {
  switch (rule) {
    case RequantRule::kSingleRounding:
      return fn(std::integral_constant<RequantRule, RequantRule::kSingleRounding>{});
    case RequantRule::kFloatHalfEven:
      return fn(std::integral_constant<RequantRule, RequantRule::kFloatHalfEven>{});
    case RequantRule::kDoubleRounding:
      break;
  }
  fn(std::integral_constant<RequantRule, RequantRule::kDoubleRounding>{});
}

}  // namespace qexp::interp::kernels::optimized
