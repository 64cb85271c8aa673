#!/usr/bin/env node
// Times an ONNX model on ONNX Runtime (npm onnxruntime-node, native CPU execution provider) with
// the protocol of `qexp bench`: warm-up, then timed runs; median / p10 / p90 latency.
//
//   node ort_bench.js --model M.onnx [--threads N] [--runs N] [--warmup N]
//                     [--input IN.bin | --write-input IN.bin] [--output OUT.bin] [--json OUT]
//                     [--profile OUT.json]
//
// Session: intra-op threads = --threads, inter-op 1, graph optimization "all", sequential
// execution. The input is the raw float32 bytes of IN.bin, or else the values `qexp bench`
// feeds (splitmix64 seeded 1, uniform in [-1, 1]), which --write-input saves for other runtimes.
// --profile: afterwards, a second session with ONNX Runtime's profiler runs the same warm-up and
// runs; OUT.json gets each qexp op's median kernel time (qexp_onnx_export names every node
// and its output "<qexp op name>/<OnnxOp>_<n>"; ONNX Runtime names fused nodes after one of them).
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const a = {threads: 1, runs: 50, warmup: 5};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in {model: 1, threads: 1, runs: 1, warmup: 1, input: 1, writeInput: 1, output: 1,
                  json: 1, profile: 1}) || i + 1 >= argv.length) {
      throw new Error(`bad argument '${argv[i]}'`);
    }
    a[key] = ['threads', 'runs', 'warmup'].includes(key) ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!a.model) throw new Error('--model is required');
  if (!(a.threads >= 1 && a.runs >= 1 && a.warmup >= 0)) throw new Error('bad counts');
  return a;
}

// qexp bench's input values: splitmix64 (seed 1), (next >> 11) * 2^-52 - 1.
function qexpBenchInput(n, seed = 1n) {
  const mask = (1n << 64n) - 1n;
  let state = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; ++i) {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    z ^= z >> 31n;
    out[i] = Number(z >> 11n) * 2 ** -52 - 1;
  }
  return out;
}

function quantile(sorted, q) {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

function sessionOptions(a, profilePrefix) {
  const o = {
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
  if (profilePrefix) Object.assign(o, {enableProfiling: true, profileFilePrefix: profilePrefix});
  return o;
}

// Median kernel time of every qexp op over all runs, from an ONNX Runtime profile trace.
function opTimes(traceFile) {
  const events = JSON.parse(fs.readFileSync(traceFile, 'utf8'));
  const perNode = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    if (!perNode.has(node)) perNode.set(node, {op: e.args.op_name, us: []});
    perNode.get(node).us.push(e.dur);
  }
  const ops = new Map();
  for (const [node, {op, us}] of perNode) {
    const m = /^(.*)\/[A-Za-z]+_\d+(_token_\d+)?(_nchwc)?$/.exec(node);
    const name = m ? m[1] : `(${node})`;
    us.sort((x, y) => x - y);
    if (!ops.has(name)) ops.set(name, {name, onnx_ops: [], median_ms: 0});
    const entry = ops.get(name);
    entry.onnx_ops.push(op);
    entry.median_ms += quantile(us, 0.5) / 1000;
  }
  return [...ops.values()].sort((x, y) => y.median_ms - x.median_ms);
}

async function profile(a, feeds) {
  const prefix = `${a.profile}.trace`;
  const session = await ort.InferenceSession.create(a.model, sessionOptions(a, prefix));
  for (let i = 0; i < a.warmup + a.runs; ++i) await session.run(feeds);
  session.endProfiling();
  const dir = path.dirname(prefix);
  const traces = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(prefix)));
  if (traces.length === 0) throw new Error(`no profile written next to ${prefix}`);
  traces.sort();
  const trace = path.join(dir, traces[traces.length - 1]);
  fs.writeFileSync(a.profile, JSON.stringify({model: a.model, threads: a.threads,
                                              ops: opTimes(trace)}, null, 1) + '\n');
  for (const f of traces) fs.unlinkSync(path.join(dir, f));
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(a.model, sessionOptions(a));
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  const dims = meta && meta.shape ? meta.shape.map(Number) : [1, 224, 224, 3];
  const n = dims.reduce((x, y) => x * y, 1);
  let values;
  if (a.input) {
    const buf = fs.readFileSync(a.input);
    values = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    if (values.length !== n) throw new Error(`${a.input}: ${values.length} floats, need ${n}`);
  } else {
    values = qexpBenchInput(n);
    if (a.writeInput) fs.writeFileSync(a.writeInput, Buffer.from(values.buffer));
  }
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', values, dims)};
  let result;
  for (let i = 0; i < a.warmup; ++i) result = await session.run(feeds);
  const ms = [];
  for (let i = 0; i < a.runs; ++i) {
    const start = process.hrtime.bigint();
    result = await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (a.output) {
    const out = result[session.outputNames[0]].data;
    fs.writeFileSync(a.output, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }
  ms.sort((x, y) => x - y);
  const report = {
    runtime: `onnxruntime-node ${ort.env.versions.node}`,
    model: a.model,
    threads: a.threads,
    runs: a.runs,
    warmup: a.warmup,
    latency_ms: {
      median: quantile(ms, 0.5),
      p10: quantile(ms, 0.1),
      p90: quantile(ms, 0.9),
      mean: ms.reduce((x, y) => x + y, 0) / ms.length,
    },
  };
  const line = JSON.stringify(report);
  console.log(line);
  if (a.json) fs.writeFileSync(a.json, line + '\n');
  if (a.profile) await profile(a, feeds);
}

main().catch((e) => {
  console.error(`ort_bench.js: error: ${e.message}`);
  process.exit(2);
});
