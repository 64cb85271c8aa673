#!/usr/bin/env bash
# Issue #6, acceptance 1: install qexp to a temporary prefix, build examples/out_of_tree_calibrator
# against it with find_package(qexp), run its unit test, list it with the installed
# `qexp plugins`, then `qexp run` a small experiment with `--plugin` and find the plugin's name,
# version and chosen ranges in report.json.
#
# usage: out_of_tree_test.sh SOURCE_DIR BUILD_DIR GENERATOR CXX_COMPILER [LAUNCHER]
# Exit 77 (CTest: skipped) when Fashion-MNIST is not installed or `qexp run` cannot load
# plugins yet; any other failure exits 1 with the reason.
set -euo pipefail

src=$1 build=$2 generator=$3 cxx=$4 launcher=${5:-}
work=$build/Testing/out_of_tree_test
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }

echo "== install qexp into $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
[[ -x $prefix/bin/qexp ]] || fail "no bin/qexp in the installed prefix"
[[ -f $prefix/lib/cmake/qexp/qexpConfig.cmake ]] || fail "no qexpConfig.cmake installed"
qexp=$prefix/bin/qexp

echo "== configure, build and test the example against the installed package"
cmake -S "$src/examples/out_of_tree_calibrator" -B "$work/example" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/example-configure.log" ||
  { cat "$work/example-configure.log"; fail "configuring the example failed"; }
cmake --build "$work/example" > "$work/example-build.log" ||
  { cat "$work/example-build.log"; fail "building the example failed"; }
ctest --test-dir "$work/example" --output-on-failure > "$work/example-test.log" ||
  { cat "$work/example-test.log"; fail "the example's unit test failed"; }
plugin=$work/example/libqexp_plugin_lp_norm.so
[[ -f $plugin ]] || fail "the example did not produce $plugin"

echo "== qexp plugins --plugin $plugin"
"$qexp" plugins --plugin "$plugin" > "$work/plugins.txt"
grep -q "^lp_norm  calibrator 1.0.0  $plugin  sha256 [0-9a-f]\{64\}\$" "$work/plugins.txt" ||
  { cat "$work/plugins.txt"; fail "qexp plugins does not list lp_norm 1.0.0 from $plugin"; }

[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] ||
  skip "Fashion-MNIST is not installed (scripts/install-deps.sh)"
"$qexp" run --help 2>&1 | grep -q -- "--plugin" ||
  skip "this qexp run has no --plugin option yet (the experiment runner, issue #5)"

echo "== qexp validate with plugins: in the config (relative to the config's directory)"
cat > "$work/with_plugins_key.yaml" <<EOF
model:
  path: $src/models/mobilenet_v1_0.5_fmnist.pb
dataset:
  manifest: $src/datasets/fashion_mnist.yaml
plugins: [example/libqexp_plugin_lp_norm.so]
variants:
  - {name: int8-lp_norm, mode: int8, calibrator: lp_norm}
EOF
(cd / && "$qexp" validate "$work/with_plugins_key.yaml") > "$work/validate.txt" ||
  fail "qexp validate with plugins: [example/libqexp_plugin_lp_norm.so] failed"
grep -q "calibrator: lp_norm" "$work/validate.txt" || fail "validate did not resolve lp_norm"

echo "== qexp run with --plugin"
cat > "$work/small.yaml" <<EOF
experiment:
  name: lp_norm_out_of_tree
  seed: 1
model:
  path: $src/models/mobilenet_v1_0.5_fmnist.pb
dataset:
  manifest: $src/datasets/fashion_mnist.yaml
  split: test
  limit: 50
calibration:
  samples: 16
variants:
  - name: float
    mode: float
  - name: int8-lp_norm
    mode: int8
    calibrator: lp_norm
    calibrator_options: {p: 2.5}
report:
  formats: [json]
EOF
"$qexp" run "$work/small.yaml" --plugin "$plugin" --out "$work/run" > "$work/run.log" 2>&1 ||
  { cat "$work/run.log"; fail "qexp run failed"; }
report=$work/run/report.json
[[ -f $report ]] || fail "no $report"

# One line without whitespace, so the checks depend on neither indentation nor key order.
flat=$(tr -d ' \n\t' < "$report")
sha=$(sha256sum "$plugin" | cut -d' ' -f1)
entry=$(grep -o '{[^{}]*"name":"lp_norm"[^{}]*}' <<< "$flat" | head -1)
[[ -n $entry ]] || fail "provenance.plugins has no lp_norm entry"
for field in '"kind":"calibrator"' '"version":"1.0.0"' "\"origin\":\"$plugin\"" \
             "\"sha256\":\"$sha\""; do
  grep -qF "$field" <<< "$entry" || fail "provenance.plugins lp_norm entry lacks $field: $entry"
done
settings=$(grep -Eo '"settings":\{[^{}]*"calibrator":"lp_norm","calibrator_options":\{[^}]*\}' \
  <<< "$flat" | head -1)
[[ -n $settings ]] || fail "no variant's settings name calibrator lp_norm"
grep -Eq '"p":"?2\.5"?' <<< "$settings" ||
  fail "the lp_norm variant's settings lack its resolved option p = 2.5: $settings"
# int8-lp_norm is the only calibrating variant, so the one ranges list of {tensor, min, max} is
# the one lp_norm chose.
ranges=$(grep -Eo '"ranges":\[\{[^]]*"tensor":"[^]]*\]' <<< "$flat" | head -1)
[[ -n $ranges ]] || fail "the lp_norm variant has no chosen ranges"
for key in min max; do
  grep -Eq "\"$key\":-?[0-9]" <<< "$ranges" || fail "the lp_norm ranges lack numeric $key"
done
grep -q '"status":"complete"' <<< "$flat" || fail "report status is not complete"
echo "ok: lp_norm 1.0.0 ($sha) in provenance; ranges: ${ranges:0:200}"
