#!/usr/bin/env bash
# The L2 study: `qexp run study.yaml` on every trained model of the grid (L2 ∈ {0, 1e-5, 1e-4,
# 1e-3, 4e-3} × {batch norm, no batch norm}, seed 1; plus the default demo model, batch norm and
# L2 4e-5), then the results table and plots.
# Usage: [L2_STUDY_ONLY="bn_l2_0 nobn_l2_0 …"] experiments/l2_study/run.sh [QEXP_BINARY] [THREADS]
#   (default ./build/framework/cli/qexp, 1 thread; L2_STUDY_ONLY: run only these models). Models missing from disk are skipped and
#   listed; train them with experiments/l2_study/train.sh. Runs go to runs/l2_study/<model>/
#   (not committed); a finished run is not repeated. Writes experiments/l2_study/results.md and
#   plots/*.svg.
set -euo pipefail
cd "$(dirname "$0")/../.."
Q="${1:-./build/framework/cli/qexp}"
THREADS="${2:-1}"
S=experiments/l2_study
# name → model file: batch-norm models with L2 0, 1e-4, 1e-3 are the committed demo models.
model_of() {
  case "$1" in
    bn_l2_0) echo models/mobilenet_v1_0.5_fmnist_l2_0.pb ;;
    bn_l2_4e-5) echo models/mobilenet_v1_0.5_fmnist.pb ;;
    bn_l2_1e-4) echo models/mobilenet_v1_0.5_fmnist_l2_1e-4.pb ;;
    bn_l2_1e-3) echo models/mobilenet_v1_0.5_fmnist_l2_1e-3.pb ;;
    *) echo "$S/models/$1.pb" ;;
  esac
}
NAMES=()
for arch in bn nobn; do for l2 in 0 1e-5 1e-4 1e-3 4e-3; do NAMES+=("${arch}_l2_${l2}"); done; done
NAMES+=(bn_l2_4e-5)  # the default demo model (TF-slim's weight decay), an extra batch-norm point
[[ -n "${L2_STUDY_ONLY:-}" ]] && read -r -a NAMES <<<"$L2_STUDY_ONLY"
for name in "${NAMES[@]}"; do
  m="$(model_of "$name")"
  out="runs/l2_study/$name"
  if [[ ! -f "$m" ]]; then echo "missing model $m (not trained yet): skipped" >&2; continue; fi
  if [[ -f "$out/report.json" ]] && grep -q '"status": "complete"' "$out/report.json"; then
    continue
  fi
  echo "$(date -u +%FT%TZ) qexp run $name" >&2
  nice -n 10 "$Q" run "$S/study.yaml" --threads "$THREADS" --out "$out" -q \
    --set "model.path=$PWD/$m" --set "experiment.name=l2_study_$name"
done
python3 "$S/summarize.py" runs/l2_study "$S"
