#!/usr/bin/env bash
# Writes the MobileNet v1 1.0 224 benchmark models (random weights, seed 1) into OUT_DIR
# (default /tmp/qexp-bench):
#   mnv1.pb            frozen TF-slim-layout GraphDef (tools/gen_mobilenet)
#   mnv1_float.tflite  `qexp convert` of it (BN folded, Relu6 fused)
#   mnv1_int8.tflite   int8, per-channel weights, min/max activation ranges calibrated on 100
#                      Fashion-MNIST test images resized to 224x224x3 (fmnist_224.yaml); float
#                      input / output (QUANTIZE / DEQUANTIZE at the ends)
#
# Usage: tools/bench_peers/make_models.sh [OUT_DIR]
# Environment: QEXP_BUILD_DIR (default <repo>/build): where qexp and qexp_gen_mobilenet are built;
# QEXP / QEXP_GEN_MOBILENET override the two binaries.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${QEXP_BUILD_DIR:-$root/build}"
qexp="${QEXP:-$build/framework/cli/qexp}"
gen="${QEXP_GEN_MOBILENET:-$build/tools/gen_mobilenet/qexp_gen_mobilenet}"
out="${1:-/tmp/qexp-bench}"

for bin in "$qexp" "$gen"; do
  [ -x "$bin" ] || { echo "make_models.sh: $bin not built (cmake --build $build)" >&2; exit 2; }
done
mkdir -p "$out"
"$gen" --width 1.0 --input-size 224 --classes 1001 --seed 1 -o "$out/mnv1.pb"
"$qexp" convert "$out/mnv1.pb" -o "$out/mnv1_float.tflite"
"$qexp" convert "$out/mnv1.pb" -o "$out/mnv1_int8.tflite" --quantize int8 \
  --calibration minmax --calib-dataset "$here/fmnist_224.yaml" --calib-split test \
  --calib-samples 100 --threads "$(nproc)"
ls -l "$out"/mnv1.pb "$out"/mnv1_float.tflite "$out"/mnv1_int8.tflite
