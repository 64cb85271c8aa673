#pragma once
/// Writing dataset images out as image files (PNG / JPEG), e.g. to build an image-folder dataset
/// from Fashion-MNIST for tests, or to look at what a reader decodes.

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/data/dataset.h"
#include "framework/data/image_codec.h"

namespace qexp::data {

/// How class sub-folders are named.
enum class ExportFolderNames {
  /// The label, zero-padded to the width of num_classes - 1 ("0".."9", "0000".."1000"), so the
  /// byte-wise sorted folder order is the label order and open_image_folder() gives back the
  /// same labels (every class folder is created, even if no image lands in it).
  kClassId,
  /// The class name with '/', '\\' and control characters replaced by '_' (falls back to the id
  /// when the dataset has no names). Sorted names are not label order: read such an export back
  /// through its labels.txt (open_image_list), not as an image folder.
  kClassName,
};

struct ExportOptions {
  std::string dir;                         ///< created if missing
  ImageFormat format = ImageFormat::kPng;  ///< kPng (lossless) or kJpeg
  int jpeg_quality = 95;                   ///< 1..100
  int64_t limit = -1;                      ///< export indices 0..limit-1; < 0 = all
  std::vector<int64_t> indices;            ///< if non-empty, exactly these (limit unused)
  ExportFolderNames folder_names = ExportFolderNames::kClassId;
};

struct ExportResult {
  int64_t written = 0;
  /// `dir`/labels.txt: one `<folder>/<file> <label>` line per image in export order (an
  /// image list relative to `dir`, readable by open_image_list with label_offset 0).
  std::string list_path;
  /// The written image paths, in export order.
  std::vector<std::string> files;
};

/// Writes images as `dir/<class folder>/<index>.<png|jpg>`, the index zero-padded to the width
/// of size() - 1. PNG output decodes to exactly the pixels get() returned. Files are written
/// atomically; existing files with the same names are replaced.
/// Errors: bad options, an index out of range, a get() error, or an I/O error naming the path.
Result<ExportResult> export_images(const Dataset& dataset, const ExportOptions& options);

}  // namespace qexp::data
