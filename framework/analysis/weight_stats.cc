#include "framework/analysis/weight_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace qexp::analysis {

ValueStats value_stats(std::span<const float> values) {
  ValueStats s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  s.min = s.max = values[0];
  double sum = 0;
  for (float v : values) {
    s.min = std::min<double>(s.min, v);
    s.max = std::max<double>(s.max, v);
    sum += v;
    s.sum_sq += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(values.size());
  s.mean = sum / n;
  double m2 = 0, m4 = 0;
  for (float v : values) {
    const double d = v - s.mean, d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  s.std = std::sqrt(m2);
  s.l2_norm = std::sqrt(s.sum_sq);
  if (s.std > 0) {
    s.kurtosis = m4 / (m2 * m2);
    s.crest_factor = s.abs_max() / s.std;
    int64_t b3 = 0, b6 = 0;
    for (float v : values) {
      const double z = std::fabs(v - s.mean) / s.std;
      b3 += z > 3.0;
      b6 += z > 6.0;
    }
    s.beyond_3sigma = static_cast<double>(b3) / n;
    s.beyond_6sigma = static_cast<double>(b6) / n;
  }
  return s;
}

int weight_channel_axis(ir::OpType type) {
  switch (type) {
    case ir::OpType::kConv2D:
      return 0;
    case ir::OpType::kDepthwiseConv2D:
      return 3;
    case ir::OpType::kFullyConnected:
      return 0;
    default:
      return -1;
  }
}

std::vector<std::vector<float>> split_channels(std::span<const float> values, const Shape& shape,
                                               int axis) {
  const quant::AxisSplit a = quant::split_axis(shape, axis);
  std::vector<std::vector<float>> out(static_cast<size_t>(a.channels));
  size_t i = 0;
  for (int64_t o = 0; o < a.outer; ++o) {
    for (auto& channel : out) {
      for (int64_t k = 0; k < a.inner && i < values.size(); ++k) channel.push_back(values[i++]);
    }
  }
  return out;
}

namespace {

std::optional<double> sqnr_db(double signal, double noise) {
  if (!(signal > 0) || !(noise > 0)) return std::nullopt;
  return 10.0 * std::log10(signal / noise);
}

}  // namespace

WeightQuantError weight_quant_error(const ir::Tensor& weights, int axis, bool per_channel) {
  WeightQuantError e;
  const ir::QuantParams params = quant::symmetric_weight_params(weights, axis, 127, per_channel);
  const std::vector<uint8_t> q = quant::quantize_values(weights, params, DType::kInt8, -127, 127);
  const std::span<const float> w = weights.const_data<float>();
  const quant::AxisSplit a = quant::split_axis(weights.shape, axis);
  const size_t channels = static_cast<size_t>(a.channels);
  std::vector<double> signal(channels), noise(channels), predicted(channels), uniform(channels);
  std::vector<double> channel_max(channels);
  size_t i = 0;
  for (int64_t o = 0; o < a.outer; ++o) {
    for (size_t c = 0; c < channels; ++c) {
      const double s = params.scale[per_channel ? c : 0];
      for (int64_t k = 0; k < a.inner; ++k, ++i) {
        const double x = w[i];
        int8_t qi;
        std::memcpy(&qi, &q[i], 1);
        const double d = x - static_cast<double>(qi) * s;
        signal[c] += x * x;
        noise[c] += d * d;
        predicted[c] += std::fabs(x) < s / 2 ? x * x : s * s / 12.0;
        uniform[c] += s * s / 12.0;
        channel_max[c] = std::max(channel_max[c], std::fabs(x));
      }
    }
  }
  bool first = true;
  auto sum = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  for (size_t c = 0; c < channels; ++c) {
    if (!(channel_max[c] > 0)) continue;  // a zero channel keeps the placeholder scale 1
    const double s = params.scale[per_channel ? c : 0];
    e.step_min = first ? s : std::min(e.step_min, s);
    e.step_max = first ? s : std::max(e.step_max, s);
    first = false;
    const std::optional<double> p = sqnr_db(signal[c], predicted[c]);
    if (p && (!e.worst_channel_predicted_sqnr_db || *p < *e.worst_channel_predicted_sqnr_db)) {
      e.worst_channel_predicted_sqnr_db = p;
    }
  }
  e.predicted_sqnr_db = sqnr_db(sum(signal), sum(predicted));
  e.predicted_uniform_sqnr_db = sqnr_db(sum(signal), sum(uniform));
  e.measured_sqnr_db = sqnr_db(sum(signal), sum(noise));
  return e;
}

namespace {

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

}  // namespace

std::optional<double> spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 3) return std::nullopt;
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  const double mean = (n + 1.0) / 2.0;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (saa == 0 || sbb == 0) return std::nullopt;
  return sab / std::sqrt(saa * sbb);
}

GridHistogram int8_grid_histogram(std::span<const float> values) {
  GridHistogram h;
  h.counts.assign(255, 0);
  double m = 0;
  for (float v : values) m = std::max(m, std::fabs(static_cast<double>(v)));
  if (!(m > 0) || !std::isfinite(m)) return h;
  h.step = m / 127.0;
  for (float v : values) {
    const double level = std::clamp(std::round(v / h.step), -127.0, 127.0);
    ++h.counts[static_cast<size_t>(level + 127.0)];
  }
  return h;
}

}  // namespace qexp::analysis
