#include "tests/conformance_ops/conformance_fixture.h"

#include <algorithm>

#include "framework/core/strings.h"

namespace qexp::conformance {

void TfliteOps::SetUp() {
  switch (reference_status()) {
    case RefStatus::kNoNode:
      GTEST_SKIP() << "node is not installed: skipping the per-op TFLite conformance tests "
                      "(scripts/install-deps.sh --test installs node and the TFLite reference)";
    case RefStatus::kNoPackage:
      FAIL() << "node is installed but tools/tflite_ref/node_modules is missing: run "
                "scripts/install-deps.sh --test (or npm ci in tools/tflite_ref)";
    case RefStatus::kAvailable:
      break;
  }
  dir_ = test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
}

FamilyResult TfliteOps::run_family(const std::vector<OpCase>& cases) {
  FamilyResult r;
  r.cases = static_cast<int>(cases.size());
  auto ref = run_tflite(cases, dir_);
  if (!ref.ok()) {
    ADD_FAILURE() << ref.status().message();
    return r;
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    const OpCase& c = cases[i];
    const RefResult& off = (*ref)[i][0];
    const RefResult& on = (*ref)[i][1];
    r.builtin_outputs.push_back(off.ok ? off.outputs : std::vector<std::vector<uint8_t>>{});
    r.xnnpack_outputs.push_back(on.ok ? on.outputs : std::vector<std::vector<uint8_t>>{});
    if (!off.ok) {
      r.rejected.push_back(str_cat(c.name, ": ", off.error));
      continue;
    }
    auto builtin = run_qexp(c, interp::RoundingProfile::kTfliteBuiltin);
    auto xnnpack = run_qexp(c, interp::RoundingProfile::kXnnpack);
    if (!builtin.ok() || !xnnpack.ok()) {
      ADD_FAILURE() << c.name << ": qexp failed: "
                    << (builtin.ok() ? xnnpack.status() : builtin.status()).message();
      continue;
    }
    const Diff d = compare(c.graph, *builtin, off.outputs);
    r.elements += d.elements;
    r.builtin_mismatches += d.mismatches;
    r.builtin_max_abs = std::max(r.builtin_max_abs, d.max_abs);
    if (d.mismatches > 0) {
      r.failures.push_back(str_cat("builtin: ", c.name, ": ", d.mismatches, "/", d.elements,
                                   " differ, first ", d.first, " (qexp vs TFLite)"));
    }
    if (!on.ok) {
      r.failures.push_back(str_cat("xnnpack: ", c.name, ": TFLite failed: ", on.error));
      ++r.xnnpack_mismatches;
      continue;
    }
    const Diff x = compare(c.graph, *xnnpack, on.outputs);
    if (!c.xnnpack_defect.empty()) {
      r.xnnpack_defects.push_back(str_cat(c.name, ": ", c.xnnpack_defect, " (", x.mismatches, "/",
                                          x.elements, " differ, max ", x.max_abs, ")"));
      r.xnnpack_defect_max_abs = std::max(r.xnnpack_defect_max_abs, x.max_abs);
      continue;
    }
    r.xnnpack_mismatches += x.mismatches;
    r.xnnpack_max_abs = std::max(r.xnnpack_max_abs, x.max_abs);
    if (x.mismatches > 0) {
      r.failures.push_back(str_cat("xnnpack: ", c.name, ": ", x.mismatches, "/", x.elements,
                                   " differ, first ", x.first, " (qexp vs TFLite+XNNPACK)"));
    }
    const Diff t = compare(c.graph, off.outputs, on.outputs);
    r.runtime_mismatches += t.mismatches;
    r.runtime_max_abs = std::max(r.runtime_max_abs, t.max_abs);
    if (t.mismatches > 0) {
      r.failures.push_back(str_cat("runtime: ", c.name, ": ", t.mismatches, "/", t.elements,
                                   " differ, first ", t.first, " (TFLite builtin vs XNNPACK)"));
    }
  }
  return r;
}

namespace {

std::string first_lines(const std::vector<std::string>& lines, const std::string& prefix) {
  std::string out;
  int shown = 0;
  for (const std::string& l : lines) {
    if (l.rfind(prefix, 0) != 0) continue;
    if (++shown > 8) {
      out += "  …\n";
      break;
    }
    out += "  " + l + "\n";
  }
  return out;
}

}  // namespace

void TfliteOps::expect_builtin_exact(const FamilyResult& r) {
  EXPECT_TRUE(r.rejected.empty()) << "TFLite rejected " << r.rejected.size()
                                  << " case(s), first: " << r.rejected.front();
  EXPECT_GT(r.elements, 0);
  EXPECT_EQ(r.builtin_mismatches, 0) << summary(r) << "\n" << first_lines(r.failures, "builtin");
}

void TfliteOps::expect_xnnpack_exact(const FamilyResult& r) {
  EXPECT_EQ(r.xnnpack_mismatches, 0) << summary(r) << "\n" << first_lines(r.failures, "xnnpack");
}

std::string TfliteOps::summary(const FamilyResult& r) {
  return str_cat(r.cases, " cases (", r.rejected.size(), " rejected by TFLite), ", r.elements,
                 " elements; mismatches: qexp vs builtin ", r.builtin_mismatches, " (max ",
                 r.builtin_max_abs, "), qexp[xnnpack] vs TFLite+XNNPACK ", r.xnnpack_mismatches,
                 " (max ", r.xnnpack_max_abs, "; ", r.xnnpack_defects.size(),
                 " known XNNPACK defects left out), TFLite builtin vs XNNPACK ",
                 r.runtime_mismatches, " (max ", r.runtime_max_abs, ")");
}

}  // namespace qexp::conformance
