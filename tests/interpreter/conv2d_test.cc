// CONV_2D float: hand-computed cases and a seeded comparison with an independent formula.

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

std::vector<float> iota(int n, float start = 1.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + static_cast<float>(i);
  return v;
}

ir::Conv2DOptions conv_options(ir::Padding padding, int stride, int dilation = 1,
                               ir::Activation act = ir::Activation::kNone) {
  ir::Conv2DOptions o;
  o.padding = padding;
  o.stride_h = o.stride_w = stride;
  o.dilation_h = o.dilation_w = dilation;
  o.activation = act;
  return o;
}

// Input 4x4 holding 1..16, 3x3 filter, SAME, stride 2: output 2x2, total padding 1 per axis,
// all of it after (TFLite puts the odd one at the end), so the windows start at 0 and 2.
TEST(Conv2DFloat, SamePaddingStride2On4x4MatchesHandComputedSums) {
  auto out = run_one_input(Shape{1, 4, 4, 1}, iota(16), [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{1, 3, 3, 1}, std::vector<float>(9, 1.0f));
    int b = add_float_const(g, "b", Shape{1}, {1.0f});
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w, b},
                  conv_options(ir::Padding::kSame, 2));
  });
  EXPECT_EQ(out.shape, (Shape{1, 2, 2, 1}));
  // (1+2+3+5+6+7+9+10+11), (3+4+7+8+11+12), (9+10+11+13+14+15), (11+12+15+16), each + bias 1.
  EXPECT_EQ(out.values, (std::vector<float>{55, 46, 73, 55}));
}

// Taps at (0,0)=1, (0,2)=10, (2,0)=100 tell rows from columns and show which taps fall into
// the trailing padding.
TEST(Conv2DFloat, FilterIsReadAsOhwiWithTapsInRowMajorOrder) {
  auto out = run_one_input(Shape{1, 4, 4, 1}, iota(16), [](ir::Graph& g, int x) {
    std::vector<float> taps(9, 0.0f);
    taps[0] = 1;
    taps[2] = 10;
    taps[6] = 100;
    int w = add_float_const(g, "w", Shape{1, 3, 3, 1}, taps);
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w, -1},
                  conv_options(ir::Padding::kSame, 2));
  });
  EXPECT_EQ(out.values, (std::vector<float>{1 + 30 + 900, 3 + 1100, 9 + 110, 11}));
}

// Two input channels, two filters: out[o] = Σ_c in[c] · w[o, c] + bias[o] per pixel (1x1).
TEST(Conv2DFloat, PointwiseMixesChannelsAndAddsBiasPerOutputChannel) {
  auto out = run_one_input(Shape{1, 1, 2, 2}, {1, 2, 3, 4}, [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{2, 1, 1, 2}, {1, 10, -1, 0.5f});
    int b = add_float_const(g, "b", Shape{2}, {100, 200});
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w, b},
                  conv_options(ir::Padding::kValid, 1));
  });
  EXPECT_EQ(out.values, (std::vector<float>{121, 200, 143, 199}));
}

TEST(Conv2DFloat, FusedRelu6ClampsBothEnds) {
  auto out = run_one_input(Shape{1, 1, 3, 1}, {-2, 3, 9}, [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{1, 1, 1, 1}, {1});
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w},
                  conv_options(ir::Padding::kValid, 1, 1, ir::Activation::kRelu6));
  });
  EXPECT_EQ(out.values, (std::vector<float>{0, 3, 6}));
}

// Dilation 2 makes a 2x2 filter read corners of a 3x3 window.
TEST(Conv2DFloat, DilationSpreadsTheFilterTaps) {
  auto out = run_one_input(Shape{1, 3, 3, 1}, iota(9), [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{1, 2, 2, 1}, {1, 1, 1, 1});
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w}, conv_options(ir::Padding::kValid, 1, 2));
  });
  EXPECT_EQ(out.shape, (Shape{1, 1, 1, 1}));
  EXPECT_EQ(out.values, (std::vector<float>{1 + 3 + 7 + 9}));
}

// Grouped convolution: 4 input channels, filter depth 2 → 2 groups; output channel 0 reads
// channels 0-1, output channel 1 reads channels 2-3.
TEST(Conv2DFloat, GroupedFilterReadsItsOwnChannelSlice) {
  auto out = run_one_input(Shape{1, 1, 1, 4}, {1, 2, 3, 4}, [](ir::Graph& g, int x) {
    int w = add_float_const(g, "w", Shape{2, 1, 1, 2}, {1, 10, 100, 1000});
    return add_op(g, ir::OpType::kConv2D, "conv", {x, w}, conv_options(ir::Padding::kValid, 1));
  });
  EXPECT_EQ(out.values, (std::vector<float>{21, 4300}));
}

// --- Seeded comparison with a formula written the other way round: scatter every input
// element through every filter tap into the outputs it reaches, accumulating in double.

struct ConvCase {
  int64_t n, h, w, c, groups, o, kh, kw;
  int stride_h, stride_w, dil_h, dil_w;
  ir::Padding padding;
  ir::Activation act;
  bool bias;
};

