#pragma once
/// Dataset manifests (`datasets/*.yaml`): where a dataset's files are, how to read them and how
/// to preprocess them, parsed strictly into typed structs.
///
/// Unknown keys, wrong types and out-of-range values are errors with "file:line:col: key.path:"
/// (unknown keys also name the closest valid key). Relative paths are relative to the manifest's
/// directory. A manifest looks like:
///
///     name: fashion_mnist
///     format: idx                      # idx | image_folder | image_list
///     num_classes: 10                  # optional for image formats (then inferred)
///     class_names: [T-shirt/top, ...]  # optional
///     label_offset: 0                  # added to every stored label (1 for 1001-class models)
///     on_error: fail                   # fail | skip (image formats)
///     check: signature                 # signature | decode (image formats)
///     input: {height: 28, width: 28, channels: 1}   # optional model input hint
///     preprocess: {preset: unit, color: grayscale}  # or just a preset name
///     splits:
///       train: {images: train-images-idx3-ubyte.gz, labels: train-labels-idx1-ubyte.gz}
///       test: {images: ..., labels: ...}
///       # image_folder: {root: DIR}; image_list: {list: FILE, root: DIR (default: FILE's dir)}
///     sha256:                          # optional; checked when a split using the file opens
///       train-images-idx3-ubyte.gz: <64 hex digits>
///
/// preprocess map keys (all optional; fields not given come from `preset`, else from `raw`):
/// preset, central_fraction, resize (none | [H, W] | {shorter_side: S}), interpolation
/// (bilinear | area), crop (none | [H, W]), color (keep | grayscale | rgb), channel_order
/// (rgb | bgr), scale (number or fraction "1/127.5"), mean, stddev (number or list of 1 or 3).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/data/dataset.h"
#include "framework/data/preprocess.h"
#include "framework/data/readers.h"

namespace qexp::data {

enum class DatasetFormat { kIdx, kImageFolder, kImageList };

/// "idx", "image_folder", "image_list".
std::string_view dataset_format_name(DatasetFormat format);

/// A path from a manifest, resolved (absolute, or relative to the working directory), and where
/// it was written, for messages.
struct ManifestPath {
  std::string path;   ///< "" when not given
  std::string key;    ///< "splits.test.images"
  std::string where;  ///< "file:line:col"
};

/// The files of one split; which ones are set depends on the format.
struct SplitFiles {
  std::string name;     ///< "train", "test", "val", …
  ManifestPath images;  ///< idx
  ManifestPath labels;  ///< idx
  ManifestPath root;    ///< image_folder, image_list
  ManifestPath list;    ///< image_list
  std::string where;    ///< "file:line:col" of the split in the manifest
};

/// A checksum the manifest lists for one file.
struct FileDigest {
  std::string path;    ///< resolved path
  std::string sha256;  ///< 64 lower-case hex digits
  std::string where;   ///< "file:line:col" of the entry
};

/// The model input a manifest is meant for (a hint checked against the preprocessing).
struct InputHint {
  int64_t height = 0;
  int64_t width = 0;
  int64_t channels = 0;
};

struct Manifest {
  std::string path;  ///< the manifest file
  std::string dir;   ///< its directory (base of relative paths)
  std::string name;
  std::string description;
  DatasetFormat format = DatasetFormat::kIdx;
  std::vector<SplitFiles> splits;  ///< in manifest order
  int num_classes = 0;             ///< 0 = inferred when the dataset opens
  std::vector<std::string> class_names;
  int label_offset = 0;
  OnError on_error = OnError::kFail;
  ImageCheck check = ImageCheck::kSignature;
  std::optional<InputHint> input;
  std::string preprocess_preset;  ///< the preset the spec started from ("" if none)
  PreprocessSpec preprocess;      ///< resolved (preset + overrides)
  std::vector<FileDigest> sha256;

  /// nullptr if there is no such split.
  const SplitFiles* find_split(std::string_view split) const;
  /// The reader options this manifest implies.
  DatasetOptions dataset_options() const;
};

/// Reads and parses a manifest file. Errors name the file (and line:col for content errors).
Result<Manifest> load_manifest(const std::string& path);

/// Parses manifest text; `path` is used in messages and its directory resolves relative paths.
Result<Manifest> parse_manifest(std::string_view yaml_text, const std::string& path);

/// Opens one split: checks that its files exist (a missing one is kNotFound naming the manifest
/// position, key and path), verifies the listed SHA-256 digests of its files, then opens the
/// reader. Errors: an unknown split (listing the available ones and the closest), a checksum
/// mismatch (kDataLoss naming the file and both digests), or the reader's error.
Result<std::unique_ptr<Dataset>> open_dataset(const Manifest& manifest, std::string_view split);

}  // namespace qexp::data
