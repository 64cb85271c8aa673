#include "framework/data/export.h"

#include <filesystem>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"

namespace qexp::data {
namespace {

namespace fs = std::filesystem;

std::string zero_padded(int64_t value, int64_t max_value) {
  const size_t width = std::to_string(std::max<int64_t>(max_value, 0)).size();
  std::string s = std::to_string(value);
  return s.size() >= width ? s : std::string(width - s.size(), '0') + s;
}

std::string safe_folder_name(const std::string& name, int64_t label, int num_classes) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out += (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) ? '_' : c;
  }
  if (out.empty() || out == "." || out == ".." || out[0] == '.') {
    return zero_padded(label, num_classes - 1);
  }
  return out;
}

std::vector<std::string> class_folders(const Dataset& d, ExportFolderNames naming) {
  std::vector<std::string> folders;
  const auto& names = d.class_names();
  for (int c = 0; c < d.num_classes(); ++c) {
    if (naming == ExportFolderNames::kClassName && static_cast<size_t>(c) < names.size()) {
      folders.push_back(safe_folder_name(names[static_cast<size_t>(c)], c, d.num_classes()));
    } else {
      folders.push_back(zero_padded(c, d.num_classes() - 1));
    }
  }
  return folders;
}

Status check_options(const Dataset& d, const ExportOptions& o) {
  if (o.dir.empty()) return invalid_argument("export: no output directory given");
  if (o.format != ImageFormat::kPng && o.format != ImageFormat::kJpeg) {
    return invalid_argument(str_cat("export: format ", image_format_name(o.format),
                                    " cannot be written; use png or jpeg"));
  }
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100) {
    return invalid_argument(
        str_cat("export: JPEG quality ", o.jpeg_quality, " is outside [1, 100]"));
  }
  if (d.num_classes() <= 0) return invalid_argument("export: the dataset has no classes");
  for (int64_t i : o.indices) {
    if (i < 0 || i >= d.size()) {
      return out_of_range(str_cat("export: index ", i, " is outside [0, ", d.size(), ")"));
    }
  }
  return ok_status();
}

}  // namespace

Result<ExportResult> export_images(const Dataset& dataset, const ExportOptions& options) {
  QEXP_RETURN_IF_ERROR(check_options(dataset, options));
  const std::vector<int64_t> indices =
      !options.indices.empty() ? options.indices
                               : dataset.first(options.limit < 0 ? dataset.size() : options.limit);
  const std::vector<std::string> folders = class_folders(dataset, options.folder_names);
  for (const std::string& f : folders) {
    QEXP_RETURN_IF_ERROR(make_directories((fs::path(options.dir) / f).string()));
  }
  const std::string ext = options.format == ImageFormat::kPng ? ".png" : ".jpg";
  ExportResult result;
  std::string list = "# written by qexp export_images: <class folder>/<index><ext> <label>\n";
  for (int64_t index : indices) {
    QEXP_ASSIGN_OR_RETURN(Sample sample, dataset.get(index));
    if (sample.label < 0 || sample.label >= dataset.num_classes()) {
      return internal_error(str_cat(dataset.source(index), ": label ", sample.label,
                                    " is outside the dataset's classes"));
    }
    QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                          encode_image(sample.image.view(), options.format, options.jpeg_quality));
    const std::string relative = str_cat(folders[static_cast<size_t>(sample.label)], "/",
                                         zero_padded(index, dataset.size() - 1), ext);
    const std::string path = (fs::path(options.dir) / relative).string();
    QEXP_RETURN_IF_ERROR(write_file_atomic(path, bytes));
    list += str_cat(relative, " ", sample.label, "\n");
    result.files.push_back(path);
    ++result.written;
  }
  result.list_path = (fs::path(options.dir) / "labels.txt").string();
  QEXP_RETURN_IF_ERROR(write_text_file_atomic(result.list_path, list));
  return result;
}

}  // namespace qexp::data