std::vector<float> scatter_conv(const ConvCase& k, const std::vector<float>& in,
                                const std::vector<float>& wt, const std::vector<float>& bias,
                                int64_t oh, int64_t ow) {
  auto pad_before = [&](int64_t in_size, int64_t out_size, int64_t kernel, int stride, int dil) {
    if (k.padding == ir::Padding::kValid) return int64_t{0};
    int64_t needed = (out_size - 1) * stride + (kernel - 1) * dil + 1 - in_size;
    return std::max<int64_t>(needed, 0) / 2;
  };
  const int64_t pt = pad_before(k.h, oh, k.kh, k.stride_h, k.dil_h);
  const int64_t pl = pad_before(k.w, ow, k.kw, k.stride_w, k.dil_w);
  const int64_t cf = k.c / k.groups, per_group = k.o / k.groups;
  std::vector<double> acc(static_cast<size_t>(k.n * oh * ow * k.o), 0.0);
  for (int64_t b = 0; b < k.n; ++b)
    for (int64_t y = 0; y < k.h; ++y)
      for (int64_t x = 0; x < k.w; ++x)
        for (int64_t c = 0; c < k.c; ++c)
          for (int64_t ky = 0; ky < k.kh; ++ky)
            for (int64_t kx = 0; kx < k.kw; ++kx) {
              int64_t ny = y + pt - ky * k.dil_h, nx = x + pl - kx * k.dil_w;
              if (ny < 0 || nx < 0 || ny % k.stride_h != 0 || nx % k.stride_w != 0) continue;
              int64_t oy = ny / k.stride_h, ox = nx / k.stride_w;
              if (oy >= oh || ox >= ow) continue;
              int64_t g = c / cf;
              for (int64_t f = g * per_group; f < (g + 1) * per_group; ++f) {
                double v = in[static_cast<size_t>(((b * k.h + y) * k.w + x) * k.c + c)];
                double w = wt[static_cast<size_t>(((f * k.kh + ky) * k.kw + kx) * cf + c % cf)];
                acc[static_cast<size_t>(((b * oh + oy) * ow + ox) * k.o + f)] += v * w;
              }
            }
  std::vector<float> out(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    double v = acc[i] + (k.bias ? bias[i % static_cast<size_t>(k.o)] : 0.0);
    if (k.act == ir::Activation::kRelu) v = std::max(v, 0.0);
    if (k.act == ir::Activation::kRelu6) v = std::clamp(v, 0.0, 6.0);
    out[i] = static_cast<float>(v);
  }
  return out;
}

ConvCase random_case(std::mt19937& rng) {
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  ConvCase k;
  k.n = pick(1, 2);
  k.h = pick(1, 9);
  k.w = pick(1, 9);
  k.groups = pick(1, 4) == 4 ? 2 : 1;
  k.c = k.groups * pick(1, 3);
  k.o = k.groups * pick(1, 3);
  k.kh = pick(1, 4);
  k.kw = pick(1, 4);
  k.stride_h = pick(1, 3);
  k.stride_w = pick(1, 3);
  k.dil_h = pick(1, 2);
  k.dil_w = pick(1, 2);
  k.padding = pick(0, 1) ? ir::Padding::kSame : ir::Padding::kValid;
  const ir::Activation acts[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                 ir::Activation::kRelu6};
  k.act = acts[pick(0, 2)];
  k.bias = pick(0, 1) == 1;
  return k;
}

TEST(Conv2DFloat, MatchesAnIndependentScatterFormulationOnSeededRandomCases) {
  std::mt19937 rng(20240611);
  std::uniform_real_distribution<float> value(-2.0f, 2.0f);
  int checked = 0;
  for (int iter = 0; iter < 300; ++iter) {
    ConvCase k = random_case(rng);
    int64_t oh = ir::conv_output_size(k.padding, k.h, k.kh, k.stride_h, k.dil_h);
    int64_t ow = ir::conv_output_size(k.padding, k.w, k.kw, k.stride_w, k.dil_w);
    if (oh <= 0 || ow <= 0) continue;  // VALID window larger than the input
    auto fill = [&](int64_t n) {
      std::vector<float> v(static_cast<size_t>(n));
      for (float& x : v) x = value(rng);
      return v;
    };
    std::vector<float> in = fill(k.n * k.h * k.w * k.c);
    std::vector<float> wt = fill(k.o * k.kh * k.kw * (k.c / k.groups));
    std::vector<float> bias = fill(k.o);
    auto out = run_one_input(Shape{k.n, k.h, k.w, k.c}, in, [&](ir::Graph& g, int x) {
      int w = add_float_const(g, "w", Shape{k.o, k.kh, k.kw, k.c / k.groups}, wt);
      int b = k.bias ? add_float_const(g, "b", Shape{k.o}, bias) : -1;
      ir::Conv2DOptions o;
      o.padding = k.padding;
      o.stride_h = k.stride_h;
      o.stride_w = k.stride_w;
      o.dilation_h = k.dil_h;
      o.dilation_w = k.dil_w;
      o.activation = k.act;
      return add_op(g, ir::OpType::kConv2D, "conv", {x, w, b}, o);
    });
    std::vector<float> want = scatter_conv(k, in, wt, bias, oh, ow);
    ASSERT_EQ(out.values.size(), want.size()) << "case " << iter;
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(out.values[i], want[i], 1e-4f * (1.0f + std::abs(want[i])))
          << "case " << iter << " element " << i;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

}  // namespace
}  // namespace qexp::interp
