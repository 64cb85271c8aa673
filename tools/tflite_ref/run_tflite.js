#!/usr/bin/env node
'use strict';
// Runs one inference of a .tflite model on the real TensorFlow Lite interpreter (the WASM build
// shipped in npm's @tensorflow/tfjs-tflite) and writes the raw outputs: qexp's reference runtime.
// See README.md for the options, the output format and how XNNPACK is switched off.

const fs = require('fs');
const path = require('path');
const {disableXnnpack, XNNPACK_MARKER} = require('./wasm_patch');
const {readModelInfo} = require('./tflite_model_info');

const EXIT_RUNTIME = 1;  // the interpreter failed (load, allocate, invoke)
const EXIT_USAGE = 2;    // bad command line or input files
const EXIT_PATCH = 3;    // XNNPACK could not be switched off (or provably was not)

const USAGE = `usage: node run_tflite.js MODEL.tflite --input IN0.bin [--input IN1.bin ...]
                           --out-dir DIR [--xnnpack on|off] [--simd] [--profile] [--verbose]
       node run_tflite.js --batch JOBS.json [--xnnpack on|off] [--simd] [--profile] [--verbose]

  --input FILE     raw little-endian bytes of one model input, in model input order
  --out-dir DIR    receives output_K.bin (raw bytes) and outputs.json
  --xnnpack off    (default) every node runs on TFLite's builtin kernels (reference semantics)
  --xnnpack on     TFLite's default: the XNNPACK delegate takes the nodes it supports
  --simd           use the WASM SIMD build instead of the plain (scalar) one
  --profile        print the kernel that ran each node (also written to outputs.json)
  --verbose        print the interpreter's log and the patch details to stderr
  --wasm-dir DIR   load tflite_web_api_cc[_simd].{js,wasm} from DIR instead of the npm package
  --batch FILE     run many models in one process: FILE is JSON {"jobs": [{"model": M,
                   "inputs": [IN0, ...], "out_dir": DIR, "xnnpack": "on"|"off" (optional)}]};
                   each job writes DIR/output_K.bin + DIR/outputs.json, or DIR/error.json when
                   TFLite rejects it; exit 1 if any job failed

exit status: 0 ok, 1 TFLite failed, 2 bad arguments or input sizes, 3 XNNPACK not switched off`;

class UsageError extends Error {}
class PatchError extends Error {}

function parseArgs(argv) {
  const opts = {model: null, inputs: [], outDir: null, xnnpack: 'off', simd: false,
                profile: false, verbose: false, wasmDir: null, batch: null};
  const value = (i, flag) => {
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) {
      throw new UsageError(`${flag} needs a value`);
    }
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--input') opts.inputs.push(value(i++, a));
    else if (a === '--out-dir') opts.outDir = value(i++, a);
    else if (a === '--wasm-dir') opts.wasmDir = value(i++, a);
    else if (a === '--batch') opts.batch = value(i++, a);
    else if (a === '--xnnpack') {
      opts.xnnpack = value(i++, a);
      if (opts.xnnpack !== 'on' && opts.xnnpack !== 'off') {
        throw new UsageError(`--xnnpack: '${opts.xnnpack}' is not 'on' or 'off'`);
      }
    } else if (a === '--simd') opts.simd = true;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (opts.model === null) opts.model = a;
    else throw new UsageError(`unexpected argument '${a}' (the model is '${opts.model}')`);
  }
  if (opts.batch !== null) {
    if (opts.model !== null || opts.inputs.length || opts.outDir !== null) {
      throw new UsageError('--batch takes no MODEL, --input or --out-dir (the jobs file has them)');
    }
    return opts;
  }
  if (opts.model === null) throw new UsageError('missing MODEL.tflite');
  if (opts.outDir === null) throw new UsageError('missing --out-dir DIR');
  return opts;
}

