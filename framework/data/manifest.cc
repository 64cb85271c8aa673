#include "framework/data/manifest.h"

#include <filesystem>

#include "framework/core/file_io.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/data/yaml_reader.h"

namespace qexp::data {
namespace {

namespace fs = std::filesystem;
using internal::find_field;
using internal::YamlField;
using internal::YamlReader;

const std::vector<std::string> kTopKeys = {"name",        "description",  "format",   "num_classes",
                                           "class_names", "label_offset", "on_error", "check",
                                           "input",       "preprocess",   "splits",   "sha256"};
const std::vector<std::string> kPreprocessKeys = {
    "preset", "central_fraction", "resize", "interpolation", "crop",
    "color",  "channel_order",    "scale",  "mean",          "stddev"};

struct Context {
  const YamlReader& reader;
  const YAML::Node& root;
  Manifest& m;
};

Status missing_key(const YamlReader& r, const YAML::Node& node, std::string_view path,
                   std::string_view key) {
  return r.error_at(node, path, str_cat("missing required key ", qexp::quoted(key)));
}

ManifestPath resolve(const Manifest& m, const YamlReader& r, const YamlField& f,
                     const std::string& text) {
  fs::path p(text);
  if (p.is_relative() && !m.dir.empty()) p = fs::path(m.dir) / p;
  return ManifestPath{p.lexically_normal().string(), f.path, r.where(f.value, f.key)};
}

Result<ManifestPath> path_field(const Context& c, const std::vector<YamlField>& fields,
                                const YamlField& split, std::string_view key, bool required) {
  const YamlField* f = find_field(fields, key);
  if (f == nullptr) {
    if (required) return missing_key(c.reader, split.value, split.path, key);
    return ManifestPath{};
  }
  QEXP_ASSIGN_OR_RETURN(std::string text, c.reader.as_string(*f));
  if (text.empty()) return c.reader.error(*f, "empty path");
  return resolve(c.m, c.reader, *f, text);
}

Result<SplitFiles> parse_split(const Context& c, const YamlField& split) {
  static const std::vector<std::string> kIdx = {"images", "labels"};
  static const std::vector<std::string> kFolder = {"root"};
  static const std::vector<std::string> kList = {"list", "root"};
  const DatasetFormat fmt = c.m.format;
  const auto& allowed = fmt == DatasetFormat::kIdx           ? kIdx
                        : fmt == DatasetFormat::kImageFolder ? kFolder
                                                             : kList;
  QEXP_ASSIGN_OR_RETURN(auto fields, c.reader.map_fields(split.value, split.path, allowed));
  SplitFiles s;
  s.name = split.key.Scalar();
  s.where = c.reader.where(split.value, split.key);
  if (fmt == DatasetFormat::kIdx) {
    QEXP_ASSIGN_OR_RETURN(s.images, path_field(c, fields, split, "images", true));
    QEXP_ASSIGN_OR_RETURN(s.labels, path_field(c, fields, split, "labels", true));
  } else if (fmt == DatasetFormat::kImageFolder) {
    QEXP_ASSIGN_OR_RETURN(s.root, path_field(c, fields, split, "root", true));
  } else {
    QEXP_ASSIGN_OR_RETURN(s.list, path_field(c, fields, split, "list", true));
    QEXP_ASSIGN_OR_RETURN(s.root, path_field(c, fields, split, "root", false));
    if (s.root.path.empty()) {
      s.root = ManifestPath{fs::path(s.list.path).parent_path().string(), s.list.key, s.list.where};
    }
  }
  return s;
}

Status parse_splits(const Context& c, const YamlField& f) {
  QEXP_ASSIGN_OR_RETURN(auto splits, c.reader.map_fields(f.value, f.path, {}));
  if (splits.empty()) return c.reader.error(f, "lists no splits");
  for (const YamlField& split : splits) {
    QEXP_ASSIGN_OR_RETURN(SplitFiles s, parse_split(c, split));
    c.m.splits.push_back(std::move(s));
  }
  return ok_status();
}

// resize: none | [H, W] | {shorter_side: S}
Status parse_resize(const YamlReader& r, const YamlField& f, PreprocessSpec& spec) {
  if (f.value.IsScalar() && f.value.Scalar() == "none") {
    spec.resize = ResizeMode::kNone;
    return ok_status();
  }
  if (f.value.IsMap()) {
    QEXP_ASSIGN_OR_RETURN(auto fields, r.map_fields(f.value, f.path, {"shorter_side"}));
    const YamlField* s = find_field(fields, "shorter_side");
    if (s == nullptr) return missing_key(r, f.value, f.path, "shorter_side");
    QEXP_ASSIGN_OR_RETURN(spec.shorter_side, r.as_int(*s, 1, 16384));
    spec.resize = ResizeMode::kShorterSide;
    return ok_status();
  }
  if (!f.value.IsSequence() || f.value.size() != 2) {
    return r.error(f, str_cat("expected none, [height, width] or {shorter_side: S}, got ",
                              internal::node_kind(f.value)));
  }
  YamlField h{f.path + "[0]", f.key, f.value[0]}, w{f.path + "[1]", f.key, f.value[1]};
  QEXP_ASSIGN_OR_RETURN(spec.resize_height, r.as_int(h, 1, 16384));
  QEXP_ASSIGN_OR_RETURN(spec.resize_width, r.as_int(w, 1, 16384));
  spec.resize = ResizeMode::kExact;
  return ok_status();
}

// crop: none | [H, W]
Status parse_crop(const YamlReader& r, const YamlField& f, PreprocessSpec& spec) {
  if (f.value.IsScalar() && f.value.Scalar() == "none") {
    spec.crop_height = spec.crop_width = 0;
    return ok_status();
  }
  if (!f.value.IsSequence() || f.value.size() != 2) {
    return r.error(f,
                   str_cat("expected none or [height, width], got ", internal::node_kind(f.value)));
  }
  YamlField h{f.path + "[0]", f.key, f.value[0]}, w{f.path + "[1]", f.key, f.value[1]};
  QEXP_ASSIGN_OR_RETURN(spec.crop_height, r.as_int(h, 1, 16384));
  QEXP_ASSIGN_OR_RETURN(spec.crop_width, r.as_int(w, 1, 16384));
  return ok_status();
}

Result<std::vector<float>> float_list(const YamlReader& r, const YamlField& f) {
  QEXP_ASSIGN_OR_RETURN(std::vector<double> v, r.as_number_list(f, /*allow_scalar=*/true));
  if (v.size() != 1 && v.size() != 3) {
    return r.error(f, str_cat("has ", v.size(), " values, expected 1 or 3"));
  }
  return std::vector<float>(v.begin(), v.end());
}

// One override key of a preprocess map.
Status parse_preprocess_key(const YamlReader& r, const YamlField& f, PreprocessSpec& s) {
  const std::string& key = f.key.Scalar();
  if (key == "central_fraction") {
    QEXP_ASSIGN_OR_RETURN(s.central_fraction, r.as_number(f));
  } else if (key == "resize") {
    return parse_resize(r, f, s);
  } else if (key == "interpolation") {
    QEXP_ASSIGN_OR_RETURN(std::string v, r.as_choice(f, {"bilinear", "area"}));
    s.interpolation = v == "area" ? Interpolation::kArea : Interpolation::kBilinear;
  } else if (key == "crop") {
    return parse_crop(r, f, s);
  } else if (key == "color") {
    QEXP_ASSIGN_OR_RETURN(std::string v, r.as_choice(f, {"keep", "grayscale", "rgb"}));
    s.color = v == "keep" ? ColorMode::kKeep : v == "rgb" ? ColorMode::kRgb : ColorMode::kGrayscale;
  } else if (key == "channel_order") {
    QEXP_ASSIGN_OR_RETURN(std::string v, r.as_choice(f, {"rgb", "bgr"}));
    s.channel_order = v == "bgr" ? ChannelOrder::kBgr : ChannelOrder::kRgb;
  } else if (key == "scale") {
    QEXP_ASSIGN_OR_RETURN(double v, r.as_number(f));
    s.scale = static_cast<float>(v);
  } else if (key == "mean") {
    QEXP_ASSIGN_OR_RETURN(s.mean, float_list(r, f));
  } else if (key == "stddev") {
    QEXP_ASSIGN_OR_RETURN(s.stddev, float_list(r, f));
  }
  return ok_status();
}

Status parse_preprocess(const Context& c, const YamlField& f) {
  const YamlReader& r = c.reader;
  std::string preset = "raw";
  std::vector<YamlField> fields;
  if (f.value.IsScalar()) {
    preset = f.value.Scalar();
  } else {
    QEXP_ASSIGN_OR_RETURN(fields, r.map_fields(f.value, f.path, kPreprocessKeys));
    if (const YamlField* p = find_field(fields, "preset")) {
      QEXP_ASSIGN_OR_RETURN(preset, r.as_string(*p));
    }
  }
  Result<PreprocessSpec> base = preprocess_preset(preset);
  if (!base.ok()) return r.error(f, base.status().message());
  PreprocessSpec spec = std::move(base).value();
  for (const YamlField& field : fields) {
    QEXP_RETURN_IF_ERROR(parse_preprocess_key(r, field, spec));
  }
  Status valid = validate_preprocess(spec);
  if (!valid.ok()) return r.error(f, valid.message());
  const bool named = f.value.IsScalar() || find_field(fields, "preset") != nullptr;
  c.m.preprocess_preset = named ? preset : "";
  c.m.preprocess = std::move(spec);
  return ok_status();
}

Status parse_input(const Context& c, const YamlField& f) {
  QEXP_ASSIGN_OR_RETURN(auto fields,
                        c.reader.map_fields(f.value, f.path, {"height", "width", "channels"}));
  InputHint hint;
  for (std::string_view key : {"height", "width", "channels"}) {
    const YamlField* k = find_field(fields, key);
    if (k == nullptr) return missing_key(c.reader, f.value, f.path, key);
    const bool ch = key == "channels";
    QEXP_ASSIGN_OR_RETURN(int64_t v, c.reader.as_int(*k, 1, ch ? 3 : 16384));
    if (ch && v == 2) return c.reader.error(*k, "2 channels: expected 1 or 3");
    (key == "height" ? hint.height : key == "width" ? hint.width : hint.channels) = v;
  }
  c.m.input = hint;
  return ok_status();
}

bool is_hex_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char ch : s) {
    if (!std::isxdigit(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

Status parse_sha256(const Context& c, const YamlField& f) {
  QEXP_ASSIGN_OR_RETURN(auto fields, c.reader.map_fields(f.value, f.path, {}));
  std::vector<std::string> used;  // files the splits read, as resolved paths
  for (const SplitFiles& s : c.m.splits) {
    for (const ManifestPath* p : {&s.images, &s.labels, &s.list}) {
      if (!p->path.empty()) used.push_back(p->path);
    }
  }
  for (const YamlField& e : fields) {
    const ManifestPath p = resolve(c.m, c.reader, e, e.key.Scalar());
    if (std::find(used.begin(), used.end(), p.path) == used.end()) {
      return c.reader.error_at(e.key, e.path,
                               str_cat("is not a file any split reads (", p.path, ")"));
    }
    QEXP_ASSIGN_OR_RETURN(std::string hex, c.reader.as_string(e));
    if (!is_hex_digest(hex)) return c.reader.error(e, "expected 64 hex digits (a SHA-256)");
    for (char& ch : hex) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.m.sha256.push_back({p.path, hex, c.reader.where(e.value, e.key)});
  }
  return ok_status();
}

Status parse_labels(const Context& c, const std::vector<YamlField>& fields) {
  const YamlReader& r = c.reader;
  if (const YamlField* f = find_field(fields, "num_classes")) {
    QEXP_ASSIGN_OR_RETURN(int64_t n, r.as_int(*f, 1, int64_t{1} << 24));
    c.m.num_classes = static_cast<int>(n);
  }
  if (const YamlField* f = find_field(fields, "label_offset")) {
    QEXP_ASSIGN_OR_RETURN(int64_t n, r.as_int(*f, -(int64_t{1} << 24), int64_t{1} << 24));
    c.m.label_offset = static_cast<int>(n);
  }
  if (const YamlField* f = find_field(fields, "class_names")) {
    QEXP_ASSIGN_OR_RETURN(c.m.class_names, r.as_string_list(*f));
    const auto n = static_cast<int64_t>(c.m.class_names.size());
    if (c.m.num_classes > 0 && n != c.m.num_classes) {
      return r.error(*f, str_cat("has ", n, " names but num_classes is ", c.m.num_classes));
    }
  }
  if (const YamlField* f = find_field(fields, "on_error")) {
    QEXP_ASSIGN_OR_RETURN(std::string v, r.as_choice(*f, {"fail", "skip"}));
    c.m.on_error = v == "skip" ? OnError::kSkip : OnError::kFail;
  }
  if (const YamlField* f = find_field(fields, "check")) {
    QEXP_ASSIGN_OR_RETURN(std::string v, r.as_choice(*f, {"signature", "decode"}));
    c.m.check = v == "decode" ? ImageCheck::kDecode : ImageCheck::kSignature;
  }
  return ok_status();
}

// The input hint and the preprocessing must agree wherever the spec fixes the output.
Status check_input_hint(const Context& c, const YamlField& preprocess) {
  if (!c.m.input) return ok_status();
  const FixedOutput out = fixed_output(c.m.preprocess);
  const InputHint& in = *c.m.input;
  if ((out.height != 0 && out.height != in.height) || (out.width != 0 && out.width != in.width) ||
      (out.channels != 0 && out.channels != in.channels)) {
    auto dim = [](int64_t v) { return v == 0 ? std::string("?") : str_cat(v); };
    return c.reader.error(preprocess, str_cat("produces ", dim(out.height), "x", dim(out.width),
                                              "x", dim(out.channels), " but input says ", in.height,
                                              "x", in.width, "x", in.channels));
  }
  return ok_status();
}

// Fields are checked in dependency order (format before splits, splits before sha256); a
// missing required key is reported only after the keys that are present were found valid.
Status parse_root(const Context& c) {
  const YamlReader& r = c.reader;
  QEXP_ASSIGN_OR_RETURN(auto fields, r.map_fields(c.root, "", kTopKeys));
  auto require = [&](std::string_view key) -> Result<const YamlField*> {
    const YamlField* f = find_field(fields, key);
    if (f == nullptr) return missing_key(r, c.root, "", key);
    return f;
  };
  if (const YamlField* f = find_field(fields, "name")) {
    QEXP_ASSIGN_OR_RETURN(c.m.name, r.as_string(*f));
  }
  if (const YamlField* f = find_field(fields, "description")) {
    QEXP_ASSIGN_OR_RETURN(c.m.description, r.as_string(*f));
  }
  if (const YamlField* f = find_field(fields, "format")) {
    QEXP_ASSIGN_OR_RETURN(std::string format,
                          r.as_choice(*f, {"idx", "image_folder", "image_list"}));
    c.m.format = format == "idx"            ? DatasetFormat::kIdx
                 : format == "image_folder" ? DatasetFormat::kImageFolder
                                            : DatasetFormat::kImageList;
  }
  QEXP_RETURN_IF_ERROR(parse_labels(c, fields));
  if (const YamlField* f = find_field(fields, "input")) QEXP_RETURN_IF_ERROR(parse_input(c, *f));
  if (const YamlField* f = find_field(fields, "preprocess")) {
    QEXP_RETURN_IF_ERROR(parse_preprocess(c, *f));
    QEXP_RETURN_IF_ERROR(check_input_hint(c, *f));
  }
  for (std::string_view key : {"name", "format", "preprocess", "splits"}) {
    QEXP_RETURN_IF_ERROR(require(key));
  }
  QEXP_RETURN_IF_ERROR(parse_splits(c, *find_field(fields, "splits")));
  if (const YamlField* f = find_field(fields, "sha256")) QEXP_RETURN_IF_ERROR(parse_sha256(c, *f));
  return ok_status();
}

Status check_exists(const ManifestPath& p, bool directory) {
  if (p.path.empty()) return ok_status();
  std::error_code ec;
  const bool ok = directory ? fs::is_directory(p.path, ec) : fs::is_regular_file(p.path, ec);
  if (ok) return ok_status();
  const bool exists = fs::exists(p.path, ec);
  return not_found(str_cat(p.where, ": ", p.key, ": ", p.path, ": ",
                           !exists     ? "no such file or directory"
                           : directory ? "is not a directory"
                                       : "is not a regular file"));
}

Status verify_digests(const Manifest& m, const SplitFiles& s) {
  for (const ManifestPath* p : {&s.images, &s.labels, &s.list}) {
    for (const FileDigest& d : m.sha256) {
      if (p->path.empty() || d.path != p->path) continue;
      QEXP_ASSIGN_OR_RETURN(std::string actual, sha256_file(d.path));
      if (actual != d.sha256) {
        return data_loss(str_cat(d.path, ": SHA-256 is ", actual, " but the manifest (", d.where,
                                 ") says ", d.sha256));
      }
    }
  }
  return ok_status();
}

}  // namespace

std::string_view dataset_format_name(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::kIdx:
      return "idx";
    case DatasetFormat::kImageFolder:
      return "image_folder";
    case DatasetFormat::kImageList:
      return "image_list";
  }
  return "unknown";
}

const SplitFiles* Manifest::find_split(std::string_view split) const {
  for (const SplitFiles& s : splits) {
    if (s.name == split) return &s;
  }
  return nullptr;
}

DatasetOptions Manifest::dataset_options() const {
  DatasetOptions o;
  o.num_classes = num_classes;
  o.class_names = class_names;
  o.label_offset = label_offset;
  o.on_error = on_error;
  o.check = check;
  return o;
}

Result<Manifest> parse_manifest(std::string_view yaml_text, const std::string& path) {
  Manifest m;
  m.path = path;
  m.dir = fs::path(path).parent_path().string();
  YamlReader reader(path);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsDefined() || root.IsNull()) {
      return invalid_argument(str_cat(path, ": empty manifest"));
    }
    QEXP_RETURN_IF_ERROR(parse_root(Context{reader, root, m}));
  } catch (const YAML::Exception& e) {
    const std::string at =
        e.mark.is_null() ? path : str_cat(path, ":", e.mark.line + 1, ":", e.mark.column + 1);
    return invalid_argument(str_cat(at, ": invalid YAML: ", e.msg));
  } catch (const std::exception& e) {
    return invalid_argument(str_cat(path, ": cannot read manifest: ", e.what()));
  }
  return m;
}

