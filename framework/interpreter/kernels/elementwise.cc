// ADD, SUB and MUL float kernels (numpy broadcasting, fused activation) and the standalone
// activation ops RELU, RELU6, RELU_N1_TO_1, LOGISTIC and TANH.

#include <memory>

#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/activations.h"
#include "framework/interpreter/kernels/reference/elementwise.h"

namespace qexp::interp::kernels {
namespace {

struct AddOp {
  float operator()(float a, float b) const { return a + b; }
};
struct SubOp {
  float operator()(float a, float b) const { return a - b; }
};
struct MulOp {
  float operator()(float a, float b) const { return a * b; }
};

template <typename Op>
class BinaryFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_float_op(c, {0, 1}));
    QEXP_ASSIGN_OR_RETURN(activation_,
                          float_activation_range(c.options<ir::ElementwiseOptions>().activation));
    const Shape& a = c.input(0).shape;
    const Shape& b = c.input(1).shape;
    // Equal shapes take the flat loop; everything else walks the broadcast layout (the output
    // shape was checked against ir::broadcast_shapes, and the verifier bounds the rank).
    same_shape_ = a == b;
    layout_ = reference::make_broadcast_layout(a, b, c.output(0).shape);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    const ActivationRange range = activation_;
    auto op = [range](float x, float y) { return apply_activation(Op()(x, y), range); };
    const float* a = c.input(0).data<float>();
    const float* b = c.input(1).data<float>();
    float* out = c.output(0).data<float>();
    if (same_shape_) {
      reference::elementwise_binary(c.output(0).num_elements(), a, b, out, op);
    } else {
      reference::broadcast_binary(layout_, a, b, out, op);
    }
  }

 private:
  ActivationRange activation_;
  bool same_shape_ = false;
  reference::BroadcastLayout layout_;
};

float relu(float x) { return apply_activation(x, reference::relu_range()); }
float relu6(float x) { return apply_activation(x, reference::relu6_range()); }
float relu_n1_to_1(float x) { return apply_activation(x, reference::relu_n1_to_1_range()); }

template <float (*kFn)(float)>
class UnaryFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override { return check_float_op(c, {0}); }

  void eval(const EvalContext& c) const override {
    reference::elementwise_unary(c.output(0).num_elements(), c.input(0).data<float>(),
                                 c.output(0).data<float>(), kFn);
  }
};

}  // namespace

std::unique_ptr<Kernel> make_add_float_kernel() { return std::make_unique<BinaryFloat<AddOp>>(); }
std::unique_ptr<Kernel> make_sub_float_kernel() { return std::make_unique<BinaryFloat<SubOp>>(); }
std::unique_ptr<Kernel> make_mul_float_kernel() { return std::make_unique<BinaryFloat<MulOp>>(); }
std::unique_ptr<Kernel> make_relu_float_kernel() { return std::make_unique<UnaryFloat<relu>>(); }
std::unique_ptr<Kernel> make_relu6_float_kernel() { return std::make_unique<UnaryFloat<relu6>>(); }
std::unique_ptr<Kernel> make_relu_n1_to_1_float_kernel() {
  return std::make_unique<UnaryFloat<relu_n1_to_1>>();
}
std::unique_ptr<Kernel> make_logistic_float_kernel() {
  return std::make_unique<UnaryFloat<reference::logistic>>();
}
std::unique_ptr<Kernel> make_tanh_float_kernel() {
  return std::make_unique<UnaryFloat<reference::tanh>>();
}

}  // namespace qexp::interp::kernels
