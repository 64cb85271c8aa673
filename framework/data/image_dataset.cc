#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <functional>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/data/reader_util.h"
#include "framework/data/readers.h"

namespace qexp::data {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string path;
  int32_t label = 0;
  int64_t line = 0;  // list files: 1-based line number; folders: 0
};

class ImageFilesDataset final : public Dataset {
 public:
  ImageFilesDataset(std::vector<Entry> entries, internal::ClassInfo classes, DatasetStats stats,
                    DecodeOptions decode)
      : entries_(std::move(entries)),
        classes_(std::move(classes)),
        open_stats_(std::move(stats)),
        decode_(decode) {}

  int64_t size() const override { return static_cast<int64_t>(entries_.size()); }
  int num_classes() const override { return classes_.num_classes; }
  const std::vector<std::string>& class_names() const override { return classes_.names; }

  Result<Sample> get(int64_t index) const override {
    if (Status s = check_index(index); !s.ok()) {
      ++failures_;
      return s;
    }
    const Entry& e = entries_[static_cast<size_t>(index)];
    Result<Tensor> image = read_image(e.path, decode_);
    if (!image.ok()) {
      ++failures_;
      return std::move(image).status();
    }
    Sample s;
    s.image = std::move(image).value();
    s.label = e.label;
    s.index = index;
    return s;
  }

  Result<int32_t> label(int64_t index) const override {
    QEXP_RETURN_IF_ERROR(check_index(index));
    return entries_[static_cast<size_t>(index)].label;
  }

  std::string source(int64_t index) const override {
    if (index < 0 || index >= size()) return str_cat("<index ", index, ">");
    return entries_[static_cast<size_t>(index)].path;
  }

  DatasetStats stats() const override {
    DatasetStats s = open_stats_;
    s.size = size();
    s.get_failures = failures_.load();
    return s;
  }

 private:
  Status check_index(int64_t index) const {
    if (index >= 0 && index < size()) return ok_status();
    return out_of_range(str_cat("image index ", index, " is outside [0, ", size(), ")"));
  }

  std::vector<Entry> entries_;
  internal::ClassInfo classes_;
  DatasetStats open_stats_;
  DecodeOptions decode_;
  mutable std::atomic<int64_t> failures_{0};
};

bool has_image_extension(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".pgm" ||
         ext == ".ppm" || ext == ".pnm";
}

Status check_image_file(const std::string& path, const DatasetOptions& options) {
  if (options.check == ImageCheck::kDecode) return read_image(path, options.decode).status();
  // PNG's signature is the longest checked (8 bytes); BMP needs 14 to be told apart from text.
  QEXP_ASSIGN_OR_RETURN(auto head, read_file_head(path, 16));
  return check_image_signature(head, path);
}

// Keeps the entries whose file passes the open-time check. A failure is returned (kFail, with
// `context(e)` prepended when not empty) or recorded as a skip (kSkip).
Status filter_entries(std::vector<Entry>& entries, const DatasetOptions& options,
                      DatasetStats& stats,
                      const std::function<std::string(const Entry&)>& context) {
  std::vector<Entry> kept;
  kept.reserve(entries.size());
  for (Entry& e : entries) {
    Status s = check_image_file(e.path, options);
    if (!s.ok()) {
      s.with_context(context(e));
      if (options.on_error == OnError::kFail) return s;
      internal::record_skip(stats, s.message());
      continue;
    }
    kept.push_back(std::move(e));
  }
  if (kept.empty() && !entries.empty()) {
    return invalid_argument(str_cat(
        "all ", entries.size(), " images were skipped; the first: ", stats.skip_messages.front()));
  }
  entries = std::move(kept);
  return ok_status();
}

// Sorted names of the entries of `dir` that satisfy `want` (hidden names excluded).
Result<std::vector<std::string>> list_dir(
    const std::string& dir, const std::function<bool(const fs::directory_entry&)>& want) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return io_error(str_cat(dir, ": cannot list directory: ", ec.message()));
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] != '.' && want(*it)) names.push_back(std::move(name));
  }
  if (ec) return io_error(str_cat(dir, ": cannot list directory: ", ec.message()));
  std::sort(names.begin(), names.end());
  return names;
}

bool is_dir(const fs::directory_entry& e) {
  std::error_code ec;
  return e.is_directory(ec);
}

bool is_file(const fs::directory_entry& e) {
  std::error_code ec;
  return e.is_regular_file(ec);
}

std::vector<std::string> folder_class_names(const std::vector<std::string>& dirs, int offset) {
  std::vector<std::string> names;
  for (int i = 0; i < offset; ++i) {
    names.push_back(offset == 1 ? std::string("background") : str_cat("unused_", i));
  }
  names.insert(names.end(), dirs.begin(), dirs.end());
  return names;
}

}  // namespace