Result<Manifest> load_manifest(const std::string& path) {
  QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(path, int64_t{16} << 20));
  return parse_manifest(text, path);
}

Result<std::unique_ptr<Dataset>> open_dataset(const Manifest& manifest, std::string_view split) {
  const SplitFiles* s = manifest.find_split(split);
  if (s == nullptr) {
    std::vector<std::string> names;
    for (const SplitFiles& f : manifest.splits) names.push_back(f.name);
    const std::string hint = closest_match(split, names);
    return not_found(
        str_cat(manifest.path, ": no split ", qexp::quoted(split),
                hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                "; splits: ", str_join(names, ", ")));
  }
  QEXP_RETURN_IF_ERROR(check_exists(s->images, false));
  QEXP_RETURN_IF_ERROR(check_exists(s->labels, false));
  QEXP_RETURN_IF_ERROR(check_exists(s->list, false));
  QEXP_RETURN_IF_ERROR(check_exists(s->root, true));
  QEXP_RETURN_IF_ERROR(verify_digests(manifest, *s));
  const DatasetOptions options = manifest.dataset_options();
  switch (manifest.format) {
    case DatasetFormat::kIdx:
      return open_idx_dataset(s->images.path, s->labels.path, options);
    case DatasetFormat::kImageFolder:
      return open_image_folder(s->root.path, options);
    case DatasetFormat::kImageList:
      return open_image_list(s->root.path, s->list.path, options);
  }
  return internal_error("unknown dataset format");
}

}  // namespace qexp::data
