// write_reports: every requested report file, each written atomically.

#include <nlohmann/json.hpp>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/report/report.h"

namespace qexp::report {
namespace {

struct Writer {
  const char* format;
  const char* file;
  std::string (*render)(const nlohmann::json&);
};

std::string to_json_text(const nlohmann::json& report) {
  // Strings come from model files and configs: replace invalid UTF-8 rather than throw.
  return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

constexpr Writer kWriters[] = {{"json", "report.json", to_json_text},
                               {"md", "report.md", to_markdown},
                               {"csv", "layers.csv", to_csv},
                               {"html", "report.html", to_html}};

bool requested(const std::vector<std::string>& formats, std::string_view format) {
  for (const std::string& f : formats) {
    if (f == format) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> kFormats = {"json", "md", "csv", "html"};
  return kFormats;
}

Status write_reports(const nlohmann::json& report, const std::string& dir,
                     const std::vector<std::string>& formats) {
  for (const std::string& f : formats) {
    if (!requested(report_formats(), f)) {
      return invalid_argument(str_cat("report format ", quoted(f), " is unknown (expected one of ",
                                      str_join(report_formats(), ", "), ")"));
    }
  }
  for (const Writer& w : kWriters) {
    if (std::string_view(w.format) != "json" && !requested(formats, w.format)) continue;
    std::string path = dir.empty() ? w.file : str_cat(dir, "/", w.file);
    std::string text;
    try {
      text = w.render(report);
    } catch (const std::exception& e) {  // a renderer bug must not take the run down
      return internal_error(str_cat(path, ": cannot render the report: ", e.what()));
    }
    QEXP_RETURN_IF_ERROR(write_text_file_atomic(path, text));  // its errors name the path
  }
  return ok_status();
}

}  // namespace qexp::report