Result<std::unique_ptr<Dataset>> open_image_folder(const std::string& root,
                                                   const DatasetOptions& options) {
  QEXP_RETURN_IF_ERROR(internal::check_options(options, root));
  if (options.label_offset < 0) {
    return invalid_argument(str_cat(root, ": label_offset ", options.label_offset,
                                    " is negative; an image folder numbers classes from 0"));
  }
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return not_found(str_cat(root, ": no such directory (expected one sub-folder per class)"));
  }
  QEXP_ASSIGN_OR_RETURN(std::vector<std::string> class_dirs, list_dir(root, is_dir));
  if (class_dirs.empty()) return invalid_argument(str_cat(root, ": has no class sub-folders"));
  const int64_t folder_classes = static_cast<int64_t>(class_dirs.size()) + options.label_offset;
  if (options.num_classes > 0 && options.num_classes != folder_classes) {
    return invalid_argument(str_cat(root, ": ", class_dirs.size(), " class sub-folders + ",
                                    "label_offset ", options.label_offset, " = ", folder_classes,
                                    " classes, but num_classes is ", options.num_classes));
  }
  QEXP_ASSIGN_OR_RETURN(internal::ClassInfo classes,
                        internal::resolve_classes(options, folder_classes, root));
  if (classes.num_classes != folder_classes) {
    return invalid_argument(str_cat(root, ": ", classes.names.size(), " class names given but ",
                                    "the folder has ", folder_classes, " classes (",
                                    class_dirs.size(), " sub-folders + label_offset ",
                                    options.label_offset, ")"));
  }
  if (classes.names.empty()) classes.names = folder_class_names(class_dirs, options.label_offset);

  DatasetStats stats;
  std::vector<Entry> entries;
  for (size_t c = 0; c < class_dirs.size(); ++c) {
    const std::string dir = (fs::path(root) / class_dirs[c]).string();
    QEXP_ASSIGN_OR_RETURN(std::vector<std::string> files, list_dir(dir, is_file));
    for (const std::string& f : files) {
      if (!has_image_extension(f)) {
        ++stats.ignored_files;
        continue;
      }
      entries.push_back(
          {(fs::path(dir) / f).string(), static_cast<int32_t>(c) + options.label_offset, 0});
    }
  }
  QEXP_RETURN_IF_ERROR(
      filter_entries(entries, options, stats, [](const Entry&) { return std::string(); }));
  return std::unique_ptr<Dataset>(
      new ImageFilesDataset(std::move(entries), std::move(classes), stats, options.decode));
}

namespace {

// Parses one non-blank, non-comment line `<filename> <label>` of an image list.
Result<Entry> parse_list_line(std::string_view line, const std::string& root,
                              const std::string& where) {
  const size_t split = line.find_last_of(" \t");
  if (split == std::string_view::npos) {
    return invalid_argument(
        str_cat(where, ": expected '<filename> <label>', got ", qexp::quoted(line)));
  }
  const std::string_view label_text = line.substr(split + 1);
  const std::string_view name = str_trim(line.substr(0, split));
  int64_t label = 0;
  auto [end, ec] = std::from_chars(label_text.data(), label_text.data() + label_text.size(), label);
  if (ec != std::errc() || end != label_text.data() + label_text.size() || label < INT32_MIN / 2 ||
      label > INT32_MAX / 2) {
    return invalid_argument(str_cat(where, ": label ", qexp::quoted(label_text),
                                    " is not an integer (expected '<filename> <label>')"));
  }
  Entry e;
  e.path = (root.empty() || fs::path(name).is_absolute()) ? std::string(name)
                                                          : (fs::path(root) / name).string();
  e.label = static_cast<int32_t>(label);
  std::error_code fs_ec;
  if (!fs::exists(e.path, fs_ec)) return not_found(str_cat(where, ": ", e.path, ": no such file"));
  if (!fs::is_regular_file(e.path, fs_ec)) {
    return invalid_argument(str_cat(where, ": ", e.path, ": is not a regular file"));
  }
  return e;
}

}  // namespace

Result<std::unique_ptr<Dataset>> open_image_list(const std::string& root,
                                                 const std::string& list_path,
                                                 const DatasetOptions& options) {
  QEXP_RETURN_IF_ERROR(internal::check_options(options, list_path));
  QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(list_path, int64_t{1} << 30));
  std::vector<Entry> entries;
  int64_t line_no = 0;
  int64_t max_label = -1;
  for (const std::string& raw : str_split(text, '\n')) {
    ++line_no;
    std::string_view line = str_trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = str_cat(list_path, ":", line_no);
    QEXP_ASSIGN_OR_RETURN(Entry e, parse_list_line(line, root, where));
    e.label += options.label_offset;
    e.line = line_no;
    max_label = std::max<int64_t>(max_label, e.label);
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return invalid_argument(str_cat(list_path, ": lists no images"));
  QEXP_ASSIGN_OR_RETURN(internal::ClassInfo classes,
                        internal::resolve_classes(options, max_label + 1, list_path));
  std::vector<int32_t> labels;
  for (const Entry& e : entries) labels.push_back(e.label);
  QEXP_RETURN_IF_ERROR(internal::check_labels(labels, classes.num_classes, [&](size_t i) {
    return str_cat(list_path, ":", entries[i].line);
  }));
  DatasetStats stats;
  QEXP_RETURN_IF_ERROR(filter_entries(
      entries, options, stats, [&](const Entry& e) { return str_cat(list_path, ":", e.line); }));
  return std::unique_ptr<Dataset>(
      new ImageFilesDataset(std::move(entries), std::move(classes), stats, options.decode));
}

}  // namespace qexp::data
