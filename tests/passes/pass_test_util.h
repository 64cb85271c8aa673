#pragma once
// Helpers for the pass tests: building small graphs, running one pass, comparing dumps.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "framework/ir/dump.h"
#include "framework/ir/graph.h"
#include "framework/ir/verifier.h"
#include "framework/passes/pass.h"
#include "framework/passes/registry.h"

namespace qexp::passes::testing {

inline int add_floats(ir::Graph& g, const std::string& name, Shape shape, std::vector<float> v) {
  EXPECT_EQ(shape.num_elements(), static_cast<int64_t>(v.size())) << name;
  std::vector<uint8_t> bytes(v.size() * 4);
  if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kFloat32, std::move(shape), std::move(bytes));
}

/// A float constant filled with 0.1, 0.2, 0.3, … (distinct values make layout bugs visible).
inline int add_ramp(ir::Graph& g, const std::string& name, Shape shape, float step = 0.1f) {
  std::vector<float> v(static_cast<size_t>(shape.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = step * static_cast<float>(i + 1);
  return add_floats(g, name, std::move(shape), std::move(v));
}

inline int add_int32s(ir::Graph& g, const std::string& name, std::vector<int32_t> v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kInt32, Shape{static_cast<int64_t>(v.size())},
                     std::move(bytes));
}

inline int add_act(ir::Graph& g, const std::string& name, Shape shape) {
  return g.add_tensor(name, DType::kFloat32, std::move(shape));
}

/// Values of the float32 constant named `name` (empty + failure if missing or not constant).
inline std::vector<float> floats_of(const ir::Graph& g, std::string_view name) {
  int t = g.find_tensor(name);
  if (t < 0 || !g.tensors[static_cast<size_t>(t)].is_const()) {
    ADD_FAILURE() << "no constant tensor named " << name;
    return {};
  }
  auto s = g.tensors[static_cast<size_t>(t)].const_data<float>();
  return {s.begin(), s.end()};
}

inline std::vector<int32_t> int32s_of(const ir::Graph& g, std::string_view name) {
  int t = g.find_tensor(name);
  if (t < 0 || !g.tensors[static_cast<size_t>(t)].is_const()) {
    ADD_FAILURE() << "no constant tensor named " << name;
    return {};
  }
  auto s = g.tensors[static_cast<size_t>(t)].const_data<int32_t>();
  return {s.begin(), s.end()};
}

/// Runs the built-in pass `name` on `g` (which must verify before and after). Returns whether
/// it changed the graph; failures are reported to gtest.
inline bool run_pass(std::string_view name, ir::Graph& g, PassContext* context = nullptr) {
  Status before = ir::verify(g);
  EXPECT_TRUE(before.ok()) << "test graph does not verify: " << before.message();
  auto pass = create_pass(name);
  EXPECT_TRUE(pass.ok()) << pass.status().message();
  if (!pass.ok()) return false;
  PassContext local;
  Result<bool> changed = (*pass)->run(g, context != nullptr ? *context : local);
  EXPECT_TRUE(changed.ok()) << changed.status().message();
  if (!changed.ok()) return false;
  Status after = ir::verify(g);
  EXPECT_TRUE(after.ok()) << "graph after " << name << " does not verify: " << after.message()
                          << "\n" << ir::dump(g);
  return *changed;
}

/// Runs `name` and returns its error message ("" if it succeeded).
inline std::string pass_error(std::string_view name, ir::Graph& g) {
  auto pass = create_pass(name);
  if (!pass.ok()) return pass.status().message();
  PassContext context;
  Result<bool> changed = (*pass)->run(g, context);
  return changed.ok() ? std::string() : changed.status().message();
}

/// Compares ir::dump(g) with a golden; on mismatch prints the actual text unescaped.
inline void expect_dump(const ir::Graph& g, std::string_view golden) {
  std::string actual = ir::dump(g);
  EXPECT_EQ(actual, golden) << "actual dump:\n" << actual;
}

/// Expects `pass` to leave `g` exactly as it was and to report no change.
inline void expect_no_change(std::string_view pass, ir::Graph g) {
  std::string before = ir::dump(g);
  EXPECT_FALSE(run_pass(pass, g)) << pass;
  EXPECT_EQ(ir::dump(g), before) << pass;
}

inline void expect_near_all(const std::vector<float>& actual, const std::vector<float>& expected,
                            float tol = 1e-6f) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tol * std::max(1.0f, std::abs(expected[i])))
        << "element " << i;
  }
}

}  // namespace qexp::passes::testing
