// Bad input to the real qexp binary: each case must end in exactly one line on stderr that names
// the file and the problem, exit code 2, and no crash.

#include <gtest/gtest.h>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

// A valid float model: y = x + c (x [1,4] input, c a constant), in flatc's JSON form for qexp's
// TFLite schema subset. Tests derive malformed variants by editing the text.
constexpr const char* kAddModelJson = R"({
  version: 3,
  operator_codes: [{deprecated_builtin_code: 0, builtin_code: "ADD", version: 1}],
  subgraphs: [{
    name: "main",
    tensors: [
      {name: "x", shape: [1, 4], type: "FLOAT32", buffer: 0},
      {name: "c", shape: [4], type: "FLOAT32", buffer: 1},
      {name: "y", shape: [1, 4], type: "FLOAT32", buffer: 0}
    ],
    inputs: [0],
    outputs: [2],
    operators: [{opcode_index: 0, inputs: [0, 1], outputs: [2],
                 builtin_options_type: "AddOptions", builtin_options: {}}]
  }],
  buffers: [{}, {data: [0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64]}]
})";

class CliErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  /// Compiles flatc JSON (with `from` replaced by `to`) into DIR/name.tflite.
  std::string make_tflite(const std::string& name, const std::string& from = "",
                          const std::string& to = "") {
    std::string json = kAddModelJson;
    if (!from.empty()) {
      size_t pos = json.find(from);
      EXPECT_NE(pos, std::string::npos) << from;
      json.replace(pos, from.size(), to);
    }
    std::string json_path = dir_ + "/" + name + ".json";
    write_bytes(json_path, json.data(), json.size());
    auto r = run({QEXP_FLATC, "-b", "-o", dir_, QEXP_TFLITE_SCHEMA, json_path}, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir_ + "/" + name + ".tflite";
  }

  /// Runs `qexp args…` and checks the error contract; returns stderr.
  std::string expect_error(const std::vector<std::string>& args, const std::string& must_name) {
    std::vector<std::string> argv = {QEXP_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv, dir_);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("qexp: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(must_name), std::string::npos) << r.err;
    return r.err;
  }

  std::string dir_;
};

TEST_F(CliErrors, ValidTinyModelRuns) {
  std::string model = make_tflite("add");
  std::vector<float> x = {1, 2, 3, 4};
  write_bytes(dir_ + "/x.bin", x.data(), 16);
  auto r = run({QEXP_CLI, "infer", model, "--input", dir_ + "/x.bin", "--out-dir", dir_ + "/o"},
               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_floats(dir_ + "/o/output_0.bin"), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(CliErrors, MissingFile) {
  std::string e = expect_error({"inspect", dir_ + "/nope.tflite"}, "nope.tflite");
  EXPECT_NE(e.find("no such file"), std::string::npos) << e;
  expect_error({"infer", dir_ + "/nope.pb", "--input", "x", "--out-dir", dir_}, "nope.pb");
}

TEST_F(CliErrors, EmptyFiles) {
  write_bytes(dir_ + "/empty.tflite", "", 0);
  write_bytes(dir_ + "/empty.pb", "", 0);
  expect_error({"inspect", dir_ + "/empty.tflite"}, "empty.tflite");
  expect_error({"inspect", dir_ + "/empty.pb"}, "empty.pb");
}

TEST_F(CliErrors, RandomBytes) {
  auto noise = random_floats(64, 5);
  write_bytes(dir_ + "/noise.tflite", noise.data(), noise.size() * 4);
  write_bytes(dir_ + "/noise.pb", noise.data(), noise.size() * 4);
  expect_error({"inspect", dir_ + "/noise.tflite"}, "noise.tflite");
  expect_error({"convert", dir_ + "/noise.pb", "-o", dir_ + "/x.tflite"}, "noise.pb");
}

TEST_F(CliErrors, TruncatedTflite) {
  auto bytes = read_bytes(make_tflite("good"));
  for (size_t cut : {size_t{12}, bytes.size() / 2, bytes.size() - 9}) {
    std::string path = dir_ + "/cut_" + std::to_string(cut) + ".tflite";
    write_bytes(path, bytes.data(), cut);
    expect_error({"inspect", path}, path);
  }
}

TEST_F(CliErrors, WrongFlatbufferIdentifier) {
  auto bytes = read_bytes(make_tflite("good"));
  std::memcpy(bytes.data() + 4, "XXXX", 4);
  std::string path = dir_ + "/wrong_id.tflite";
  write_bytes(path, bytes.data(), bytes.size());
  std::string e = expect_error({"inspect", path}, "wrong_id.tflite");
  EXPECT_NE(e.find("identifier"), std::string::npos) << e;
}

TEST_F(CliErrors, TensorIndexOutOfRange) {
  std::string m = make_tflite("bad_tensor", "inputs: [0, 1], outputs: [2]",
                              "inputs: [0, 7], outputs: [2]");
  std::string e = expect_error({"inspect", m}, "bad_tensor.tflite");
  EXPECT_NE(e.find('7'), std::string::npos) << e;
}

TEST_F(CliErrors, BufferIndexOutOfRange) {
  std::string m = make_tflite("bad_buffer", "type: \"FLOAT32\", buffer: 1",
                              "type: \"FLOAT32\", buffer: 99");
  std::string e = expect_error({"inspect", m}, "bad_buffer.tflite");
  EXPECT_NE(e.find("99"), std::string::npos) << e;
}

TEST_F(CliErrors, UnknownOperator) {
  std::string m = make_tflite("unknown_op",
                              "deprecated_builtin_code: 0, builtin_code: \"ADD\"",
                              "deprecated_builtin_code: 53, builtin_code: \"CAST\"");
  expect_error({"inspect", m}, "unknown_op.tflite");
}

TEST_F(CliErrors, WrongInputByteCount) {
  std::string model = make_tflite("add");
  std::vector<float> x = {1, 2, 3};
  write_bytes(dir_ + "/short.bin", x.data(), 12);
  std::string e = expect_error(
      {"infer", model, "--input", dir_ + "/short.bin", "--out-dir", dir_ + "/o"}, "short.bin");
  EXPECT_NE(e.find("has 12 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("needs 16"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/o/outputs.json"));
}

TEST_F(CliErrors, WrongOptionAndUnknownCommand) {
  expect_error({"infer", "--bogus"}, "--bogus");
  expect_error({"frobnicate"}, "frobnicate");
  expect_error({"infer", "m.tflite", "--input", "x", "--out-dir", "d", "--threads", "0"},
               "--threads");
}

}  // namespace
}  // namespace qexp::testing
