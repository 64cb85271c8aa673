#pragma once
/// Finding L2 weight regularization in an imported model, before dead-code elimination: the TF1
/// training-only nodes the GraphDef importer keeps in Graph::aside.
///
/// Understood patterns (L2Loss(w) = Σw² / 2):
///   - `tf.contrib.layers.l2_regularizer(scale)`: `K/Regularizer/l2_regularizer/scale` (Const),
///     `…/L2Loss` (L2Loss of the kernel K, possibly through an Identity such as `K/read`) and
///     `K/Regularizer/l2_regularizer` = Mul(scale, L2Loss)  → source "l2_regularizer";
///   - `scale * tf.nn.l2_loss(w)` anywhere else: Mul of an L2Loss and a scalar Const
///     → source "l2_loss_mul";
///   - a bare `tf.nn.l2_loss(w)` no Mul consumes → scale 1, source "l2_loss".
/// Anything else around an L2Loss — a scale that is not a scalar float constant, an L2Loss of a
/// tensor that is not the constant weight of a conv / depthwise / fully-connected / matmul op —
/// is reported as not understood, with the reason, never guessed.

#include <optional>
#include <string>
#include <vector>

#include "framework/ir/graph.h"

namespace qexp::analysis {

struct RegularizerFinding {
  std::string l2loss_node;      ///< the L2Loss node
  std::string weight;           ///< the tensor it reads (after Identity), as named in the graph
  std::string op;               ///< name of the op using `weight` as its weights ("" if none)
  std::string source;           ///< "l2_regularizer", "l2_loss_mul", "l2_loss"
  std::optional<double> scale;  ///< the stated scale (only when understood)
  bool understood = false;
  std::string reason;  ///< why not understood
};

/// One finding per L2Loss node in `imported.aside`, in aside order.
std::vector<RegularizerFinding> detect_regularizers(const ir::Graph& imported);

}  // namespace qexp::analysis
