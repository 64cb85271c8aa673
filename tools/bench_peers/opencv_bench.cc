// qexp_opencv_bench: times a model on OpenCV dnn (CPU backend) with the same protocol as
// `qexp bench` (warm-up, then timed runs; median / p10 / p90) for tools/bench_peers/run.sh.
//
//   qexp_opencv_bench --model mnv1.pb|mnv1_float.onnx [--int8] --input IN.bin [--threads N]
//                     [--runs N] [--warmup N] [--output OUT.bin] [--json OUT.json]
//
// A .pb goes through readNetFromTensorflow (NCHW input blob); an .onnx from qexp_onnx_export
// keeps qexp's NHWC input. --int8 runs Net::quantize (float in / float out, int8 inside)
// calibrated on the input itself (OpenCV 4.6 quantizes weights per channel). IN.bin holds the raw
// float32 NHWC input (as for `qexp infer`).

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace {

struct Args {
  std::string model, input, output, json;
  bool int8 = false;
  int threads = 1, runs = 50, warmup = 5;
};

double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// The input blob: NHWC floats from the file, as NCHW for a TensorFlow graph.
cv::Mat input_blob(const std::vector<float>& nhwc, int size, bool nchw) {
  const int c = static_cast<int>(nhwc.size() / static_cast<size_t>(size * size));
  const int nchw_shape[] = {1, c, size, size}, nhwc_shape[] = {1, size, size, c};
  cv::Mat blob(4, nchw ? nchw_shape : nhwc_shape, CV_32F);
  float* p = blob.ptr<float>();
  if (!nchw) {
    std::copy(nhwc.begin(), nhwc.end(), p);
    return blob;
  }
  for (int k = 0; k < c; ++k) {
    for (int i = 0; i < size * size; ++i)
      p[k * size * size + i] = nhwc[static_cast<size_t>(i * c + k)];
  }
  return blob;
}

int run(const Args& a) {
  std::ifstream in(a.input, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.size() % 4 != 0) {
    std::fprintf(stderr, "qexp_opencv_bench: error: %s: no float32 input\n", a.input.c_str());
    return 2;
  }
  std::vector<float> values(bytes.size() / 4);
  std::memcpy(values.data(), bytes.data(), bytes.size());
  const int size = 224;  // MobileNet v1 1.0 224; channels follow from the byte count
  const bool pb = a.model.size() > 3 && a.model.substr(a.model.size() - 3) == ".pb";
  cv::setNumThreads(a.threads);
  cv::dnn::Net net =
      pb ? cv::dnn::readNetFromTensorflow(a.model) : cv::dnn::readNetFromONNX(a.model);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  cv::Mat blob = input_blob(values, size, pb);
  if (a.int8) net = net.quantize(std::vector<cv::Mat>{blob}, CV_32F, CV_32F);
  net.setInput(blob);
  cv::Mat out;
  for (int i = 0; i < a.warmup; ++i) out = net.forward();
  std::vector<double> ms;
  for (int i = 0; i < a.runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    out = net.forward();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  double mean = 0;
  for (double v : ms) mean += v / static_cast<double>(ms.size());
  if (!a.output.empty()) {
    cv::Mat f = out.isContinuous() ? out : out.clone();
    std::ofstream(a.output, std::ios::binary)
        .write(reinterpret_cast<const char*>(f.ptr<float>()),
               static_cast<std::streamsize>(f.total() * 4));
  }
  char line[512];
  std::snprintf(
      line, sizeof(line),
      "{\"runtime\": \"opencv-dnn %s\", \"model\": \"%s\", \"int8\": %s, \"threads\": %d, "
      "\"runs\": %d, \"warmup\": %d, \"latency_ms\": {\"median\": %.4f, \"p10\": %.4f, "
      "\"p90\": %.4f, \"mean\": %.4f}}\n",
      CV_VERSION, a.model.c_str(), a.int8 ? "true" : "false", a.threads, a.runs, a.warmup,
      quantile(ms, 0.5), quantile(ms, 0.1), quantile(ms, 0.9), mean);
  std::fputs(line, stdout);
  if (!a.json.empty()) std::ofstream(a.json) << line;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times a model on OpenCV dnn like `qexp bench`", "qexp_opencv_bench"};
  Args a;
  app.add_option("--model", a.model, "TensorFlow .pb or .onnx")->required();
  app.add_option("--input", a.input, "Raw float32 NHWC input bytes")->required();
  app.add_flag("--int8", a.int8, "Quantize with Net::quantize (int8)");
  app.add_option("--threads", a.threads, "cv::setNumThreads (default 1)");
  app.add_option("--runs", a.runs, "Timed runs (default 50)");
  app.add_option("--warmup", a.warmup, "Untimed runs first (default 5)");
  app.add_option("--output", a.output, "Write the raw float output here");
  app.add_option("--json", a.json, "Write the result line here too");
  CLI11_PARSE(app, argc, argv);
  if (a.runs < 1 || a.warmup < 0 || a.threads < 1) {
    std::fprintf(stderr, "qexp_opencv_bench: error: --runs, --threads >= 1, --warmup >= 0\n");
    return 2;
  }
  try {
    return run(a);
  } catch (const cv::Exception& e) {
    std::fprintf(stderr, "qexp_opencv_bench: error: OpenCV: %s\n", e.what());
    return 1;
  }
}
