#!/usr/bin/env bash
# Regenerates the table in README.md: the default demo model, every calibrator (int8 per-channel
# and per-tensor), weight-only (dynamic range) and float16, on all 10 000 Fashion-MNIST test
# images. Usage: experiments/calibrators/run.sh [QEXP_BINARY]   (default: ./build/framework/cli/qexp)
set -euo pipefail
cd "$(dirname "$0")/../.."
Q="${1:-./build/framework/cli/qexp}"
M=models/mobilenet_v1_0.5_fmnist.pb
D=datasets/fashion_mnist.yaml
out="$(mktemp -d)"
row() {  # name, model file
  local j="$out/$1.json"
  "$Q" eval "$2" --dataset "$D" --threads 2 --json "$j" >/dev/null
  python3 - "$j" "$1" "$2" <<'PY'
import json, os, sys
j = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {j['top1']['percent']:.2f} | {j['top5']['percent']:.2f} | {os.path.getsize(sys.argv[3])} |")
PY
}
"$Q" convert "$M" -o "$out/float.tflite"
echo "| variant | top-1 % | top-5 % | .tflite bytes |"
echo "|---|---|---|---|"
row float "$out/float.tflite"
"$Q" convert "$M" -o "$out/float16.tflite" --quantize float16
row float16 "$out/float16.tflite"
"$Q" convert "$M" -o "$out/dr.tflite" --quantize dynamic_range --dynamic-range-min-elements 100
row "dynamic_range (weight-only, per-channel conv)" "$out/dr.tflite"
for gran in per_channel per_tensor; do
  for cal in minmax ema_minmax percentile kl mse aciq; do
    flag=""; [ "$gran" = per_tensor ] && flag="--per-tensor"
    "$Q" convert "$M" -o "$out/$cal-$gran.tflite" --quantize int8 $flag --calibration "$cal" \
      --calib-dataset "$D" --calib-samples 500 --calib-seed 0 --threads 2 2>>"$out/calib.log"
    row "int8 $gran $cal" "$out/$cal-$gran.tflite"
  done
done
grep "calibrated" "$out/calib.log" >&2 || true
