#!/usr/bin/env bash
# Checks qexp_onnx_export on the committed demo model, cut at the logits (a 4-D output: the
# NHWC / NCHW handling is checked too), against ONNX Runtime: the float export must reproduce
# `qexp infer` within 1e-5 relative L2; the QDQ export of the int8 model within 0.1 (ONNX
# Runtime requantizes in float, TFLite in fixed point, so int8 values differ by a step here and
# there and the logits by up to 2 steps, 3.5e-2 relative L2 measured; an exporter error such as
# a wrong scale, axis or layout gives errors of order 1).
# Exit 77 (skipped) when ONNX Runtime is not installed (scripts/install-deps.sh --bench).
#
# Usage: check_export.sh QEXP QEXP_ONNX_EXPORT WORK_DIR
set -euo pipefail
qexp="$1" export_onnx="$2" work="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -d "$here/node_modules/onnxruntime-node" ] || ! command -v node >/dev/null; then
  echo "check_export.sh: ONNX Runtime not installed (scripts/install-deps.sh --bench): skipped"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work"
model=("$root/models/mobilenet_v1_0.5_fmnist.pb" --output-arrays
  MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd)
"$qexp" convert "${model[@]}" -o float.tflite 2>/dev/null
"$qexp" convert "${model[@]}" -o int8.tflite --quantize int8 \
  --calib-dataset "$root/datasets/fashion_mnist.yaml" --calib-samples 32 2>/dev/null
"$export_onnx" float.tflite -o float.onnx
"$export_onnx" int8.tflite -o qdq.onnx
node "$here/ort_bench.js" --model float.onnx --runs 1 --warmup 0 --write-input in.bin \
  --output ort_float.bin
node "$here/ort_bench.js" --model qdq.onnx --runs 1 --warmup 0 --input in.bin --output ort_int8.bin
"$qexp" infer float.tflite --input in.bin --out-dir qexp_float
"$qexp" infer int8.tflite --input in.bin --out-dir qexp_int8
node "$here/compare.js" qexp_float/output_0.bin ort_float.bin 1e-5
node "$here/compare.js" qexp_int8/output_0.bin ort_int8.bin 0.1
