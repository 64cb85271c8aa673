'use strict';
// End-to-end tests of run_tflite.js on tiny models built from qexp's TFLite schema subset with
// flatc (testdata/models.js): hand-computed outputs with XNNPACK off and on, the profile proving
// which kernels ran, the observed rounding difference, and the error exits.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {spawnSync} = require('child_process');
const {writeModels} = require('../testdata/models');

const TOOL = path.join(__dirname, '..', 'run_tflite.js');
const haveFlatc = spawnSync('flatc', ['--version']).status === 0;
let haveWasm = true;
try {
  require.resolve('@tensorflow/tfjs-tflite/package.json', {paths: [path.join(__dirname, '..')]});
} catch (e) {
  haveWasm = false;
}
const skip = !haveFlatc ? 'flatc not found' : !haveWasm ? 'npm ci not run in tools/tflite_ref' : false;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tflite_ref_test_'));
test.after(() => fs.rmSync(tmp, {recursive: true, force: true}));
const models = skip ? {} : Object.fromEntries(writeModels(path.join(tmp, 'models'))
                                                   .map((m) => [m.name, m]));

function run(model, {xnnpack = 'off', simd = false, inputs = model.inputPaths, extra = []} = {}) {
  const outDir = fs.mkdtempSync(path.join(tmp, `${model.name}_${xnnpack}_`));
  const args = [TOOL, model.path, ...inputs.flatMap((p) => ['--input', p]), '--out-dir', outDir,
                '--xnnpack', xnnpack, '--profile', ...(simd ? ['--simd'] : []), ...extra];
  const r = spawnSync(process.execPath, args, {encoding: 'utf8'});
  const report = r.status === 0 ? JSON.parse(fs.readFileSync(path.join(outDir, 'outputs.json'))) :
                                  null;
  const read = (k) => {
    const o = report.outputs[k];
    const b = fs.readFileSync(path.join(outDir, o.file));
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
    const T = {float32: Float32Array, int8: Int8Array, int32: Int32Array, uint8: Uint8Array}[o.dtype];
    return Array.from(new T(ab));
  };
  return {status: r.status, stdout: r.stdout, stderr: r.stderr, report, read};
}

const builtinOnly = (report) => report.profile.every((p) => !/xnnpack|delegate/i.test(p.node_type));

// The builtin kernels each model runs with XNNPACK off. fc_f32 sets only OperatorCode's
// deprecated_builtin_code and conv_int8_io only builtin_code: the real reader finding
// FULLY_CONNECTED and CONV_2D pins both field slots of qexp's schema.
const BUILTIN_OPS = {
  add_f32: ['ADD'],
  fc_f32: ['FULLY_CONNECTED'],
  conv_int8: ['QUANTIZE', 'CONV_2D', 'DEQUANTIZE'],
  conv_int8_io: ['CONV_2D'],
};

for (const name of Object.keys(BUILTIN_OPS)) {
  for (const xnnpack of ['off', 'on']) {
    test(`${name}: hand-computed outputs with xnnpack ${xnnpack}`, {skip}, () => {
      const m = models[name];
      const r = run(m, {xnnpack});
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.report.outputs.length, m.outputs.length);
      m.outputs.forEach((want, k) => {
        const got = r.report.outputs[k];
        assert.strictEqual(got.name, want.name);
        assert.strictEqual(got.dtype, want.dtype);
        assert.deepStrictEqual(got.shape, want.shape);
        assert.deepStrictEqual(r.read(k), want.values);
        if (want.scale) {
          assert.deepStrictEqual(got.scale, want.scale);
          assert.deepStrictEqual(got.zero_point, want.zero_point);
        }
      });
      assert.strictEqual(r.report.runtime.threads, 1);
      assert.strictEqual(r.report.runtime.build, 'tflite_web_api_cc');
      assert.ok(r.report.profile.length > 0, 'profile has nodes');
      if (xnnpack === 'off') {
        assert.deepStrictEqual(r.report.profile.map((p) => p.node_type), BUILTIN_OPS[name]);
        assert.strictEqual(r.report.runtime.xnnpack_delegate_created, false);
        assert.ok(r.report.runtime.xnnpack_patch.function_index > 0);
      } else {
        // XNNPACK takes every node of these models (float ADD / FC, int8 QUANTIZE, CONV_2D,
        // DEQUANTIZE) and the delegate replaces them with one node.
        assert.deepStrictEqual(r.report.profile.map((p) => p.node_type), ['TfLiteXNNPackDelegate']);
        assert.strictEqual(r.report.runtime.xnnpack_delegate_created, true);
      }
    });
  }
}

