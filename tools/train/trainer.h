#pragma once
/// Training loop: SGD with Nesterov momentum, linear warm-up then cosine decay (per step), cross
/// entropy plus TF1 `l2_regularizer(scale)` on every kernel, seeded shuffling.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "framework/core/status.h"
#include "tools/train/data.h"
#include "tools/train/model.h"

namespace qexp::train {

struct TrainOptions {
  int64_t epochs = 5;
  int64_t batch = 128;
  double lr = 0.1;             ///< peak learning rate
  double warmup_epochs = 0.5;  ///< linear warm-up from lr / warm-up steps to lr
  double momentum = 0.9;       ///< Nesterov
  /// TF1 l2_regularizer scale: loss += l2 · Σ w² / 2 over MobileNet::regularized_kernels().
  double l2 = 0.0;
  uint64_t seed = 1;  ///< seeds the shuffling (torch's own generator is seeded by the caller)
  int64_t eval_batch = 500;
};

/// Errors: an option outside its range (epochs, batch >= 1; lr > 0; warm-up, l2 >= 0; momentum in
/// [0, 1)).
Status validate(const TrainOptions& options);

struct EpochStats {
  int64_t epoch = 0;          ///< 1-based
  double loss = 0.0;          ///< mean cross entropy over the epoch's batches (train mode)
  double l2_penalty = 0.0;    ///< l2 · Σ w² / 2 at the end of the epoch
  double train_accuracy = 0;  ///< fraction, training batches in train mode (dropout on)
  double test_accuracy = 0;   ///< fraction, eval mode, the whole test split
  double lr = 0.0;            ///< learning rate of the epoch's last step
  double seconds = 0.0;       ///< training + evaluation time of the epoch
};

/// The learning rate at 0-based `step` of `total_steps`: linear warm-up over `warmup_steps`
/// ((step + 1) / warmup · lr), then 0.5 · lr · (1 + cos(π · t)), t going from 0 to 1.
double learning_rate(double peak, int64_t step, int64_t warmup_steps, int64_t total_steps);

/// l2 · Σ w² / 2 over the network's regularized kernels (a scalar tensor, differentiable).
torch::Tensor l2_penalty(const MobileNet& net, double l2);

/// Top-1 accuracy (fraction) of the network in eval mode on `split`.
double evaluate(MobileNet& net, const Split& split, int64_t batch);

/// Trains `net` (whose weights the caller initialised) and evaluates on `test` after every
/// epoch, calling `on_epoch` with the statistics. Leaves the network in eval mode.
Result<std::vector<EpochStats>> train(MobileNet& net, const Split& train_split,
                                      const Split& test_split, const TrainOptions& options,
                                      const std::function<void(const EpochStats&)>& on_epoch);

}  // namespace qexp::train
