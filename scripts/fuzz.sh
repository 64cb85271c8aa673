#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz for SECONDS seconds with its corpus and dictionary.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]
#   TARGET: tflite | graphdef | config | idx | image | image_list | manifest | journal
#
# Builds (when needed) a Clang build with ASan + UBSan + libFuzzer in $QEXP_FUZZ_BUILD_DIR
# (default ./build-fuzz; scripts/install-deps.sh --fuzz installs clang-14). New inputs libFuzzer
# finds go to build-fuzz/corpus/TARGET (the committed corpus is only read); a crash writes
# crash-* into build-fuzz/artifacts/TARGET/ — fix it, then copy the input into
# tests/fuzz/TARGET/corpus/ so the fuzz-replay CTest keeps checking it.
# One process, one job (no -jobs/-workers: those fork children that log to files).
# Prints libFuzzer's final stats.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QEXP_FUZZ_BUILD_DIR:-$root/build-fuzz}"
targets="tflite graphdef config idx image image_list manifest journal"

if [ $# -lt 2 ] || ! [[ " $targets " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]  (TARGET: $targets)" >&2
  exit 2
fi
target="$1" seconds="$2"
shift 2

cxx="$(command -v clang++-14 || command -v clang++ || true)"
if [ -z "$cxx" ]; then
  echo "fuzz.sh: clang++ not found; run scripts/install-deps.sh --fuzz" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$cxx" -DQEXP_BUILD_FUZZERS=ON >"$build.configure.log" 2>&1 ||
    { cat "$build.configure.log" >&2; exit 1; }
fi
cmake --build "$build" -j "${QEXP_JOBS:-2}" --target "fuzz_$target" >&2

src="$root/tests/fuzz/$target"
work="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$work" "$artifacts"
dict=()
[ -f "$src/$target.dict" ] && dict=("-dict=$src/$target.dict")
# -rss_limit_mb: the targets' own limits (64 MiB IDX, 1 MiB config, 1e6-element models) stay far
# below it; -timeout 10 s per input flags hangs.
exec "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "${dict[@]}" "$@" "$work" "$src/corpus"
