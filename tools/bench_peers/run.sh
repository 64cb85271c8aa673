#!/usr/bin/env bash
# Runs MobileNet v1 1.0 224 (batch 1, float and int8) on qexp, ONNX Runtime and OpenCV dnn in one
# run, with the same warm-up / timed-run protocol, and prints a Markdown table with the ratios
# (docs/performance.md). Not part of CI.
#
# Usage: tools/bench_peers/run.sh [--runs N] [--warmup N] [--wait-idle S] [--models DIR] [--out DIR]
#   --runs N      timed runs per measurement (default 50); --warmup N untimed ones (default 10)
#   --wait-idle S before measuring, wait up to S seconds for a 1-minute load average below 0.5
#                 (on 2 cores, any other busy process distorts the 2-thread numbers)
#   --models DIR  where make_models.sh put / puts the models (default /tmp/qexp-bench)
#   --out DIR     JSON results, raw outputs and table.md (default DIR/run-<UTC time>)
# Environment: QEXP_BUILD_DIR (default <repo>/build): configured with -DQEXP_BUILD_BENCH_PEERS=ON
# and built here (qexp, qexp_gen_mobilenet, qexp_onnx_export, qexp_opencv_bench).
# Needs `scripts/install-deps.sh --bench` (ONNX Runtime from npm) first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${QEXP_BUILD_DIR:-$root/build}"
runs=50 warmup=10 wait_idle=0 models=/tmp/qexp-bench out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --wait-idle) wait_idle="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "run.sh: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done
out="${out:-$models/run-$(date -u +%Y%m%dT%H%M%SZ)}"
log() { echo "run.sh: $*" >&2; }

[ -d "$here/node_modules/onnxruntime-node" ] ||
  { log "ONNX Runtime missing: run scripts/install-deps.sh --bench"; exit 2; }
log "building in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQEXP_BUILD_BENCH_PEERS=ON \
  >"$out.configure.log" 2>&1 || { cat "$out.configure.log" >&2; exit 1; }
rm -f "$out.configure.log"
cmake --build "$build" --target qexp qexp_gen_mobilenet qexp_onnx_export qexp_opencv_bench >&2
qexp="$build/framework/cli/qexp"
export_onnx="$build/tools/bench_peers/qexp_onnx_export"
opencv="$build/tools/bench_peers/qexp_opencv_bench"

if [ ! -f "$models/mnv1_int8.tflite" ] || [ ! -f "$models/mnv1_float.tflite" ] ||
   [ ! -f "$models/mnv1.pb" ]; then
  QEXP_BUILD_DIR="$build" "$here/make_models.sh" "$models" >&2
fi
"$export_onnx" "$models/mnv1_float.tflite" -o "$models/mnv1_float.onnx" >&2
"$export_onnx" "$models/mnv1_int8.tflite" -o "$models/mnv1_qdq.onnx" >&2
mkdir -p "$out"
deadline=$((SECONDS + wait_idle))
while [ "$SECONDS" -lt "$deadline" ] && ! awk '{exit !($1 < 0.5)}' /proc/loadavg; do
  log "waiting for an idle machine (load $(cut -d' ' -f1-3 /proc/loadavg))"
  sleep 15
done
uptime >"$out/load_before.txt"
log "results in $out ($(cat "$out/load_before.txt"))"

# The input every runtime gets: qexp bench's own values (ort_bench.js writes them).
node "$here/ort_bench.js" --model "$models/mnv1_float.onnx" --runs 1 --warmup 0 \
  --write-input "$out/input.bin" --output "$out/ort_float_output.bin" >/dev/null
node "$here/ort_bench.js" --model "$models/mnv1_qdq.onnx" --runs 1 --warmup 0 \
  --input "$out/input.bin" --output "$out/ort_int8_output.bin" >/dev/null
"$qexp" infer "$models/mnv1_float.tflite" --input "$out/input.bin" --out-dir "$out/qexp_float"
"$qexp" infer "$models/mnv1_int8.tflite" --input "$out/input.bin" --out-dir "$out/qexp_int8"
"$opencv" --model "$models/mnv1.pb" --input "$out/input.bin" --runs 1 --warmup 0 \
  --output "$out/opencv_float_output.bin" >/dev/null

common=(--runs "$runs" --warmup "$warmup")
for threads in 1 2; do
  for kind in float int8; do
    tflite="$models/mnv1_$kind.tflite"
    onnx="$models/mnv1_$([ $kind = int8 ] && echo qdq || echo float).onnx"
    log "$kind, $threads thread(s): qexp"
    "$qexp" bench "$tflite" --threads "$threads" "${common[@]}" --top 40 \
      --json "$out/qexp_${kind}_t$threads.json" >"$out/qexp_${kind}_t$threads.txt"
    log "$kind, $threads thread(s): ONNX Runtime"
    profile=()  # per-op times from ONNX Runtime's profiler (a separate session, after timing)
    [ "$threads" = 1 ] && profile=(--profile "$out/ort_${kind}_t1_ops.json")
    node "$here/ort_bench.js" --model "$onnx" --threads "$threads" "${common[@]}" \
      --input "$out/input.bin" --json "$out/ort_${kind}_t$threads.json" "${profile[@]}" >/dev/null
    log "$kind, $threads thread(s): OpenCV dnn"
    "$opencv" --model "$models/mnv1.pb" $([ $kind = int8 ] && echo --int8) --threads "$threads" \
      "${common[@]}" --input "$out/input.bin" --json "$out/opencv_${kind}_t$threads.json" >/dev/null
  done
done
uptime >"$out/load_after.txt"
node "$here/report.js" "$out" | tee "$out/table.md"
