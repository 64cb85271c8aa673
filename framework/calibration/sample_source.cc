#include "framework/calibration/sample_source.h"

#include <span>
#include <utility>

#include "framework/core/logging.h"
#include "framework/core/strings.h"

namespace qexp::calib {

DatasetSampleSource::DatasetSampleSource(std::shared_ptr<const data::Dataset> dataset,
                                         data::PreprocessSpec spec, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), spec_(std::move(spec)), indices_(std::move(indices)) {
  QEXP_CHECK(dataset_ != nullptr);
}

Status DatasetSampleSource::fill(int64_t index, TensorView input) const {
  if (index < 0 || index >= size()) {
    return out_of_range(str_cat("calibration sample ", index, " is outside [0, ", size(), ")"));
  }
  const int64_t dataset_index = indices_[static_cast<size_t>(index)];
  const std::string label =
      str_cat("calibration sample ", index, " (", dataset_->source(dataset_index), ")");
  if (input.dtype() != DType::kFloat32) {
    return unimplemented(str_cat(label, ": the model input is ", dtype_name(input.dtype()),
                                 "; preprocessing produces float32"));
  }
  QEXP_ASSIGN_OR_RETURN(data::Sample sample, dataset_->get(dataset_index).with_context(label));
  const Shape& image = sample.image.shape();
  if (image.rank() != 3) {
    return invalid_argument(
        str_cat(label, ": decoded image has shape ", image.to_string(), ", expected [H, W, C]"));
  }
  QEXP_ASSIGN_OR_RETURN(
      Shape out,
      data::preprocess_output_shape(spec_, image[0], image[1], image[2]).with_context(label));
  if (!(out == input.shape())) {
    return invalid_argument(str_cat(label, ": preprocessing gives ", out.to_string(),
                                    ", the model input is ", input.shape().to_string()));
  }
  std::span<float> dst(input.data<float>(), static_cast<size_t>(input.num_elements()));
  return data::preprocess_image(sample.image.view(), spec_, dst).with_context(label);
}

}  // namespace qexp::calib
