#!/usr/bin/env node
// Times an ONNX model on ONNX Runtime (npm onnxruntime-node, native CPU execution provider) with
// the protocol of `qexp bench`: warm-up, then timed runs; median / p10 / p90 latency.
//
//   node ort_bench.js --model M.onnx [--threads N] [--runs N] [--warmup N]
//                     [--input IN.bin | --write-input IN.bin] [--output OUT.bin] [--json OUT]
//
// Session: intra-op threads = --threads, inter-op 1, graph optimization "all", sequential
// execution. The input is the raw float32 bytes of IN.bin, or else the values `qexp bench`
// feeds (splitmix64 seeded 1, uniform in [-1, 1]), which --write-input saves for other runtimes.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const a = {threads: 1, runs: 50, warmup: 5};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in {model: 1, threads: 1, runs: 1, warmup: 1, input: 1, writeInput: 1, output: 1,
                  json: 1}) || i + 1 >= argv.length) {
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

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
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
}

main().catch((e) => {
  console.error(`ort_bench.js: error: ${e.message}`);
  process.exit(2);
});
