#pragma once
/// The numbers the runner reports besides accuracy: output fidelity of a variant vs the float
/// baseline, signal-to-quantization-noise ratios, and summary statistics over seeds.
///
/// Every accumulation runs in a fixed order in double, so results do not depend on threads.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace qexp::exp {

/// Σx² and Σ(x − x̂)² over any number of value pairs.
struct ErrorAccumulator {
  double signal = 0.0;  ///< Σ x²
  double noise = 0.0;   ///< Σ (x − x̂)²
  int64_t count = 0;

  void add(const float* reference, const float* approx, int64_t n);
  /// 10·log10(signal / noise); nullopt (= no error, "∞") when noise is 0. A zero signal with
  /// noise gives −∞, reported as the lowest finite value −999 dB.
  std::optional<double> sqnr_db() const;
  /// sqrt(noise / count) (0 when count is 0).
  double rmse() const;
};

/// Output fidelity of a variant against the baseline on the same images.
struct Fidelity {
  int64_t count = 0;
  double top1_agreement_percent = 0.0;  ///< argmax equal (ties: lower index)
  double mean_kl = 0.0;                 ///< mean KL(p_float ‖ p_variant), natural log
  std::optional<double> output_sqnr_db;
};

/// Mergeable sums behind Fidelity, so shards of an evaluation can be combined: adding the
/// per-shard sums in shard order gives the same result wherever each shard ran.
struct FidelitySums {
  int64_t rows = 0, agree = 0;
  double kl_sum = 0.0;
  ErrorAccumulator error;

  void merge(const FidelitySums& other);
  Fidelity finish() const;
};

/// The sums for two [rows × classes] output matrices (see compare_outputs).
FidelitySums fidelity_sums(std::span<const float> baseline, std::span<const float> variant,
                           int64_t classes, bool probabilities);

/// Compares two [count × classes] output matrices row by row. `probabilities`: the rows are
/// already distributions (the model ends in SOFTMAX); otherwise each row is softmaxed first.
/// Variant probabilities are clamped to ≥ 1e-12 so a class the variant rounds to 0 gives a
/// large but finite divergence.
Fidelity compare_outputs(std::span<const float> baseline, std::span<const float> variant,
                         int64_t classes, bool probabilities);

/// Mean, sample standard deviation and 95 % confidence half-width t(0.975, n−1)·s/√n of values
/// (n ≥ 2; with n = 1 std and ci are 0).
struct SampleSummary {
  int64_t n = 0;
  double mean = 0.0, stddev = 0.0, ci95 = 0.0, min = 0.0, max = 0.0;
};
SampleSummary summarize(std::span<const double> values);

/// Two-sided 97.5 % quantile of Student's t with `dof` ≥ 1 degrees of freedom.
double student_t975(int64_t dof);

}  // namespace qexp::exp
