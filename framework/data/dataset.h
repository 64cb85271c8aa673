#pragma once
/// The Dataset interface shared by every reader (IDX, image folder, image list), and
/// deterministic subsets of indices.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"

namespace qexp::data {

/// What a reader does with a file it cannot use (not an image, corrupt, undecodable).
enum class OnError {
  kFail,  ///< the first bad file is an error naming it
  kSkip,  ///< bad files are left out, counted and listed in DatasetStats
};

/// One decoded example.
struct Sample {
  /// uint8 [H, W, C], pixels as stored: C = 1 for grayscale, C = 3 in R, G, B order.
  Tensor image;
  /// Class id in [0, num_classes()), label_offset already applied.
  int32_t label = 0;
  /// The index this sample was read from.
  int64_t index = 0;
};

/// Counts a reader reports about the files behind a dataset.
struct DatasetStats {
  int64_t size = 0;           ///< samples available (== Dataset::size())
  int64_t skipped = 0;        ///< files left out when the dataset was opened (OnError::kSkip)
  int64_t ignored_files = 0;  ///< image-folder files without an image extension (not samples)
  int64_t get_failures = 0;   ///< get() calls that failed so far (e.g. a corrupt image)
  /// One message per skipped file, naming it and the reason (at most the first 100).
  std::vector<std::string> skip_messages;
};

/// A fixed, indexed collection of labelled images.
///
/// Thread-safety: every const method may be called concurrently from many threads (a later
/// evaluation pipeline decodes images in parallel by index).
class Dataset {
 public:
  virtual ~Dataset() = default;

  /// Number of samples; indices are 0..size()-1 in a stable order (IDX: file order; folders:
  /// class then file name, byte-wise sorted; lists: line order).
  virtual int64_t size() const = 0;
  /// Number of classes the labels are drawn from, label_offset included (e.g. 1001).
  virtual int num_classes() const = 0;
  /// Class names indexed by label, size num_classes(); empty when unknown.
  virtual const std::vector<std::string>& class_names() const = 0;

  /// Reads and decodes sample `index`. Errors: kOutOfRange for a bad index; for image files, the
  /// reader's error naming the file (kDataLoss for a corrupt image). With OnError::kSkip, a
  /// kDataLoss / kInvalidArgument error from get() means "skip this sample" (it is counted in
  /// stats().get_failures); open with ImageCheck::kDecode to find such files up front instead.
  virtual Result<Sample> get(int64_t index) const = 0;
  /// The label of `index` without decoding the image. Errors: kOutOfRange.
  virtual Result<int32_t> label(int64_t index) const = 0;
  /// Where sample `index` comes from, for messages: a file path or "images.gz[17]".
  virtual std::string source(int64_t index) const = 0;

  virtual DatasetStats stats() const = 0;

  /// `count` distinct indices drawn without replacement by a seeded shuffle (see select_indices).
  std::vector<int64_t> select(uint64_t seed, int64_t count) const {
    return select_indices(size(), seed, count);
  }
  /// Indices 0..min(count, size())-1.
  std::vector<int64_t> first(int64_t count) const;

  /// See Dataset::select.
  static std::vector<int64_t> select_indices(int64_t size, uint64_t seed, int64_t count);
};

/// splitmix64 (Steele, Lea, Flood 2014): a tiny, fully specified generator, so subsets are the
/// same on every platform and standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  /// Uniform in [0, bound) without modulo bias. Precondition: bound > 0.
  uint64_t below(uint64_t bound);

 private:
  uint64_t state_;
};

}  // namespace qexp::data
