#!/usr/bin/env bash
# Installs the Debian 12 packages qexp needs, and only those that are missing. Idempotent.
#
#   scripts/install-deps.sh            build + run dependencies
#   scripts/install-deps.sh --test     … plus what the test suite uses (Node.js + the real TFLite
#                                       interpreter from npm, for conformance tests; libxml2-dev)
#   scripts/install-deps.sh --trainer  … plus libtorch (only to retrain the demo models)
#   scripts/install-deps.sh --fuzz     … plus clang 14 and its runtimes (libFuzzer, ASan, UBSan)
#   scripts/install-deps.sh --bench    … plus Node.js and ONNX Runtime from npm
#                                       (tools/bench_peers/node_modules, for the peer benchmarks)
#   scripts/install-deps.sh --check    print what is missing, install nothing (exit 1 if any)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

build_pkgs=(g++ cmake ninja-build pkg-config ccache zlib1g-dev
  libprotobuf-dev protobuf-compiler libflatbuffers-dev flatbuffers-compiler
  libeigen3-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-dnn-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist)
test_pkgs=(libxml2-dev  # the report tests parse report.html with a real XML parser
  libopenmpi-dev openmpi-bin)  # qexp run --mpi is built and tested (mpirun -np 2)
trainer_pkgs=(libtorch-dev)
fuzz_pkgs=(clang-14 libclang-rt-14-dev)  # scripts/fuzz.sh, -DQEXP_BUILD_FUZZERS=ON

want_test=0 want_trainer=0 want_fuzz=0 want_bench=0 check_only=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --trainer) want_trainer=1 ;;
    --fuzz) want_fuzz=1 ;;
    --bench) want_bench=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg' (expected --test, --trainer, --fuzz, --bench, --check)" >&2; exit 2 ;;
  esac
done

pkgs=("${build_pkgs[@]}")
if [ "$want_test" = 1 ] && ! command -v node >/dev/null 2>&1; then test_pkgs+=(nodejs npm); fi
if [ "$want_test" = 1 ] && command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then
  test_pkgs+=(npm)
fi
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")
if [ "$want_bench" = 1 ]; then
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
fi
[ "$want_trainer" = 1 ] && pkgs+=("${trainer_pkgs[@]}")
[ "$want_fuzz" = 1 ] && pkgs+=("${fuzz_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$check_only" = 1 ]; then
    echo "missing Debian packages: ${missing[*]}"
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    sudo_cmd=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps.sh: these Debian packages are missing: ${missing[*]}" >&2
    echo "install-deps.sh: run as root (or install sudo): apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps.sh: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

if [ "$want_test" = 1 ] && [ "$check_only" = 0 ] && [ -f "$root/scripts/install-node-tools.sh" ]; then
  bash "$root/scripts/install-node-tools.sh"
fi
# onnxruntime-node's install script would fetch optional GPU binaries from outside npm; the CPU
# build the benchmarks use ships inside the npm package, so the script is skipped.
if [ "$want_bench" = 1 ] && [ "$check_only" = 0 ] && \
   [ ! -d "$root/tools/bench_peers/node_modules/onnxruntime-node" ]; then
  (cd "$root/tools/bench_peers" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2)
fi
exit 0
