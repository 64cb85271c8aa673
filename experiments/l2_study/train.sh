#!/usr/bin/env bash
# Trains the models of the L2 study that are not already in models/ (see README.md).
# Usage: experiments/l2_study/train.sh [TRAINER]   (default: build-analysis/tools/train/qexp_train)
# One seed (1), one libtorch thread, lowest CPU priority; skips models that already exist. Each
# run's output goes to logs/<name>.log. The batch-norm models at L2 0, 1e-4 and 1e-3 are the
# committed demo models (models/README.md; trained with --threads 2), so they are not listed.
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${1:-build-analysis/tools/train/qexp_train}
OUT=experiments/l2_study/models
LOG=experiments/l2_study/logs
mkdir -p "$OUT" "$LOG"

# arch l2 — ordered so that the runs most important for the finding come first.
RUNS=(
  "nobn 0" "nobn 1e-3" "nobn 4e-3" "bn 4e-3" "nobn 1e-4" "nobn 1e-5" "bn 1e-5"
)
for run in "${RUNS[@]}"; do
  read -r arch l2 <<<"$run"
  name="${arch}_l2_${l2}"
  [[ -f "$OUT/$name.pb" ]] && { echo "skip $name (exists)"; continue; }
  args=(--l2 "$l2" --seed 1 --threads 1 -o "$OUT/$name.pb")
  [[ "$l2" != 0 ]] && args+=(--emit-regularizers)
  [[ "$arch" == nobn ]] && args+=(--no-batchnorm)
  echo "$(date -u +%FT%TZ) start $name: ${args[*]}"
  nice -n 19 "$T" "${args[@]}" >"$LOG/$name.log" 2>&1
  echo "$(date -u +%FT%TZ) done  $name"
done