test('conv_int8: the profile names every builtin kernel with xnnpack off', {skip}, () => {
  const r = run(models.conv_int8);
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(r.report.profile.map((p) => p.node_type),
                         ['QUANTIZE', 'CONV_2D', 'DEQUANTIZE']);
  assert.match(r.stdout, /node 1: CONV_2D \[conv\/out_q\]/);
});

test('conv_int8: the SIMD build gives the same int8 results', {skip}, () => {
  for (const xnnpack of ['off', 'on']) {
    const r = run(models.conv_int8_io, {xnnpack, simd: true});
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.report.runtime.build, 'tflite_web_api_cc_simd');
    assert.deepStrictEqual(r.read(0), models.conv_int8_io.outputs[0].values);
  }
});

// Observed behaviour of this TFLite build (pinned so a change is noticed):
// builtin QUANTIZE rounds x / scale half away from zero, then adds the zero point;
// XNNPACK rounds half to even.
test('quantize_ties: builtin rounds half away from zero, XNNPACK half to even', {skip}, () => {
  const m = models.quantize_ties;  // x = [-23.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 23.5]
  const off = run(m, {xnnpack: 'off'});
  assert.strictEqual(off.status, 0, off.stderr);
  assert.ok(builtinOnly(off.report));
  assert.deepStrictEqual(off.read(0), [-24, -3, -2, -1, 1, 2, 3, 24]);
  assert.deepStrictEqual(off.read(1), [-14, 7, 8, 9, 11, 12, 13, 34]);
  const on = run(m, {xnnpack: 'on'});
  assert.strictEqual(on.status, 0, on.stderr);
  assert.deepStrictEqual(on.read(0), [-24, -2, -2, 0, 0, 2, 2, 24]);
  assert.deepStrictEqual(on.read(1), [-14, 8, 8, 10, 10, 12, 12, 34]);
});

test('wrong input size is a clear error with exit 2', {skip}, () => {
  const m = models.fc_f32;
  const short = path.join(tmp, 'short.bin');
  fs.writeFileSync(short, Buffer.alloc(12));
  const r = run(m, {inputs: [short]});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /input 0 \('x', float32 \[1,4\]\) needs 16 bytes, .*short\.bin has 12/);
});

test('wrong number of inputs, missing files and bad options exit 2', {skip}, () => {
  const m = models.add_f32;
  let r = run(m, {inputs: [m.inputPaths[0]]});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /has 2 input\(s\), got 1 --input file/);
  r = run(m, {inputs: [path.join(tmp, 'nope.bin'), m.inputPaths[1]]});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /no such file/);
  r = run(m, {xnnpack: 'maybe'});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /--xnnpack: 'maybe' is not 'on' or 'off'/);
  r = spawnSync(process.execPath, [TOOL, m.path, '--input', m.inputPaths[0]], {encoding: 'utf8'});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /missing --out-dir/);
});

test('a build where the XNNPACK factory cannot be found exits 3', {skip}, () => {
  const src = path.join(path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json',
                                                     {paths: [path.join(__dirname, '..')]})),
                        'wasm');
  const dir = fs.mkdtempSync(path.join(tmp, 'wasm_'));
  fs.copyFileSync(path.join(src, 'tflite_web_api_cc.js'), path.join(dir, 'tflite_web_api_cc.js'));
  const wasm = fs.readFileSync(path.join(src, 'tflite_web_api_cc.wasm'));
  const at = wasm.indexOf('Created TensorFlow Lite XNNPACK delegate for CPU.');
  assert.ok(at > 0);
  wasm[at] = 'c'.charCodeAt(0);  // the marker string no longer exists
  fs.writeFileSync(path.join(dir, 'tflite_web_api_cc.wasm'), wasm);
  const r = run(models.add_f32, {extra: ['--wasm-dir', dir]});
  assert.strictEqual(r.status, 3);
  assert.match(r.stderr, /cannot switch XNNPACK off.*found 0/);
});
