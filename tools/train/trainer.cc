#include "tools/train/trainer.h"

#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>
#include <utility>

#include "framework/core/strings.h"

namespace qexp::train {
namespace {

// splitmix64 (as in tools/gen_mobilenet): fully specified, so the shuffling order is the same with
// any compiler and standard library (std::shuffle's use of the generator is not specified).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) by rejection (no modulo bias).
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do {
      v = next_u64();
    } while (v >= limit);
    return v % n;
  }

 private:
  uint64_t state_;
};

// Fisher–Yates with the generator above.
void shuffle(std::vector<int64_t>& order, Random& rng) {
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.below(i));
    std::swap(order[i - 1], order[j]);
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void set_lr(torch::optim::SGD& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
  }
}

}  // namespace

Status validate(const TrainOptions& o) {
  if (o.epochs < 1 || o.batch < 1 || o.eval_batch < 1) {
    return invalid_argument(str_cat("epochs ", o.epochs, ", batch ", o.batch, ", eval batch ",
                                    o.eval_batch, ": each must be >= 1"));
  }
  if (!(o.lr > 0.0) || !std::isfinite(o.lr)) {
    return invalid_argument(str_cat("learning rate ", format_double(o.lr), " must be > 0"));
  }
  if (!(o.warmup_epochs >= 0.0) || !(o.l2 >= 0.0) || !std::isfinite(o.l2)) {
    return invalid_argument(str_cat("warm-up epochs ", format_double(o.warmup_epochs), " and l2 ",
                                    format_double(o.l2), " must be >= 0"));
  }
  if (!(o.momentum >= 0.0 && o.momentum < 1.0)) {
    return invalid_argument(str_cat("momentum ", format_double(o.momentum), " is outside [0, 1)"));
  }
  return ok_status();
}

double learning_rate(double peak, int64_t step, int64_t warmup_steps, int64_t total_steps) {
  if (step < warmup_steps) {
    return peak * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  const int64_t decay_steps = total_steps - warmup_steps;
  if (decay_steps <= 1) return peak;
  const double t = static_cast<double>(step - warmup_steps) / static_cast<double>(decay_steps);
  return 0.5 * peak * (1.0 + std::cos(std::numbers::pi * t));
}

torch::Tensor l2_penalty(const MobileNet& net, double l2) {
  torch::Tensor sum = torch::zeros({}, torch::kFloat32);
  for (const auto& w : net->regularized_kernels()) sum = sum + w.pow(2).sum();
  return sum * (l2 / 2.0);
}

double evaluate(MobileNet& net, const Split& split, int64_t batch) {
  torch::NoGradGuard no_grad;
  net->eval();
  int64_t correct = 0;
  for (int64_t start = 0; start < split.size(); start += batch) {
    const int64_t end = std::min(start + batch, split.size());
    torch::Tensor logits = net->forward(split.images.slice(0, start, end));
    correct += logits.argmax(1).eq(split.labels.slice(0, start, end)).sum().item<int64_t>();
  }
  return split.size() > 0 ? static_cast<double>(correct) / static_cast<double>(split.size()) : 0.0;
}

Result<std::vector<EpochStats>> train(MobileNet& net, const Split& train_split,
                                      const Split& test_split, const TrainOptions& o,
                                      const std::function<void(const EpochStats&)>& on_epoch) {
  QEXP_RETURN_IF_ERROR(validate(o));
  if (train_split.size() == 0) return invalid_argument("the training split is empty");
  const int64_t n = train_split.size();
  const int64_t steps_per_epoch = (n + o.batch - 1) / o.batch;
  const int64_t total_steps = steps_per_epoch * o.epochs;
  const int64_t warmup_steps = std::min<int64_t>(
      total_steps, std::llround(o.warmup_epochs * static_cast<double>(steps_per_epoch)));

  // Weight decay stays 0: the L2 term is part of the loss, exactly as TF1 adds
  // REGULARIZATION_LOSSES (its gradient l2 · w equals SGD weight decay l2).
  torch::optim::SGD optimizer(
      net->parameters(),
      torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.momentum > 0.0));
  Random rng(o.seed);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::vector<EpochStats> history;
  int64_t step = 0;
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    shuffle(order, rng);
    torch::Tensor order_t = torch::from_blob(order.data(), {n}, torch::kInt64);
    net->train();
    double loss_sum = 0.0;
    int64_t correct = 0;
    EpochStats stats;
    for (int64_t b = 0; b < steps_per_epoch; ++b, ++step) {
      torch::Tensor idx = order_t.slice(0, b * o.batch, std::min((b + 1) * o.batch, n));
      torch::Tensor x = train_split.images.index_select(0, idx);
      torch::Tensor y = train_split.labels.index_select(0, idx);
      stats.lr = learning_rate(o.lr, step, warmup_steps, total_steps);
      set_lr(optimizer, stats.lr);
      optimizer.zero_grad();
      torch::Tensor logits = net->forward(x);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
      loss_sum += loss.item<double>();
      if (o.l2 > 0.0) loss = loss + l2_penalty(net, o.l2);
      loss.backward();
      optimizer.step();
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      if (!std::isfinite(loss_sum)) {
        return failed_precondition(str_cat("training diverged in epoch ", epoch, " step ", b,
                                           " (loss is not finite); lower --lr"));
      }
    }
    stats.epoch = epoch;
    stats.loss = loss_sum / static_cast<double>(steps_per_epoch);
    {
      torch::NoGradGuard no_grad;
      stats.l2_penalty = l2_penalty(net, o.l2).item<double>();
    }
    stats.train_accuracy = static_cast<double>(correct) / static_cast<double>(n);
    stats.test_accuracy = evaluate(net, test_split, o.eval_batch);
    stats.seconds = seconds_since(start);
    history.push_back(stats);
    if (on_epoch) on_epoch(stats);
  }
  net->eval();
  return history;
}

}  // namespace qexp::train
