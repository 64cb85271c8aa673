// `qexp dataset export MANIFEST --split test --limit N --format png -o DIR`: writes dataset images
// as an image folder (exercises the decode path on real image files).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "framework/cli/commands.h"
#include "framework/core/strings.h"
#include "framework/data/export.h"
#include "framework/data/manifest.h"

namespace qexp::cli {
namespace {

struct ExportArgs {
  std::string manifest, split = "test", format = "png", out;
  int64_t limit = -1;
  bool class_names = false;
};

Status run_export(const ExportArgs& args) {
  QEXP_ASSIGN_OR_RETURN(data::Manifest manifest, data::load_manifest(args.manifest));
  QEXP_ASSIGN_OR_RETURN(auto ds, data::open_dataset(manifest, args.split));
  data::ExportOptions o;
  o.dir = args.out;
  o.limit = args.limit;
  if (args.format == "png") {
    o.format = data::ImageFormat::kPng;
  } else if (args.format == "jpeg" || args.format == "jpg") {
    o.format = data::ImageFormat::kJpeg;
  } else {
    return invalid_argument(str_cat("--format: ", quoted(args.format), " is not png or jpeg"));
  }
  o.folder_names = args.class_names ? data::ExportFolderNames::kClassName
                                    : data::ExportFolderNames::kClassId;
  QEXP_ASSIGN_OR_RETURN(data::ExportResult r, data::export_images(*ds, o));
  std::fprintf(stderr, "qexp: wrote %lld images to %s (labels: %s)\n",
               static_cast<long long>(r.written), args.out.c_str(), r.list_path.c_str());
  return ok_status();
}

}  // namespace

void add_dataset_command(CLI::App& app, Action* action) {
  CLI::App* sub = app.add_subcommand("dataset", "Dataset utilities");
  sub->require_subcommand(1);
  auto args = std::make_shared<ExportArgs>();
  CLI::App* ex = sub->add_subcommand("export", "Write dataset images as an image folder");
  ex->add_option("manifest", args->manifest, "Dataset manifest (datasets/*.yaml)")->required();
  ex->add_option("--split", args->split, "Split (default test)");
  ex->add_option("--limit", args->limit, "Export only the first N images");
  ex->add_option("--format", args->format, "png (lossless, default) or jpeg");
  ex->add_flag("--class-names", args->class_names,
               "Name class folders by class name instead of zero-padded id");
  ex->add_option("-o,--output", args->out, "Output directory")->required();
  ex->callback([args, action] { *action = [args] { return run_export(*args); }; });
}

}  // namespace qexp::cli
