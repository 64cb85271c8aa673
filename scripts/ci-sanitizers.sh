#!/usr/bin/env bash
# CI's sanitizer step (issue #8; docs/reliability.md, "Sanitizers in CI"): tests under
# AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ (the `asan` CMake preset: GCC,
# RelWithDebInfo, -fsanitize=address,undefined on every target, UBSan findings abort).
#
#   scripts/ci-sanitizers.sh          the CI subset: the unit tests of the code that reads
#                                     untrusted files (core, IR verifier, TFLite / GraphDef
#                                     importers, dataset readers) and the fuzz-replay corpora of
#                                     the parsers; sized to fit the CI budget with a cold cache
#   scripts/ci-sanitizers.sh --full   the whole suite (ctest --preset asan), as reported in
#                                     docs/reliability.md; far longer (every target under ASan)
#
# Environment: QEXP_JOBS (default: number of cores).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-asan"
jobs="${QEXP_JOBS:-$(nproc)}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

log() { echo "ci-sanitizers: $*" >&2; }

cd "$root"
if [ ! -f "$build/build.ninja" ]; then
  log "configuring $build (cmake --preset asan)"
  cmake --preset asan >"$build.configure.log" 2>&1 || { cat "$build.configure.log" >&2; exit 1; }
fi

if [ "${1:-}" = "--full" ]; then
  log "building everything under ASan + UBSan"
  cmake --build --preset asan -j "$jobs"
  exec ctest --preset asan -j "$jobs"
fi

# The readers of untrusted files and their fuzz corpora. Left out to keep the cold build short:
# the interpreter (fuzz_replay_tflite) and the experiment library (fuzz_replay_config), which
# --full and scripts/fuzz.sh cover.
unit_tests=(core_test ir_test importers_tflite_importer_test importers_tf_importer_test data_test)
fuzz_targets=(graphdef idx image image_list manifest journal)
targets=("${unit_tests[@]}" "${fuzz_targets[@]/#/fuzz_replay_}")
log "building ${#targets[@]} targets under ASan + UBSan"
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

status=0
for t in "${unit_tests[@]}"; do
  bin="$(find "$build/tests" -name "$t" -type f -perm -u+x | head -n 1)"
  log "$t"
  "$bin" --gtest_brief=1 || status=1
done
log "fuzz corpora, then QEXP_FUZZ_MUTATE_SECONDS (10) of mutated inputs per target"
regex="^fuzz_(replay|mutate)_($(IFS='|'; echo "${fuzz_targets[*]}"))\$"
ctest --test-dir "$build" -R "$regex" -j "$jobs" --output-on-failure || status=1
exit "$status"
