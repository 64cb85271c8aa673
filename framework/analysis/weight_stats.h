#pragma once
/// Statistics of weight tensors and the int8 weight-quantization error model behind the `weights`
/// analysis (plugins/analysis/weights).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "framework/ir/graph.h"
#include "framework/quantization/quant_params.h"

namespace qexp::analysis {

/// Moments and tail figures of a set of values (accumulated in double).
struct ValueStats {
  int64_t count = 0;
  double min = 0, max = 0, mean = 0;
  double std = 0;            ///< population standard deviation
  double sum_sq = 0;         ///< Σw²
  double l2_norm = 0;        ///< √Σw²
  double kurtosis = 0;       ///< E[(w−μ)⁴] / σ⁴ (3 for a Gaussian; 0 when σ = 0)
  double crest_factor = 0;   ///< max|w| / σ (0 when σ = 0)
  double beyond_3sigma = 0;  ///< fraction of values with |w − μ| > 3σ
  double beyond_6sigma = 0;  ///< fraction with |w − μ| > 6σ
  double abs_max() const { return std::max(-min, max); }
};
ValueStats value_stats(std::span<const float> values);

/// Axis of the output channel in the weights of `type` (CONV_2D OHWI: 0, DEPTHWISE_CONV_2D
/// [1,H,W,C·M]: 3, FULLY_CONNECTED [N,K]: 0); -1 for other ops.
int weight_channel_axis(ir::OpType type);

/// The values of channel c (along `axis`) of a float tensor.
std::vector<std::vector<float>> split_channels(std::span<const float> values, const Shape& shape,
                                               int axis);

/// Error of symmetric int8 weight quantization ([-127, 127], scale max|w| / 127 per tensor or
/// per channel — the quantizer's rule) of one tensor.
struct WeightQuantError {
  double step_min = 0, step_max = 0;  ///< smallest / largest scale over channels
  /// Prediction from the values and the step s of their channel: each value with |w| ≥ s/2
  /// contributes the uniform rounding noise s²/12, each smaller one rounds to 0 and contributes
  /// w² (the dead zone). SQNR = 10·log10(Σw² / Σ noise).
  std::optional<double> predicted_sqnr_db;
  /// The textbook uniform-noise model: every value contributes s²/12.
  std::optional<double> predicted_uniform_sqnr_db;
  /// Quantize-dequantize with quant::quantize_values, then 10·log10(Σw² / Σ(w − ŵ)²).
  /// nullopt for an exact result (no error) or an all-zero tensor.
  std::optional<double> measured_sqnr_db;
  /// The lowest per-channel predicted SQNR (each output channel against its own signal; an
  /// aggregate SQNR hides small channels that round to zero). nullopt if no channel has signal.
  std::optional<double> worst_channel_predicted_sqnr_db;
};
/// Channels are split along `axis` either way; `per_channel` picks one step per channel or one
/// for the tensor. Precondition: `weights` is a float32 constant, axis in range.
WeightQuantError weight_quant_error(const ir::Tensor& weights, int axis, bool per_channel);

/// Spearman's rank correlation of paired values (average ranks for ties); nullopt for fewer than
/// 3 pairs, different lengths, or a constant side.
std::optional<double> spearman(const std::vector<double>& a, const std::vector<double>& b);

/// Histogram aligned with the per-tensor int8 grid: 255 bins, bin i holds the values that
/// quantize to level i − 127 (cell [(i−127.5)·s, (i−126.5)·s), s = max|w| / 127). All zero for
/// an all-zero tensor (s = 0).
struct GridHistogram {
  double step = 0;
  std::vector<int64_t> counts;
};
GridHistogram int8_grid_histogram(std::span<const float> values);

}  // namespace qexp::analysis
