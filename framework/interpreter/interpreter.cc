#include "framework/interpreter/interpreter.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>
#include <utility>

#include "framework/core/checked_math.h"
#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/interpreter/arena_planner.h"
#include "framework/interpreter/kernel.h"
#include "framework/interpreter/kernel_registry.h"
#include "framework/interpreter/thread_pool.h"
#include "framework/ir/verifier.h"

namespace qexp::interp {
namespace {

// Thread counts beyond this are a configuration mistake, not a machine.
constexpr int kMaxThreads = 256;

std::string op_label(const ir::Op& op) {
  return str_cat("op ", quoted(op.name), " (", ir::op_type_name(op.type), ")");
}

struct PreparedOp {
  const KernelRegistration* registration = nullptr;
  std::unique_ptr<Kernel> kernel;
  int64_t scratch_bytes = 0;
  // Storage behind `context`'s spans; filled once the arena exists.
  std::vector<TensorView> inputs;
  std::vector<TensorView> outputs;
  EvalContext context;
};

struct ArenaFree {
  void operator()(void* p) const { aligned_free(p); }
};

class InterpreterImpl final : public Interpreter {
 public:
  InterpreterImpl(std::shared_ptr<const ir::Graph> graph, const InterpreterOptions& options)
      : graph_(std::move(graph)), options_(options) {}

  Status init();

  const ir::Graph& graph() const override { return *graph_; }
  int num_inputs() const override { return static_cast<int>(graph_->inputs.size()); }
  int num_outputs() const override { return static_cast<int>(graph_->outputs.size()); }
  TensorView input(int i) override;
  Status set_input_bytes(int i, std::span<const uint8_t> bytes) override;
  TensorView output(int i) const override;
  TensorView tensor(int tensor_id) const override;
  void set_observer(TensorObserver* observer) override { observer_ = observer; }
  Status invoke() override;
  size_t arena_bytes() const override { return static_cast<size_t>(arena_bytes_); }
  std::string_view kernel_name(int op_index) const override;
  std::string_view kernel_variant(int op_index) const override;
  std::span<const int64_t> op_time_ns() const override { return op_time_ns_; }
  void reset_profile() override { std::fill(op_time_ns_.begin(), op_time_ns_.end(), 0); }

 private:
  Status prepare_ops();
  Status plan_and_allocate();
  void bind_views(const std::vector<int64_t>& tensor_offsets,
                  const std::vector<int64_t>& scratch_offsets);

