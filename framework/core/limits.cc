#include "framework/core/limits.h"

#include <cctype>
#include <cstdlib>

#include "framework/core/checked_math.h"
#include "framework/core/strings.h"

namespace qexp {
namespace {

Limits g_limits;

struct LimitField {
  const char* name;
  int64_t Limits::*field;
  int64_t min_value;
};

constexpr LimitField kFields[] = {
    {"max_tflite_bytes", &Limits::max_tflite_bytes, 1},
    {"max_graphdef_bytes", &Limits::max_graphdef_bytes, 1},
    {"max_model_elements", &Limits::max_model_elements, 1},
    {"max_image_pixels", &Limits::max_image_pixels, 1},
    {"max_image_side", &Limits::max_image_side, 1},
    {"min_free_disk_bytes", &Limits::min_free_disk_bytes, 0},
};

/// "123", "64K", "512M", "2G", "1T" (binary multiples); false on anything else or on overflow.
bool parse_count(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  int64_t multiplier = 1;
  switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K':
      multiplier = int64_t{1} << 10;
      break;
    case 'M':
      multiplier = int64_t{1} << 20;
      break;
    case 'G':
      multiplier = int64_t{1} << 30;
      break;
    case 'T':
      multiplier = int64_t{1} << 40;
      break;
    default:
      break;
  }
  if (multiplier != 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 19) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    if (!checked_mul(value, int64_t{10}, &value) || !checked_add(value, c - '0', &value)) {
      return false;
    }
  }
  return checked_mul(value, multiplier, out);
}

}  // namespace

const Limits& limits() { return g_limits; }

std::vector<std::string> limit_names() {
  std::vector<std::string> names;
  for (const LimitField& f : kFields) names.emplace_back(f.name);
  return names;
}

Status set_limit(std::string_view assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return invalid_argument(str_cat("--limit ", quoted(assignment), ": expected NAME=VALUE (",
                                    str_join(limit_names(), ", "), ")"));
  }
  const std::string_view name = assignment.substr(0, eq);
  const std::string_view text = assignment.substr(eq + 1);
  for (const LimitField& f : kFields) {
    if (name != f.name) continue;
    int64_t value = 0;
    if (!parse_count(text, &value) || value < f.min_value) {
      return invalid_argument(str_cat("--limit ", name, ": ", quoted(text), " is not a count >= ",
                                      f.min_value, " (digits with an optional K, M, G or T)"));
    }
    g_limits.*f.field = value;
    return ok_status();
  }
  return invalid_argument(str_cat("--limit: unknown limit ", quoted(name),
                                  " (known: ", str_join(limit_names(), ", "), ")"));
}

Status set_limits_from_environment() {
  for (const LimitField& f : kFields) {
    std::string var = "QEXP_LIMIT_";
    for (const char* c = f.name; *c != '\0'; ++c) {
      var += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
    }
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    Status s = set_limit(str_cat(f.name, "=", value));
    if (!s.ok()) return invalid_argument(str_cat(var, ": ", s.message()));
  }
  return ok_status();
}

Status name_limit(Status s, std::string_view name) {
  if (s.code() != StatusCode::kResourceExhausted) return s;
  return Status(s.code(), str_cat(s.message(), " (--limit ", name, ")"));
}

void reset_limits() { g_limits = Limits(); }

}  // namespace qexp
