#include "framework/experiment/metrics.h"

#include <algorithm>
#include <cmath>

namespace qexp::exp {

void ErrorAccumulator::add(const float* reference, const float* approx, int64_t n) {
  double s = 0.0, e = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double x = reference[i];
    const double d = x - static_cast<double>(approx[i]);
    s += x * x;
    e += d * d;
  }
  signal += s;
  noise += e;
  count += n;
}

std::optional<double> ErrorAccumulator::sqnr_db() const {
  if (!(noise > 0.0)) return std::nullopt;
  if (!(signal > 0.0)) return -999.0;
  return 10.0 * std::log10(signal / noise);
}

double ErrorAccumulator::rmse() const {
  return count > 0 ? std::sqrt(noise / static_cast<double>(count)) : 0.0;
}

namespace {

int64_t argmax(const float* row, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    if (row[i] > row[best]) best = i;
  }
  return best;
}

// Row as a distribution in double: copied (clamped at 0) or softmaxed.
void distribution(const float* row, int64_t n, bool probabilities, std::vector<double>* out) {
  out->resize(static_cast<size_t>(n));
  if (probabilities) {
    for (int64_t i = 0; i < n; ++i) (*out)[static_cast<size_t>(i)] = std::max(0.0, double{row[i]});
    return;
  }
  const double top = row[argmax(row, n)];
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += (*out)[static_cast<size_t>(i)] = std::exp(row[i] - top);
  for (double& v : *out) v /= sum;
}

}  // namespace

FidelitySums fidelity_sums(std::span<const float> baseline, std::span<const float> variant,
                           int64_t classes, bool probabilities) {
  FidelitySums f;
  if (classes <= 0 || baseline.size() != variant.size()) return f;
  const int64_t rows = static_cast<int64_t>(baseline.size()) / classes;
  std::vector<double> p, q;
  for (int64_t r = 0; r < rows; ++r) {
    const float* a = baseline.data() + r * classes;
    const float* b = variant.data() + r * classes;
    if (argmax(a, classes) == argmax(b, classes)) ++f.agree;
    distribution(a, classes, probabilities, &p);
    distribution(b, classes, probabilities, &q);
    double kl = 0.0;
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] > 0.0) kl += p[i] * std::log(p[i] / std::max(q[i], 1e-12));
    }
    f.kl_sum += kl;
    f.error.add(a, b, classes);
  }
  f.rows = rows;
  return f;
}

void FidelitySums::merge(const FidelitySums& o) {
  rows += o.rows;
  agree += o.agree;
  kl_sum += o.kl_sum;
  error.signal += o.error.signal;
  error.noise += o.error.noise;
  error.count += o.error.count;
}

Fidelity FidelitySums::finish() const {
  Fidelity f;
  f.count = rows;
  if (rows > 0) {
    f.top1_agreement_percent = 100.0 * static_cast<double>(agree) / static_cast<double>(rows);
    f.mean_kl = kl_sum / static_cast<double>(rows);
  }
  f.output_sqnr_db = error.sqnr_db();
  return f;
}

Fidelity compare_outputs(std::span<const float> baseline, std::span<const float> variant,
                         int64_t classes, bool probabilities) {
  return fidelity_sums(baseline, variant, classes, probabilities).finish();
}

double student_t975(int64_t dof) {
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                      2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                      2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                      2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof < 1) return 0.0;
  if (dof <= 30) return kTable[dof - 1];
  // Cornish–Fisher expansion around the normal quantile (error < 1e-4 for dof > 30).
  const double z = 1.959963984540054, v = static_cast<double>(dof);
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v);
}

SampleSummary summarize(std::span<const double> values) {
  SampleSummary s;
  s.n = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  double sum = 0.0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / static_cast<double>(s.n);
  if (s.n < 2) return s;
  double ss = 0.0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(ss / static_cast<double>(s.n - 1));
  s.ci95 = student_t975(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(s.n));
  return s;
}

}  // namespace qexp::exp