  std::shared_ptr<const ir::Graph> graph_;
  InterpreterOptions options_;
  std::vector<PreparedOp> ops_;
  std::vector<TensorView> views_;    // one per graph tensor
  std::vector<bool> readable_;       // tensor(id) may be called after invoke
  std::unique_ptr<void, ArenaFree> arena_;
  int64_t arena_bytes_ = 0;
  std::unique_ptr<ThreadPool> thread_pool_;
  TensorObserver* observer_ = nullptr;
  std::vector<int64_t> op_time_ns_;  // per op, with options_.profile
};

Status InterpreterImpl::init() {
  if (options_.num_threads < 1 || options_.num_threads > kMaxThreads) {
    return invalid_argument(str_cat("num_threads: ", options_.num_threads, " is outside [1, ",
                                    kMaxThreads, "]"));
  }
  ir::VerifyOptions verify_options;
  verify_options.check_shapes = true;  // every output shape must equal the shared shape rules
  QEXP_RETURN_IF_ERROR(ir::verify(*graph_, verify_options));
  QEXP_RETURN_IF_ERROR(prepare_ops());
  QEXP_RETURN_IF_ERROR(plan_and_allocate());
  thread_pool_ = std::make_unique<ThreadPool>(options_.num_threads);
  for (PreparedOp& op : ops_) op.context.thread_pool = thread_pool_.get();
  if (options_.profile) op_time_ns_.assign(ops_.size(), 0);
  return ok_status();
}

Status InterpreterImpl::prepare_ops() {
  ops_.resize(graph_->ops.size());
  const bool optimized = options_.kernel_set == KernelSet::kOptimized;
  const Isa isa = effective_isa(options_.isa);
  for (size_t i = 0; i < graph_->ops.size(); ++i) {
    const ir::Op& op = graph_->ops[i];
    PreparedOp& p = ops_[i];
    auto found = find_kernel(*graph_, op);
    if (!found.ok()) return std::move(found).status().with_context(op_label(op));
    p.registration = *found;
    p.kernel = p.registration->factory();
    PrepareContext context(*graph_, op, options_.num_threads, options_.rounding_profile,
                           optimized, isa);
    QEXP_RETURN_IF_ERROR_CTX(p.kernel->prepare(context), op_label(op));
    p.scratch_bytes = context.scratch_bytes();
  }
  return ok_status();
}

// Lifetimes in execution steps (op indices), [first, last] per tensor; -1 for tensors that
// need no arena storage (constants, tensors nothing produces). Graph inputs live through the
// whole invoke (and after it, so a second invoke sees the same inputs); graph outputs live from
// their producer to the end.
struct Lifetimes {
  std::vector<int> first, last;
};

Lifetimes tensor_lifetimes(const ir::Graph& g) {
  const size_t num_tensors = g.tensors.size();
  const int last_step = std::max(static_cast<int>(g.ops.size()) - 1, 0);
  Lifetimes life{std::vector<int>(num_tensors, -1), std::vector<int>(num_tensors, -1)};
  for (int t : g.inputs) {
    life.first[static_cast<size_t>(t)] = 0;
    life.last[static_cast<size_t>(t)] = last_step;
  }
  for (int k = 0; k < static_cast<int>(g.ops.size()); ++k) {
    const ir::Op& op = g.ops[static_cast<size_t>(k)];
    for (int t : op.outputs) {
      life.first[static_cast<size_t>(t)] = k;
      life.last[static_cast<size_t>(t)] = k;
    }
    for (int t : op.inputs) {
      if (t >= 0 && life.first[static_cast<size_t>(t)] >= 0) {
        life.last[static_cast<size_t>(t)] = std::max(life.last[static_cast<size_t>(t)], k);
      }
    }
  }
  for (int t : g.outputs) {
    if (life.first[static_cast<size_t>(t)] >= 0) life.last[static_cast<size_t>(t)] = last_step;
  }
  for (size_t t = 0; t < num_tensors; ++t) {
    if (g.tensors[t].is_const()) life.first[t] = life.last[t] = -1;
  }
  return life;
}

// One arena buffer per tensor with storage (index in *tensor_buffer, -1 for none), then one per
// op scratch (*scratch_buffer). With preserve_all_tensors every tensor lives throughout, so no
// two share memory; scratch lives for its op only, so all ops' scratch shares the same bytes.
Result<std::vector<BufferRequest>> buffer_requests(const ir::Graph& g,
                                                   const std::vector<PreparedOp>& ops,
                                                   bool preserve_all,
                                                   std::vector<int>* tensor_buffer,
                                                   std::vector<int>* scratch_buffer) {
  const Lifetimes life = tensor_lifetimes(g);
  const int last_step = std::max(static_cast<int>(g.ops.size()) - 1, 0);
  std::vector<BufferRequest> requests;
  tensor_buffer->assign(g.tensors.size(), -1);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (life.first[t] < 0) continue;
    const ir::Tensor& tensor = g.tensors[t];
    BufferRequest r;
    if (!checked_mul(tensor.shape.num_elements(), static_cast<int64_t>(dtype_size(tensor.dtype)),
                     &r.bytes)) {
      return out_of_range(str_cat("tensor ", t, " ", quoted(tensor.name), ": byte size of ",
                                  tensor.shape.to_string(), " ", dtype_name(tensor.dtype),
                                  " overflows 64 bits"));
    }
    r.first_use = preserve_all ? 0 : life.first[t];
    r.last_use = preserve_all ? last_step : life.last[t];
    (*tensor_buffer)[t] = static_cast<int>(requests.size());
    requests.push_back(r);
  }
  scratch_buffer->assign(ops.size(), -1);
  for (size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].scratch_bytes == 0) continue;
    (*scratch_buffer)[k] = static_cast<int>(requests.size());
    requests.push_back({ops[k].scratch_bytes, static_cast<int>(k), static_cast<int>(k)});
  }
  return requests;
}

Status InterpreterImpl::plan_and_allocate() {
  std::vector<int> tensor_buffer, scratch_buffer;
  QEXP_ASSIGN_OR_RETURN(auto requests,
                        buffer_requests(*graph_, ops_, options_.preserve_all_tensors,
                                        &tensor_buffer, &scratch_buffer));
  QEXP_ASSIGN_OR_RETURN(ArenaPlan plan, plan_arena(requests));
  QEXP_DCHECK(plan_is_valid(requests, plan));
  try {
    arena_.reset(aligned_alloc64(static_cast<size_t>(plan.total_bytes)));
  } catch (const std::bad_alloc&) {
    return resource_exhausted(
        str_cat("cannot allocate the ", plan.total_bytes, "-byte activation arena"));
  }
  arena_bytes_ = plan.total_bytes;

  auto offsets_of = [&plan](const std::vector<int>& buffers) {
    std::vector<int64_t> offsets(buffers.size(), -1);
    for (size_t i = 0; i < buffers.size(); ++i) {
      if (buffers[i] >= 0) offsets[i] = plan.offsets[static_cast<size_t>(buffers[i])];
    }
    return offsets;
  };
  bind_views(offsets_of(tensor_buffer), offsets_of(scratch_buffer));
  return ok_status();
}

