#pragma once
/// Opening datasets from files: IDX pairs, image folders (one sub-folder per class) and image
/// lists (`filename label` lines, ImageNet-validation style).

#include <memory>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/data/dataset.h"
#include "framework/data/idx.h"
#include "framework/data/image_codec.h"

namespace qexp::data {

/// How much an image reader checks when it opens a folder or list.
enum class ImageCheck {
  kSignature,  ///< read the first bytes of every file (cheap); decoding errors surface in get()
  kDecode,     ///< decode every file once while opening (slow for large sets)
};

/// Options shared by all readers. Fields a reader does not use are ignored.
struct DatasetOptions {
  /// Number of classes, label_offset included; 0 = infer (from class_names if given, else
  /// image folders: sub-folders + label_offset, IDX and lists: largest label + 1). Every label
  /// (after the offset) must be in [0, num_classes).
  int num_classes = 0;
  /// Names indexed by label; if given its size must equal num_classes. For image folders it
  /// replaces the sub-folder names.
  std::vector<std::string> class_names;
  /// Added to every stored label, e.g. +1 for 1001-class models whose class 0 is "background".
  int label_offset = 0;
  /// Images only: what to do with files that are not images or do not decode.
  OnError on_error = OnError::kFail;
  ImageCheck check = ImageCheck::kSignature;
  DecodeOptions decode;
  /// IDX only: decompression limit.
  IdxOptions idx;
};

/// Opens an IDX images file and its labels file. The images and labels must have the same count.
/// All pixels are held in memory; get() copies one image out as uint8 [rows, cols, 1].
Result<std::unique_ptr<Dataset>> open_idx_dataset(const std::string& images_path,
                                                  const std::string& labels_path,
                                                  const DatasetOptions& options = {});

/// Opens `root/<class>/<file>`: each sub-folder of root is a class; class names are sorted
/// byte-wise and numbered 0..K-1 (+ label_offset); files inside a class folder are sorted
/// byte-wise. Only files with an image extension (.png .jpg .jpeg .bmp .pgm .ppm .pnm, any case)
/// are samples; other files in class folders are counted in stats().ignored_files, and files
/// directly in root (e.g. a labels.txt) and hidden entries are ignored. Empty class folders
/// still count as classes. Without class_names, the names are the folder names (offset slots:
/// "background" for label_offset 1, else "unused_<i>").
Result<std::unique_ptr<Dataset>> open_image_folder(const std::string& root,
                                                   const DatasetOptions& options = {});

/// Opens an image list: each line `<filename> <label>`, the filename relative to `root` (or
/// absolute) and the label the last whitespace-separated integer on the line (so file names may
/// contain spaces). Blank lines and lines starting with '#' are ignored. A malformed line or a
/// listed file that does not exist is an error naming `list_path:line` (regardless of
/// on_error, which applies to files that exist but are not usable images).
Result<std::unique_ptr<Dataset>> open_image_list(const std::string& root,
                                                 const std::string& list_path,
                                                 const DatasetOptions& options = {});

}  // namespace qexp::data
