// DEPTHWISE_CONV_2D float: hand-computed cases and a seeded comparison with a direct formula.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_op;
using testing::run_one_input;

ir::DepthwiseConv2DOptions dw_options(ir::Padding padding, int stride, int multiplier,
                                      int dilation = 1) {
  ir::DepthwiseConv2DOptions o;
  o.padding = padding;
  o.stride_h = o.stride_w = stride;
  o.dilation_h = o.dilation_w = dilation;
  o.depth_multiplier = multiplier;
  return o;
}

// Input 2x2 with 2 channels, multiplier 2: output channel c·2 + m reads only input channel c.
TEST(DepthwiseConv2DFloat, DepthMultiplier2ReadsOnlyTheSourceChannel) {
  std::vector<float> input = {1, 2, 3, 4, 5, 6, 7, 8};  // pixels (0,0)=[1,2] (0,1)=[3,4] ...
  auto out = run_one_input(Shape{1, 2, 2, 2}, input, [](ir::Graph& g, int x) {
    std::vector<float> filter(16);
    for (int i = 0; i < 16; ++i) filter[static_cast<size_t>(i)] = static_cast<float>(i + 1);
    int w = add_float_const(g, "w", Shape{1, 2, 2, 4}, filter);
    int b = add_float_const(g, "b", Shape{4}, {1, 2, 3, 4});
    return add_op(g, ir::OpType::kDepthwiseConv2D, "dw", {x, w, b},
                  dw_options(ir::Padding::kValid, 1, 2));
  });
  EXPECT_EQ(out.shape, (Shape{1, 1, 1, 4}));
  // oc0: 1·1+3·5+5·9+7·13, oc1: 1·2+3·6+5·10+7·14, oc2: 2·3+4·7+6·11+8·15, oc3: 2·4+4·8+6·12+8·16
  EXPECT_EQ(out.values, (std::vector<float>{152 + 1, 168 + 2, 220 + 3, 240 + 4}));
}

// SAME padding on a 3x3 input with a 3x3 all-ones filter sums each pixel's in-bounds
// neighbourhood; padding contributes zero.
TEST(DepthwiseConv2DFloat, SamePaddingSumsInBoundsNeighbourhood) {
  auto out = run_one_input(Shape{1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{1, 3, 3, 1}, std::vector<float>(9, 1.0f));
    return add_op(g, ir::OpType::kDepthwiseConv2D, "dw", {x, w},
                  dw_options(ir::Padding::kSame, 1, 1));
  });
  EXPECT_EQ(out.values, (std::vector<float>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
}

TEST(DepthwiseConv2DFloat, RejectsBiasOfTheWrongLength) {
  ir::Graph g;
  int x = g.add_tensor("x", DType::kFloat32, Shape{1, 2, 2, 2});
  int w = add_float_const(g, "w", Shape{1, 1, 1, 2}, {1, 1});
  int b = add_float_const(g, "b", Shape{3}, {1, 1, 1});
  int y = add_op(g, ir::OpType::kDepthwiseConv2D, "dw1", {x, w, b},
                 dw_options(ir::Padding::kValid, 1, 1));
  g.inputs = {x};
  g.outputs = {y};
  EXPECT_EQ(testing::create_error(g),
            "op 'dw1' (DEPTHWISE_CONV_2D): bias (input 2) has shape [3], expected 2 elements");
}

TEST(DepthwiseConv2DFloat, MatchesADirectFormulaOnSeededRandomCases) {
  std::mt19937 rng(7);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  int checked = 0;
  for (int iter = 0; iter < 150; ++iter) {
    const int64_t h = pick(1, 8), w = pick(1, 8), c = pick(1, 3), m = pick(1, 3);
    const int64_t kh = pick(1, 3), kw = pick(1, 3);
    const int stride = pick(1, 2), dil = pick(1, 2);
    const ir::Padding pad = pick(0, 1) ? ir::Padding::kSame : ir::Padding::kValid;
    const int64_t oh = ir::conv_output_size(pad, h, kh, stride, dil);
    const int64_t ow = ir::conv_output_size(pad, w, kw, stride, dil);
    if (oh <= 0 || ow <= 0) continue;
    std::vector<float> in(static_cast<size_t>(h * w * c)), f(static_cast<size_t>(kh * kw * c * m));
    for (float& v : in) v = value(rng);
    for (float& v : f) v = value(rng);
    auto out = run_one_input(Shape{1, h, w, c}, in, [&](ir::Graph& g, int x) {
      int wt = add_float_const(g, "w", Shape{1, kh, kw, c * m}, f);
      return add_op(g, ir::OpType::kDepthwiseConv2D, "dw", {x, wt},
                    dw_options(pad, stride, static_cast<int>(m), dil));
    });
    // Direct formula: padding from the TFLite rule, accumulation in double.
    auto before = [&](int64_t in_size, int64_t out_size, int64_t k) {
      if (pad == ir::Padding::kValid) return int64_t{0};
      return std::max<int64_t>((out_size - 1) * stride + (k - 1) * dil + 1 - in_size, 0) / 2;
    };
    const int64_t pt = before(h, oh, kh), pl = before(w, ow, kw);
    ASSERT_EQ(out.values.size(), static_cast<size_t>(oh * ow * c * m));
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t oc = 0; oc < c * m; ++oc) {
          double sum = 0;
          for (int64_t ky = 0; ky < kh; ++ky)
            for (int64_t kx = 0; kx < kw; ++kx) {
              int64_t y = oy * stride - pt + ky * dil, x = ox * stride - pl + kx * dil;
              if (y < 0 || y >= h || x < 0 || x >= w) continue;
              sum += double{in[static_cast<size_t>((y * w + x) * c + oc / m)]} *
                     f[static_cast<size_t>((ky * kw + kx) * c * m + oc)];
            }
          ASSERT_NEAR(out.values[static_cast<size_t>((oy * ow + ox) * c * m + oc)], sum, 1e-5)
              << "case " << iter;
        }
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace qexp::interp
