// qexp_train: trains MobileNet v1 on Fashion-MNIST with libtorch and writes it as a frozen
// TensorFlow GraphDef (see README.md).

#include <malloc.h>
#include <torch/torch.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "framework/core/file_io.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "tools/train/data.h"
#include "tools/train/export.h"
#include "tools/train/model.h"
#include "tools/train/trainer.h"

namespace {

using qexp::str_cat;

struct Config {
  qexp::train::NetOptions net;
  qexp::train::TrainOptions train;
  bool emit_regularizers = false;
  int threads = 2;
  int64_t train_limit = 0;
  int64_t test_limit = 0;
  std::string data_dir = qexp::train::kDefaultDataDir;
  std::string output;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_epoch(const qexp::train::EpochStats& s, int64_t epochs) {
  std::printf(
      "epoch %lld/%lld: loss %.4f  l2 %.4f  train acc %.2f %%  test acc %.2f %%  lr %.5f  "
      "%.1f s\n",
      static_cast<long long>(s.epoch), static_cast<long long>(epochs), s.loss, s.l2_penalty,
      100.0 * s.train_accuracy, 100.0 * s.test_accuracy, s.lr, s.seconds);
  std::fflush(stdout);
}

qexp::Status run(const Config& c) {
  namespace qt = qexp::train;
  const auto start = std::chrono::steady_clock::now();
  if (c.emit_regularizers && !(c.train.l2 > 0.0)) {
    return qexp::invalid_argument("--emit-regularizers needs --l2 > 0 (no kernel is regularized)");
  }
  if (c.threads < 1 || c.threads > 256) {
    return qexp::invalid_argument(str_cat("--threads ", c.threads, " is outside [1, 256]"));
  }
  QEXP_RETURN_IF_ERROR(qt::validate(c.net));
  QEXP_RETURN_IF_ERROR(qt::validate(c.train));
  torch::set_num_threads(c.threads);
  QEXP_ASSIGN_OR_RETURN(qt::Split train_split,
                        qt::load_fashion_mnist(c.data_dir, /*train=*/true, c.train_limit));
  QEXP_ASSIGN_OR_RETURN(qt::Split test_split,
                        qt::load_fashion_mnist(c.data_dir, /*train=*/false, c.test_limit));
  torch::manual_seed(c.train.seed);
  QEXP_ASSIGN_OR_RETURN(qt::MobileNet net, qt::make_mobilenet(c.net));
  std::printf(
      "MobileNet v1 width %s, %lld blocks, stem stride %lld, %s, dropout %s: "
      "%lld trainable parameters; %lld train / %lld test images; %d threads\n",
      qexp::format_double(c.net.width).c_str(), static_cast<long long>(c.net.blocks),
      static_cast<long long>(c.net.stem_stride), c.net.batch_norm ? "batch norm" : "no batch norm",
      qexp::format_double(c.net.dropout).c_str(),
      static_cast<long long>(net->trainable_parameters()),
      static_cast<long long>(train_split.size()), static_cast<long long>(test_split.size()),
      c.threads);
  std::fflush(stdout);
  QEXP_ASSIGN_OR_RETURN(
      std::vector<qt::EpochStats> history,
      qt::train(net, train_split, test_split, c.train,
                [&](const qt::EpochStats& s) { print_epoch(s, c.train.epochs); }));
  const double train_seconds = seconds_since(start);

  qexp::tf::GraphDefWriter writer;
  qt::ExportOptions export_options;
  export_options.l2_regularizer_scale = c.emit_regularizers ? c.train.l2 : 0.0;
  QEXP_ASSIGN_OR_RETURN(qt::ExportSummary summary,
                        qt::export_graphdef(net, export_options, &writer));
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, writer.serialize());
  QEXP_RETURN_IF_ERROR(qexp::write_file_atomic(c.output, bytes));
  std::printf("final test accuracy: %.2f %% (%lld images)\n", 100.0 * history.back().test_accuracy,
              static_cast<long long>(test_split.size()));
  std::printf(
      "%s: %lld nodes, %lld regularized kernels, %lld trainable parameters, %zu bytes, "
      "sha256 %s; %.1f s training, %.1f s total\n",
      c.output.c_str(), static_cast<long long>(summary.nodes),
      static_cast<long long>(summary.regularized),
      static_cast<long long>(net->trainable_parameters()), bytes.size(),
      qexp::sha256_hex(bytes).c_str(), train_seconds, seconds_since(start));
  return qexp::ok_status();
}

void add_options(CLI::App& app, Config& c) {
  app.add_option("--width", c.net.width, "width (depth) multiplier")->capture_default_str();
  app.add_option("--blocks", c.net.blocks, "depthwise-separable blocks, 1..13")
      ->capture_default_str();
  app.add_option("--stem-stride", c.net.stem_stride, "stride of Conv2d_0 (1 or 2)")
      ->capture_default_str();
  app.add_flag("!--no-batchnorm", c.net.batch_norm,
               "conv + bias + ReLU6 without batch norm (for the L2 study)");
  app.add_option("--dropout", c.net.dropout, "drop probability before the logits")
      ->capture_default_str();
  app.add_option("--epochs", c.train.epochs, "training epochs")->capture_default_str();
  app.add_option("--batch", c.train.batch, "batch size")->capture_default_str();
  app.add_option("--lr", c.train.lr, "peak learning rate (SGD, Nesterov momentum 0.9)")
      ->capture_default_str();
  app.add_option("--warmup-epochs", c.train.warmup_epochs,
                 "linear warm-up length, then cosine decay to 0")
      ->capture_default_str();
  app.add_option("--l2", c.train.l2,
                 "TF1 l2_regularizer scale: loss += scale * sum(w^2) / 2 on every kernel")
      ->capture_default_str();
  app.add_flag("--emit-regularizers", c.emit_regularizers,
               "write the TF1 <kernel>/Regularizer/l2_regularizer subgraphs (needs --l2 > 0)");
  app.add_option("--seed", c.train.seed, "seeds initialisation, dropout and shuffling")
      ->capture_default_str();
  app.add_option("--threads", c.threads, "libtorch intra-op threads")->capture_default_str();
  app.add_option("--train-limit", c.train_limit, "use only the first N training images (0: all)")
      ->capture_default_str();
  app.add_option("--test-limit", c.test_limit, "evaluate only the first N test images (0: all)")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "directory with the Fashion-MNIST IDX .gz files")
      ->capture_default_str();
  app.add_option("-o,--output", c.output, "output frozen GraphDef (.pb)")->required();
}

// libgomp (libtorch's thread pool) reads OMP_WAIT_POLICY once, when it is loaded, before main.
// Its default lets idle workers spin, and on cores shared with other processes (compilers) that
// made a 2-thread epoch up to 10x slower. So unless the caller chose a policy, restart the program
// once with PASSIVE (workers sleep instead of spinning). Numerics do not depend on the policy.
void ensure_passive_omp_wait_policy(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default policy
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_omp_wait_policy(argv);
  // glibc would return every large tensor buffer to the kernel after each op (millions of page
  // faults); keeping them mapped makes training ~1.5x and evaluation ~2x faster.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  Config config;
  CLI::App app{
      "Trains MobileNet v1 on Fashion-MNIST (libtorch) and writes a frozen TensorFlow GraphDef: "
      "input 'input' [-1,28,28,1] float32 = pixel / 255, output "
      "'MobilenetV1/Predictions/Softmax'."};
  add_options(app, config);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  qexp::Status status;
  try {
    status = run(config);
  } catch (
      const std::exception& e) {  // libtorch reports errors (and allocation failure) by throwing
    status = qexp::internal_error(str_cat("libtorch: ", e.what()));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "qexp_train: error: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}
