#include "framework/core/shape.h"

#include "framework/core/checked_math.h"
#include "framework/core/strings.h"

namespace qexp {

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

Result<int64_t> Shape::checked_num_elements() const {
  if (rank() > kMaxRank) {
    return out_of_range(str_cat("shape ", to_string(), " has rank ", rank(), ", at most ",
                                kMaxRank, " is supported"));
  }
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) return invalid_argument(str_cat("shape ", to_string(), " has a negative dimension"));
    if (!checked_mul(n, d, &n)) {
      return out_of_range(str_cat("shape ", to_string(), ": element count overflows 64 bits"));
    }
  }
  return n;
}

std::string Shape::to_string() const {
  std::string out = "[";
  out += str_join(dims_, ",");
  out += ']';
  return out;
}

}  // namespace qexp
