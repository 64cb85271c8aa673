// Loading shared-library plugins: the good case (origin, SHA-256, options, lifetime), every load
// error as a one-line message naming the file, plugin failures during calibration naming the
// plugin and the tensor, and QEXP_PLUGIN_PATH.

#include "framework/calibration/plugin_loader.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "framework/calibration/plugin_api/calibrator.h"
#include "framework/core/sha256.h"

namespace qexp::calib {
namespace {

namespace fs = std::filesystem;

std::string test_dir(const std::string& name) {
  fs::path dir = fs::path(QEXP_BINARY_DIR) / "Testing" / "plugin_loader_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void expect_one_line(const Status& s) {
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
}

TensorStatistics stats_named(const std::string& name, float min, float max) {
  TensorStatistics s;
  s.name = name;
  s.count = 2;
  s.min = min;
  s.max = max;
  return s;
}

class NoOptionsBuiltIn final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> schema;
    return schema;
  }
  Result<Range> compute(const TensorStatistics& s, const NoCalibratorOptions&) const override {
    return range_containing_zero(s.min, s.max);
  }
};

// Restores QEXP_PLUGIN_PATH when a test that sets it ends.
class PluginPathEnv {
 public:
  explicit PluginPathEnv(const std::string& value) { setenv(kPluginPathEnv, value.c_str(), 1); }
  ~PluginPathEnv() { unsetenv(kPluginPathEnv); }
};

TEST(LoadPluginFile, AddsTheCalibratorWithFileOriginVersionAndSha256) {
  PluginRegistry registry;
  ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD).ok());
  const std::vector<PluginDescription> list = registry.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "test_good");
  EXPECT_EQ(list[0].kind, PluginKind::kCalibrator);
  EXPECT_EQ(list[0].version, "2.3.4");
  EXPECT_EQ(list[0].origin, QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(list[0].sha256, *sha256_file(QEXP_TEST_PLUGIN_GOOD));
  EXPECT_EQ(list[0].sha256.size(), 64u);
  ASSERT_EQ(list[0].options.size(), 1u);
  EXPECT_EQ(list[0].options[0].name, "scale");
  EXPECT_EQ(list[0].options[0].default_text, "1");
}

TEST(LoadPluginFile, LoadedCalibratorComputesRangesWithItsOptions) {
  PluginRegistry registry;
  ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD).ok());
  auto c = registry.create_calibrator("test_good", {{"scale", "2"}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(*(*c)->range(stats_named("t", -1.0f, 3.0f)), (Range{-2.0f, 6.0f}));
  auto bad = registry.create_calibrator("test_good", {{"scale", "11"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "calibrator 'test_good': scale: 11 is outside [0, 10]");
}

TEST(LoadPluginFile, CalibratorOutlivesTheRegistryThatLoadedIt) {
  std::unique_ptr<ConfiguredCalibrator> c;
  {
    PluginRegistry registry;
    ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD).ok());
    c = std::move(registry.create_calibrator("test_good")).value();
  }
  EXPECT_EQ(*c->range(stats_named("t", -1.0f, 0.5f)), (Range{-1.0f, 0.5f}));
}

TEST(LoadPluginFile, MissingFileIsNotFound) {
  PluginRegistry registry;
  Status s = load_plugin_file(registry, "/nonexistent/dir/libx.so");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "plugin file '/nonexistent/dir/libx.so' not found");
}

TEST(LoadPluginFile, DirectoryIsRefused) {
  PluginRegistry registry;
  const std::string dir = test_dir("directory");
  Status s = load_plugin_file(registry, dir);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "plugin file '" + dir + "' is not a regular file");
}

TEST(LoadPluginFile, TextFileIsNotASharedLibrary) {
  const std::string path = test_dir("text") + "/x.so";
  std::ofstream(path) << "this is not an ELF file\n";
  PluginRegistry registry;
  Status s = load_plugin_file(registry, path);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      s.message().starts_with("plugin file '" + path + "' is not a loadable shared library: "))
      << s.message();
  // The dlerror() text is kept, without repeating the path.
  EXPECT_EQ(s.message().find(path, 20), std::string::npos) << s.message();
  expect_one_line(s);
  EXPECT_TRUE(registry.list().empty());
}

TEST(LoadPluginFile, LibraryWithoutEntrySymbolIsRefused) {
  PluginRegistry registry;
  Status s = load_plugin_file(registry, QEXP_TEST_PLUGIN_NO_ENTRY);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), std::string("plugin file '") + QEXP_TEST_PLUGIN_NO_ENTRY +
                             "' has no entry symbol 'qexp_plugin_entry' (build it with "
                             "qexp_add_plugin(), which compiles QEXP_REGISTER_CALIBRATOR with "
                             "QEXP_PLUGIN_SHARED)");
}

