// QUANTIZE and DEQUANTIZE case families (see op_cases.h).

#include <cmath>
#include <cstring>
#include <limits>

#include "framework/core/strings.h"
#include "tests/conformance_ops/op_cases.h"

namespace qexp::conformance {
namespace {

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

struct IntType {
  int lo, hi;
};

IntType int_type(DType t) {
  if (t == DType::kUInt8) return {0, 255};
  if (t == DType::kInt16) return {-32768, 32767};
  return {-128, 127};
}

// A zero point for `t` (int16 activations are symmetric).
int pick_zero_point(CaseRng& r, DType t) {
  if (t == DType::kInt16) return 0;
  const IntType it = int_type(t);
  return r.uniform(it.lo, it.hi);
}

std::vector<uint8_t> int_bytes(CaseRng& r, DType t, int64_t n) {
  if (t == DType::kInt16) return r.int16_bytes(n, -32768, 32767);
  std::vector<uint8_t> b(static_cast<size_t>(n));
  for (auto& v : b) v = static_cast<uint8_t>(r.uniform(0, 255));
  return b;
}

}  // namespace

std::vector<OpCase> quantize_float_cases(DType out, uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    // Cycle: exact ties at power-of-two scales, near-ties (k + 0.5)·s at arbitrary scales,
    // random values over the whole range.
    const int kind = i % 3;
    const float scale = i == 0      ? 1.0f
                        : kind == 0 ? std::ldexp(1.0f, r.uniform(-4, 2))
                                    : r.log_uniform(1e-3, 0.5);
    const int zp = i == 0 ? 0 : pick_zero_point(r, out);
    const int span = out == DType::kInt16 ? 20000 : 150;
    std::vector<float> x;
    for (int k = 0; k < 97; ++k) {
      const int q = r.uniform(-span, span);
      if (kind == 2) {
        x.push_back(static_cast<float>((r.unit() * 2 - 1) * span * scale));
      } else {
        x.push_back(static_cast<float>((q + 0.5) * scale));  // exact for kind 0
      }
    }
    if (i == 0) x.insert(x.end(), {-23.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 23.5f});
    OpCase c;
    c.name = str_cat("quantize float32→", dtype_name(out), " scale ", scale, " zero point ", zp,
                     kind == 0 ? " exact ties" : (kind == 1 ? " near ties" : " random"));
    ir::Graph& g = c.graph;
    const int xi =
        add_activation(g, "x", DType::kFloat32, Shape{static_cast<int64_t>(x.size())}, 0, 0);
    add_single_op(g, ir::OpType::kQuantize, {xi}, ir::NoOptions{}, out, scale, zp);
    g.inputs = {xi};
    c.inputs = {float_bytes(x)};
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<OpCase> requantize_cases(DType in, DType out, uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const float s_in = r.log_uniform(0.005, 0.1);
    // Every other case uses a multiplier near 1 (small right shifts: rounding rules disagree
    // most often there).
    // Every third case has an exact power-of-two multiplier (exact ties).
    const float m = i % 3 == 2 ? std::ldexp(1.0f, -r.uniform(1, 4))
                               : (i % 3 ? r.log_uniform(0.3, 3.0) : r.log_uniform(0.05, 10.0));
    const float s_out = s_in / m;
    const int z_in = pick_zero_point(r, in), z_out = pick_zero_point(r, out);
    const int64_t n = 301;
    OpCase c;
    c.name = str_cat("requantize ", dtype_name(in), "→", dtype_name(out), " m ", m, " z ", z_in,
                     "→", z_out);
    ir::Graph& g = c.graph;
    const int xi = add_activation(g, "x", in, Shape{n}, s_in, z_in);
    add_single_op(g, ir::OpType::kQuantize, {xi}, ir::NoOptions{}, out, s_out, z_out);
    g.inputs = {xi};
    c.inputs = {int_bytes(r, in, n)};
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<OpCase> dequantize_cases(DType in, uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const float s = r.log_uniform(1e-4, 1.0);
    const int z = pick_zero_point(r, in);
    const int64_t n = 257;
    OpCase c;
    c.name = str_cat("dequantize ", dtype_name(in), " scale ", s, " zero point ", z);
    ir::Graph& g = c.graph;
    const int xi = add_activation(g, "x", in, Shape{n}, s, z);
    add_single_op(g, ir::OpType::kDequantize, {xi}, ir::NoOptions{}, DType::kFloat32, 0, 0);
    g.inputs = {xi};
    c.inputs = {int_bytes(r, in, n)};
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace qexp::conformance