function wasmDir() {
  let pkg;
  try {
    pkg = require.resolve('@tensorflow/tfjs-tflite/package.json', {paths: [__dirname]});
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-tflite is not installed: run 'npm ci' in ${__dirname} ` +
                    `(or scripts/install-node-tools.sh)`);
  }
  return path.join(path.dirname(pkg), 'wasm');
}

function readFileOr(kind, file) {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`${kind} ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

// The embind vector -> JS array. The C++ vectors are freed only at the end (see `keep`): freeing
// the input vector before Infer() changed the heap layout enough for the SIMD build's profiler to
// report no events at all (an uninitialized-memory quirk of that build, seen on a one-node model).
function toArray(vec, keep) {
  keep.push(vec);
  const out = [];
  for (let i = 0; i < vec.size(); ++i) out.push(vec.get(i));
  return out;
}

function parseShape(s) {
  return s === '' ? [] : String(s).split(',').map(Number);
}

function tensorBytes(info) {
  const view = info.data();
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

// Instantiates the WASM module once (patched when xnnpack is 'off'); every model of a batch
// that uses the same mode runs on it. `log` collects the interpreter's output.
async function loadRuntime(opts, xnnpack) {
  const dir = opts.wasmDir ? path.resolve(opts.wasmDir) : wasmDir();
  const base = opts.simd ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc';
  let wasm = new Uint8Array(fs.readFileSync(path.join(dir, `${base}.wasm`)));
  let patch = null;
  if (xnnpack === 'off') {
    try {
      const r = disableXnnpack(wasm);
      wasm = r.bytes;
      patch = {function_index: r.info.funcIndex, kind: r.info.kind,
               marker_address: r.info.stringAddress};
    } catch (e) {
      throw new PatchError(`cannot switch XNNPACK off in ${base}.wasm: ${e.message}`);
    }
    if (opts.verbose) {
      console.error(`xnnpack off: function ${patch.function_index} (references "${
          XNNPACK_MARKER}" at ${patch.marker_address}) patched: ${patch.kind}`);
    }
  }
  const log = [];
  // A fresh copy of the emscripten glue per module: it keeps state in its closure.
  const gluePath = path.join(dir, `${base}.js`);
  delete require.cache[require.resolve(gluePath)];
  const factory = require(gluePath);
  const module = await factory({
    wasmBinary: wasm,
    print: (s) => log.push(s),
    printErr: (s) => log.push(s),
  });
  return {module, base, patch, log, xnnpack};
}

// Runs one inference of `modelPath` on a loaded runtime and writes outputs into outDir.
// Returns the report (also written as outDir/outputs.json).
function runModel(rt, opts, modelPath, inputPaths, outDir) {
  const {module, log} = rt;
  const logStart = log.length;
  const modelBytes = readFileOr('model', modelPath);
  let modelInfo = null;
  try {
    modelInfo = readModelInfo(modelBytes);
  } catch (e) {
    if (opts.verbose) console.error(`note: ${modelPath}: ${e.message}`);
  }
  const inputFiles = inputPaths.map((f) => ({file: f, bytes: readFileOr('input', f)}));

  const modelPtr = module._malloc(modelBytes.length);
  module.HEAPU8.set(modelBytes, modelPtr);
  const keep = [];
  let runner = null;
  try {
    const status = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(
        modelPtr, modelBytes.length,
        {numThreads: 1, enableProfiling: opts.profile, maxProfilingBufferEntries: 1024});
    if (!status.ok()) {
      const msg = status.errorMessage();
      status.delete();
      const jobLog = log.slice(logStart);
      throw new Error(`TFLite could not load ${modelPath}: ${msg}` +
                      (jobLog.length ? `\n${jobLog.join('\n')}` : ''));
    }
    runner = status.value();
    status.delete();

    const inputs = toArray(runner.GetInputs(), keep);
    if (inputFiles.length !== inputs.length) {
      throw new UsageError(`${modelPath} has ${inputs.length} input(s), got ${
          inputFiles.length} --input file(s)`);
    }
    inputs.forEach((t, k) => {
      const dst = tensorBytes(t);
      const src = inputFiles[k].bytes;
      if (src.length !== dst.length) {
        throw new UsageError(`input ${k} ('${t.name}', ${t.dataType} [${parseShape(t.shape)}]) ` +
                             `needs ${dst.length} bytes, ${inputFiles[k].file} has ${src.length}`);
      }
      dst.set(src);
    });

    if (!runner.Infer()) {
      const jobLog = log.slice(logStart);
      throw new Error(`TFLite inference failed for ${modelPath}` +
                      (jobLog.length ? `\n${jobLog.join('\n')}` : ''));
    }

    fs.mkdirSync(outDir, {recursive: true});
    const outputs = toArray(runner.GetOutputs(), keep).map((t, k) => {
      const bytes = tensorBytes(t);
      fs.writeFileSync(path.join(outDir, `output_${k}.bin`), bytes);
      const entry = {name: t.name, dtype: t.dataType, shape: parseShape(t.shape),
                     bytes: bytes.length, file: `output_${k}.bin`};
      const fromModel = modelInfo && modelInfo.outputs[k];
      if (fromModel) {
        entry.tensor_index = fromModel.index;
        if (fromModel.scale) {
          entry.scale = fromModel.scale;
          entry.zero_point = fromModel.zero_point;
          if (fromModel.quantized_dimension !== undefined) {
            entry.quantized_dimension = fromModel.quantized_dimension;
          }
        }
      }
      return entry;
    });

    let profile = null;
    if (opts.profile) {
      profile = toArray(runner.GetProfilingResults(), keep).map((p) => ({
        node_type: p.nodeType, node_name: p.nodeName, ms: p.nodeExecMs}));
    }
    const jobLog = log.slice(logStart);
    const xnnpackCreated = jobLog.some((l) => l.includes(XNNPACK_MARKER));
    const delegated = profile ? profile.some((p) => /delegate|xnnpack/i.test(p.node_type)) : null;
    if (rt.xnnpack === 'off' && (xnnpackCreated || delegated)) {
      throw new PatchError(`XNNPACK is still active after the patch (${
          xnnpackCreated ? 'delegate created' : 'delegate node in the profile'})`);
    }

    const report = {
      model: path.resolve(modelPath),
      runtime: {package: '@tensorflow/tfjs-tflite', build: rt.base, threads: 1,
                xnnpack: rt.xnnpack, xnnpack_delegate_created: xnnpackCreated,
                ...(rt.patch ? {xnnpack_patch: rt.patch} : {})},
      outputs,
      ...(profile ? {profile} : {}),
    };
    fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(report, null, 2) + '\n');
    if (opts.verbose) for (const l of jobLog) console.error(`tflite: ${l}`);
    return report;
  } finally {
    for (const v of keep) v.delete();
    if (runner) runner.delete();
    module._free(modelPtr);
  }
}

async function run(opts) {
  const rt = await loadRuntime(opts, opts.xnnpack);
  const report = runModel(rt, opts, opts.model, opts.inputs, opts.outDir);
  if (opts.profile) {
    for (const [i, p] of report.profile.entries()) {
      console.log(`node ${i}: ${p.node_type} ${p.node_name} (${p.ms.toFixed(3)} ms)`);
    }
    if (report.profile.length === 0) {
      console.error('run_tflite: warning: TFLite returned an empty profile (a quirk of this ' +
                    'build; outputs are unaffected). XNNPACK delegate created: ' +
                    report.runtime.xnnpack_delegate_created);
    }
  }
}

function readJobs(file) {
  let jobs;
  try {
    jobs = JSON.parse(readFileOr('jobs file', file).toString('utf8')).jobs;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`jobs file ${file}: ${e.message}`);
  }
  if (!Array.isArray(jobs)) throw new UsageError(`jobs file ${file}: no "jobs" array`);
  jobs.forEach((j, k) => {
    if (typeof j.model !== 'string' || !Array.isArray(j.inputs) || typeof j.out_dir !== 'string') {
      throw new UsageError(`jobs file ${file}: job ${k} needs "model", "inputs" and "out_dir"`);
    }
    if (j.xnnpack !== undefined && j.xnnpack !== 'on' && j.xnnpack !== 'off') {
      throw new UsageError(`jobs file ${file}: job ${k}: xnnpack '${j.xnnpack}' is not on/off`);
    }
  });
  return jobs;
}

// Runs every job; a job TFLite rejects gets DIR/error.json ({"error": message}) and the batch
// goes on. Returns the number of failed jobs. Patch failures abort the whole batch.
async function runBatch(opts) {
  const jobs = readJobs(opts.batch);
  const runtimes = {};
  let failed = 0;
  for (const job of jobs) {
    const mode = job.xnnpack || opts.xnnpack;
    if (!runtimes[mode]) runtimes[mode] = await loadRuntime(opts, mode);
    fs.mkdirSync(job.out_dir, {recursive: true});
    try {
      runModel(runtimes[mode], opts, job.model, job.inputs, job.out_dir);
    } catch (e) {
      if (e instanceof PatchError) throw e;
      ++failed;
      fs.writeFileSync(path.join(job.out_dir, 'error.json'),
                       JSON.stringify({model: job.model, xnnpack: mode, error: e.message}) + '\n');
      if (opts.verbose) console.error(`run_tflite: job ${job.model}: ${e.message}`);
    }
  }
  return failed;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`run_tflite: ${e.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    if (opts.batch !== null) {
      const failed = await runBatch(opts);
      if (failed > 0) console.error(`run_tflite: ${failed} job(s) failed (see their error.json)`);
      return failed > 0 ? EXIT_RUNTIME : 0;
    }
    await run(opts);
    return 0;
  } catch (e) {
    console.error(`run_tflite: ${e.message}`);
    if (e instanceof UsageError) return EXIT_USAGE;
    if (e instanceof PatchError) return EXIT_PATCH;
    return EXIT_RUNTIME;
  }
}

main().then((code) => { process.exitCode = code; });
