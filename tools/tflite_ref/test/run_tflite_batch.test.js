'use strict';
// Batch mode of run_tflite.js (--batch JOBS.json): many models in one process, per-job XNNPACK
// mode, the same outputs as single runs, error.json for a job TFLite rejects, usage errors.
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tflite_ref_batch_'));
test.after(() => fs.rmSync(tmp, {recursive: true, force: true}));
const models = skip ? {} : Object.fromEntries(writeModels(path.join(tmp, 'models'))
                                                   .map((m) => [m.name, m]));

function runBatch(jobs, extra = []) {
  const file = path.join(tmp, `jobs_${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify({jobs}));
  return spawnSync(process.execPath, [TOOL, '--batch', file, ...extra], {encoding: 'utf8'});
}

function readInt8(dir, k) {
  const b = fs.readFileSync(path.join(dir, `output_${k}.bin`));
  return Array.from(new Int8Array(b.buffer, b.byteOffset, b.length));
}

test('batch: both XNNPACK modes in one process give the single-run results', {skip}, () => {
  const m = models.quantize_ties;
  const off = path.join(tmp, 'ties_off'), on = path.join(tmp, 'ties_on');
  const conv = path.join(tmp, 'conv_off');
  const r = runBatch([
    {model: m.path, inputs: m.inputPaths, out_dir: off, xnnpack: 'off'},
    {model: m.path, inputs: m.inputPaths, out_dir: on, xnnpack: 'on'},
    {model: models.conv_int8_io.path, inputs: models.conv_int8_io.inputPaths, out_dir: conv},
  ], ['--profile']);
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(readInt8(off, 0), [-24, -3, -2, -1, 1, 2, 3, 24]);
  assert.deepStrictEqual(readInt8(on, 0), [-24, -2, -2, 0, 0, 2, 2, 24]);
  assert.deepStrictEqual(readInt8(conv, 0), models.conv_int8_io.outputs[0].values);
  const report = JSON.parse(fs.readFileSync(path.join(off, 'outputs.json')));
  assert.strictEqual(report.runtime.xnnpack, 'off');
  assert.deepStrictEqual(report.profile.map((p) => p.node_type), ['QUANTIZE', 'QUANTIZE']);
  const onReport = JSON.parse(fs.readFileSync(path.join(on, 'outputs.json')));
  assert.strictEqual(onReport.runtime.xnnpack_delegate_created, true);
});

test('batch: a job TFLite rejects writes error.json, the others still run, exit 1', {skip}, () => {
  const bad = path.join(tmp, 'bad.tflite');
  fs.writeFileSync(bad, Buffer.from('not a model'));
  const good = path.join(tmp, 'good_after_bad');
  const badDir = path.join(tmp, 'bad_out');
  const r = runBatch([
    {model: bad, inputs: [], out_dir: badDir},
    {model: models.add_f32.path, inputs: models.add_f32.inputPaths, out_dir: good},
  ]);
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /1 job\(s\) failed/);
  const err = JSON.parse(fs.readFileSync(path.join(badDir, 'error.json')));
  assert.match(err.error, /TFLite could not load/);
  assert.ok(fs.existsSync(path.join(good, 'output_0.bin')));
});

test('batch: malformed jobs files and mixed arguments exit 2', {skip}, () => {
  let r = runBatch([{model: 'x.tflite'}]);
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /job 0 needs "model", "inputs" and "out_dir"/);
  r = runBatch([{model: 'x', inputs: [], out_dir: tmp, xnnpack: 'maybe'}]);
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /xnnpack 'maybe' is not on\/off/);
  r = spawnSync(process.execPath, [TOOL, '--batch', path.join(tmp, 'missing.json')],
                {encoding: 'utf8'});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /no such file/);
  r = spawnSync(process.execPath, [TOOL, models.add_f32.path, '--batch', 'j.json'],
                {encoding: 'utf8'});
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /--batch takes no MODEL/);
});