// Points every tensor view at its bytes (arena offset, or the graph's constant buffer, never
// copied) and builds each op's EvalContext; offsets of -1 mean "no arena storage".
void InterpreterImpl::bind_views(const std::vector<int64_t>& tensor_offsets,
                                 const std::vector<int64_t>& scratch_offsets) {
  const ir::Graph& g = *graph_;
  auto* base = static_cast<uint8_t*>(arena_.get());
  views_.clear();
  readable_.assign(g.tensors.size(), false);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const ir::Tensor& tensor = g.tensors[t];
    void* data = nullptr;
    if (tensor.is_const()) {
      data = const_cast<uint8_t*>(tensor.data->data());
      readable_[t] = true;
    } else if (tensor_offsets[t] >= 0) {
      data = base + tensor_offsets[t];
      readable_[t] = options_.preserve_all_tensors;
    }
    views_.emplace_back(tensor.dtype, tensor.shape, data);
  }
  for (int t : g.inputs) readable_[static_cast<size_t>(t)] = true;
  for (int t : g.outputs) readable_[static_cast<size_t>(t)] = true;

  for (size_t k = 0; k < ops_.size(); ++k) {
    PreparedOp& p = ops_[k];
    const ir::Op& op = g.ops[k];
    p.inputs.clear();
    for (int t : op.inputs) {
      p.inputs.push_back(t >= 0 ? views_[static_cast<size_t>(t)] : TensorView());
    }
    p.outputs.clear();
    for (int t : op.outputs) p.outputs.push_back(views_[static_cast<size_t>(t)]);
    p.context.inputs = p.inputs;
    p.context.outputs = p.outputs;
    if (scratch_offsets[k] >= 0) {
      p.context.scratch = {base + scratch_offsets[k], static_cast<size_t>(p.scratch_bytes)};
    }
  }
}

TensorView InterpreterImpl::input(int i) {
  QEXP_CHECK_MSG(i >= 0 && i < num_inputs(), "graph input index out of range");
  return views_[static_cast<size_t>(graph_->inputs[static_cast<size_t>(i)])];
}

Status InterpreterImpl::set_input_bytes(int i, std::span<const uint8_t> bytes) {
  if (i < 0 || i >= num_inputs()) {
    return out_of_range(str_cat("input index ", i, " is outside [0, ", num_inputs(), ")"));
  }
  const int t = graph_->inputs[static_cast<size_t>(i)];
  const TensorView& view = views_[static_cast<size_t>(t)];
  if (bytes.size() != view.byte_size()) {
    return invalid_argument(str_cat("input ", i, " ",
                                    quoted(graph_->tensors[static_cast<size_t>(t)].name), ": got ",
                                    bytes.size(), " bytes, ", dtype_name(view.dtype()), " ",
                                    view.shape().to_string(), " needs ", view.byte_size()));
  }
  if (!bytes.empty()) std::memcpy(view.raw(), bytes.data(), bytes.size());
  return ok_status();
}

TensorView InterpreterImpl::output(int i) const {
  QEXP_CHECK_MSG(i >= 0 && i < num_outputs(), "graph output index out of range");
  return views_[static_cast<size_t>(graph_->outputs[static_cast<size_t>(i)])];
}

TensorView InterpreterImpl::tensor(int tensor_id) const {
  QEXP_CHECK_MSG(tensor_id >= 0 && static_cast<size_t>(tensor_id) < views_.size(),
                 "tensor index out of range");
  QEXP_CHECK_MSG(readable_[static_cast<size_t>(tensor_id)],
                 "tensor(id) of an intermediate tensor needs preserve_all_tensors");
  return views_[static_cast<size_t>(tensor_id)];
}

Status InterpreterImpl::invoke() {
  if (observer_ != nullptr) {
    for (int t : graph_->inputs) observer_->on_tensor(t, views_[static_cast<size_t>(t)]);
  }
  const bool profile = !op_time_ns_.empty();
  for (size_t k = 0; k < ops_.size(); ++k) {
    if (profile) {
      const auto start = std::chrono::steady_clock::now();
      ops_[k].kernel->eval(ops_[k].context);
      op_time_ns_[k] += std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    } else {
      ops_[k].kernel->eval(ops_[k].context);
    }
    if (observer_ != nullptr) {
      for (int t : graph_->ops[k].outputs) observer_->on_tensor(t, views_[static_cast<size_t>(t)]);
    }
  }
  return ok_status();
}

std::string_view InterpreterImpl::kernel_name(int op_index) const {
  QEXP_CHECK_MSG(op_index >= 0 && static_cast<size_t>(op_index) < ops_.size(),
                 "op index out of range");
  return ops_[static_cast<size_t>(op_index)].registration->name;
}

std::string_view InterpreterImpl::kernel_variant(int op_index) const {
  QEXP_CHECK_MSG(op_index >= 0 && static_cast<size_t>(op_index) < ops_.size(),
                 "op index out of range");
  return ops_[static_cast<size_t>(op_index)].kernel->variant();
}

}  // namespace

Result<std::unique_ptr<Interpreter>> Interpreter::create(std::shared_ptr<const ir::Graph> graph,
                                                         const InterpreterOptions& options) {
  if (graph == nullptr) return invalid_argument("Interpreter::create: the graph is null");
  auto interpreter = std::make_unique<InterpreterImpl>(std::move(graph), options);
  QEXP_RETURN_IF_ERROR(interpreter->init());
  return std::unique_ptr<Interpreter>(std::move(interpreter));
}

}  // namespace qexp::interp