TEST(LoadPluginFile, ApiVersionMismatchNamesBothVersionsAndTheFile) {
  PluginRegistry registry;
  Status s = load_plugin_file(registry, QEXP_TEST_PLUGIN_BAD_API);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), std::string("plugin 'test_bad_api' (") + QEXP_TEST_PLUGIN_BAD_API +
                             ") was built for plugin API 99, this qexp has API 1");
  EXPECT_TRUE(registry.list().empty());
}

TEST(LoadPluginFile, SameFileTwiceIsADuplicateName) {
  PluginRegistry registry;
  ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD).ok());
  Status s = load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), std::string("duplicate plugin name 'test_good': ") +
                             QEXP_TEST_PLUGIN_GOOD + " and " + QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(registry.list().size(), 1u);
  // The first load is still intact.
  EXPECT_TRUE(registry.create_calibrator("test_good").ok());
}

}  // namespace
}  // namespace qexp::calib

// A built-in (linked into this test) with the name the good test plugin uses.
QEXP_REGISTER_CALIBRATOR(test_good, qexp::calib::NoOptionsBuiltIn, "1.0.0", "built-in twin")

namespace qexp::calib {
namespace {

TEST(LoadPluginFile, NameOfABuiltInIsADuplicate) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add(qexp_plugin_entry_test_good(), "built-in").ok());
  Status s = load_plugin_file(registry, QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), std::string("duplicate plugin name 'test_good': built-in and ") +
                             QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(registry.list()[0].version, "1.0.0");
}

TEST(LoadedPlugin, ExceptionDuringCalibrationNamesPluginAndTensor) {
  PluginRegistry registry;
  ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_THROWS).ok());
  auto c = registry.create_calibrator("test_throws");
  ASSERT_TRUE(c.ok());
  auto r = (*c)->range(stats_named("conv1/Relu6", -1.0f, 1.0f));
  ASSERT_FALSE(r.ok());
  // A file plugin's fault is the user's input (exit code 2), not a qexp bug.
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "calibrator 'test_throws' on tensor 'conv1/Relu6': threw an exception: deliberate "
            "failure in test_throws");
}

TEST(LoadedPlugin, ErrorDuringCalibrationNamesPluginAndTensorAndKeepsItsCode) {
  PluginRegistry registry;
  ASSERT_TRUE(load_plugin_file(registry, QEXP_TEST_PLUGIN_ERROR).ok());
  auto c = registry.create_calibrator("test_error");
  ASSERT_TRUE(c.ok());
  auto r = (*c)->range(stats_named("conv1/Relu6", -1.0f, 1.0f));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "calibrator 'test_error' on tensor 'conv1/Relu6': statistics rejected by test_error");
}

TEST(PluginFilesFromEnv, UnsetMeansNone) {
  unsetenv(kPluginPathEnv);
  EXPECT_TRUE(plugin_files_from_env()->empty());
}

TEST(PluginFilesFromEnv, DirectoriesGiveTheirSoFilesSortedFilesAreKept) {
  const std::string dir = test_dir("env");
  for (const char* f : {"b.so", "a.so", "notes.txt"}) std::ofstream(dir + "/" + f) << "x";
  fs::create_directories(dir + "/sub.so");  // a directory, not a plugin
  PluginPathEnv env(QEXP_TEST_PLUGIN_GOOD + std::string("::") + dir);
  auto files = plugin_files_from_env();
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files,
            (std::vector<std::string>{QEXP_TEST_PLUGIN_GOOD, dir + "/a.so", dir + "/b.so"}));
}

TEST(PluginFilesFromEnv, MissingEntryIsAnError) {
  PluginPathEnv env("/nonexistent/plugins");
  auto files = plugin_files_from_env();
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(files.status().message(), "QEXP_PLUGIN_PATH: '/nonexistent/plugins' does not exist");
}

TEST(RegistryWithPlugins, BuiltInsThenEnvironmentThenPaths) {
  PluginPathEnv env(QEXP_TEST_PLUGIN_GOOD);
  auto r = registry_with_plugins({QEXP_TEST_PLUGIN_ERROR});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<std::string> names = r->calibrator_names();
  EXPECT_EQ(names.size(), calibrator_registry().calibrator_names().size() + 2);
  for (const char* n : {"minmax", "test_error", "test_good"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  // The same file from the environment and the command line is a duplicate.
  auto dup = registry_with_plugins({QEXP_TEST_PLUGIN_GOOD});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), std::string("duplicate plugin name 'test_good': ") +
                                        QEXP_TEST_PLUGIN_GOOD + " and " + QEXP_TEST_PLUGIN_GOOD);
}

TEST(RegistryWithPlugins, LoadErrorStopsWithTheFileNamed) {
  unsetenv(kPluginPathEnv);
  auto r = registry_with_plugins({QEXP_TEST_PLUGIN_GOOD, "/nonexistent/libx.so"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "plugin file '/nonexistent/libx.so' not found");
}

}  // namespace
}  // namespace qexp::calib
