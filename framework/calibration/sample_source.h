#pragma once
/// Where calibration samples come from. The driver never opens files: it asks a SampleSource to
/// write sample i into the model's input.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/data/dataset.h"
#include "framework/data/preprocess.h"

namespace qexp::calib {

/// An indexed, fixed list of model inputs for a single-input graph.
///
/// Thread-safety: fill() is called concurrently from the driver's worker threads (each with
/// its own `input`), so it must be safe to call from several threads at once.
class SampleSource {
 public:
  virtual ~SampleSource() = default;
  /// Number of samples; the statistics' sample order is 0..size()-1.
  virtual int64_t size() const = 0;
  /// Writes sample `index` (0 <= index < size()) into `input`: the graph input's dtype with
  /// batch 1 (e.g. float32 [1, 224, 224, 3]). Errors name the sample's origin.
  virtual Status fill(int64_t index, TensorView input) const = 0;
};

/// Samples `indices[i]` of a dataset, decoded and preprocessed with `spec` into float32 NHWC.
class DatasetSampleSource final : public SampleSource {
 public:
  /// Preconditions: dataset non-null. The spec is validated on the first fill.
  DatasetSampleSource(std::shared_ptr<const data::Dataset> dataset, data::PreprocessSpec spec,
                      std::vector<int64_t> indices);

  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  /// Errors: a dataset read / decode error, a preprocessing error, or an output shape that
  /// differs from `input` ("sample 3 (images.gz[17]): preprocessing gives [1,28,28,1], the
  /// model input is [1,32,32,1]"); input must be float32.
  Status fill(int64_t index, TensorView input) const override;

 private:
  std::shared_ptr<const data::Dataset> dataset_;
  data::PreprocessSpec spec_;
  std::vector<int64_t> indices_;
};

}  // namespace qexp::calib
