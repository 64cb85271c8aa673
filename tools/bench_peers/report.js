#!/usr/bin/env node
// Prints the Markdown summary of a run.sh result directory: median latencies (p10-p90) of qexp,
// ONNX Runtime and OpenCV dnn, ratios, 2-thread speed-ups, the issue #7 targets, output checks.
// Usage: node report.js DIR
'use strict';

const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const {compareFiles} = require('./compare.js');

const json = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const text = (name) => fs.readFileSync(path.join(dir, name), 'utf8').trim();

const cols = [['float', 1], ['float', 2], ['int8', 1], ['int8', 2]];
const res = {};
for (const rt of ['qexp', 'ort', 'opencv']) {
  for (const [kind, t] of cols) res[`${rt}_${kind}_${t}`] = json(`${rt}_${kind}_t${t}.json`);
}
const med = (rt, kind, t) => res[`${rt}_${kind}_${t}`].latency_ms.median;
const cell = (r) => `${r.latency_ms.median.toFixed(2)} (${r.latency_ms.p10.toFixed(2)}–` +
    `${r.latency_ms.p90.toFixed(2)})`;
const q1 = res.qexp_float_1;
const names = {
  qexp: `qexp (${q1.kernels} kernels, ${q1.isa})`,
  ort: `ONNX Runtime ${res.ort_float_1.runtime.split(' ').pop()} (float / QDQ)`,
  opencv: `OpenCV dnn ${res.opencv_float_1.runtime.split(' ').pop()} (.pb; int8: Net::quantize)`,
};
const lines = [];
lines.push(`MobileNet v1 1.0 224, batch 1, median ms (p10–p90) over ${q1.runs} runs after ` +
           `${q1.warmup} warm-up runs; qexp ${q1.git_revision}; ${new Date().toISOString()}`);
lines.push('');
lines.push(`- before: \`${text('load_before.txt')}\``);
lines.push(`- after: \`${text('load_after.txt')}\``);
lines.push('');
lines.push('| runtime | float32, 1 thread | float32, 2 threads | int8, 1 thread | int8, 2 threads |');
lines.push('|---|---|---|---|---|');
for (const rt of ['qexp', 'ort', 'opencv']) {
  lines.push(`| ${names[rt]} | ` + cols.map(([k, t]) => cell(res[`${rt}_${k}_${t}`])).join(' | ') +
             ' |');
}
for (const [rt, label] of [['ort', 'ONNX Runtime'], ['opencv', 'OpenCV dnn']]) {
  lines.push(`| qexp / ${label} | ` +
             cols.map(([k, t]) => (med('qexp', k, t) / med(rt, k, t)).toFixed(2)).join(' | ') +
             ' |');
}
lines.push('');
const speedup = (rt, k) => med(rt, k, 1) / med(rt, k, 2);
lines.push('| 2-thread speed-up (1-thread / 2-thread median) | float32 | int8 |');
lines.push('|---|---|---|');
for (const rt of ['qexp', 'ort', 'opencv']) {
  lines.push(`| ${names[rt]} | ${speedup(rt, 'float').toFixed(2)}× | ` +
             `${speedup(rt, 'int8').toFixed(2)}× |`);
}
lines.push('');
const check = (ok) => (ok ? 'met' : 'NOT met');
const r = (k, rt, t = 1) => med('qexp', k, t) / med(rt, k, t);
lines.push('Issue #7 targets (1 thread unless said):');
lines.push(`- int8 ≤ 1.25× ONNX Runtime: ${r('int8', 'ort').toFixed(3)}× — ${check(r('int8', 'ort') <= 1.25)}`);
lines.push(`- float ≤ 1.25× ONNX Runtime: ${r('float', 'ort').toFixed(3)}× — ${check(r('float', 'ort') <= 1.25)}`);
lines.push(`- int8 ≤ 0.5× OpenCV: ${r('int8', 'opencv').toFixed(3)}× — ${check(r('int8', 'opencv') <= 0.5)}`);
lines.push(`- float ≤ 0.5× OpenCV: ${r('float', 'opencv').toFixed(3)}× — ${check(r('float', 'opencv') <= 0.5)}`);
for (const k of ['float', 'int8']) {
  lines.push(`- ${k} 2 threads ≥ 1.7× faster: ${speedup('qexp', k).toFixed(2)}× — ` +
             check(speedup('qexp', k) >= 1.7));
}
const mem = res.qexp_int8_1.memory;
const mb = (b) => (b / 1048576).toFixed(1);
lines.push(`- qexp bench int8 peak RSS ≤ 64 MB: ${mb(mem.peak_rss_bytes)} MB (after loading the ` +
           `model ${mb(mem.peak_rss_after_load_bytes)} MB, arena ${mb(mem.arena_bytes)} MB) — ` +
           check(mem.peak_rss_bytes <= 64 * 1048576));
lines.push('');
// step: the output's quantization step (int8 softmax: 1/256) to count differing values in.
function compare(label, a, b, step = 0) {
  const c = compareFiles(path.join(dir, a), path.join(dir, b));
  const steps = step > 0 ? ` = ${Math.round(c.maxAbs / step)} step(s) of 1/${1 / step}, ` +
      `${c.differing} of ${c.size} values differ` : '';
  lines.push(`- ${label}: relative L2 ${c.relL2.toExponential(2)}, max |diff| ` +
             `${c.maxAbs.toExponential(2)}${steps}, top-1 ${c.top1[0]} vs ${c.top1[1]}` +
             (c.sameSize ? '' : ' (SIZE MISMATCH)'));
}
lines.push('Outputs on the same input (softmax, 1001 values):');
compare('ONNX Runtime float vs qexp float', 'qexp_float/output_0.bin', 'ort_float_output.bin');
compare('OpenCV float vs qexp float', 'qexp_float/output_0.bin', 'opencv_float_output.bin');
compare('ONNX Runtime QDQ vs qexp int8', 'qexp_int8/output_0.bin', 'ort_int8_output.bin', 1 / 256);

// Per-op comparison at 1 thread: every op into per_op_<kind>.md, the 8 ops where qexp loses
// most time against ONNX Runtime into the summary.
for (const kind of ['float', 'int8']) {
  const file = path.join(dir, `ort_${kind}_t1_ops.json`);
  if (!fs.existsSync(file)) continue;
  const ort = new Map(JSON.parse(fs.readFileSync(file, 'utf8')).ops.map((o) => [o.name, o]));
  const rows = res[`qexp_${kind}_1`].ops.map((o) => {
    const theirs = ort.get(o.name);
    return {o, ort: theirs ? theirs.median_ms : NaN, onnx: theirs ? theirs.onnx_ops.join('+') : '—'};
  });
  const fmt = (v) => (Number.isNaN(v) ? '—' : v.toFixed(3));
  const table = (list) => ['| op | qexp kernel / variant | qexp ms | ONNX Runtime | ORT ms | ratio |',
    '|---|---|---|---|---|---|'].concat(list.map((r) => `| ${r.o.name} | ${r.o.kernel} / ` +
      `${r.o.variant} | ${fmt(r.o.median_ms)} | ${r.onnx} | ${fmt(r.ort)} | ` +
      `${Number.isNaN(r.ort) ? '—' : (r.o.median_ms / r.ort).toFixed(2)} |`));
  fs.writeFileSync(path.join(dir, `per_op_${kind}.md`), table(rows).join('\n') + '\n');
  const loss = rows.filter((r) => !Number.isNaN(r.ort))
                   .sort((x, y) => (y.o.median_ms - y.ort) - (x.o.median_ms - x.ort)).slice(0, 8);
  lines.push('', `${kind}, 1 thread: the ops where qexp loses most against ONNX Runtime ` +
             `(per-op medians; ONNX Runtime's from its profiler; all ops in per_op_${kind}.md):`, '');
  lines.push(...table(loss));
}
console.log(lines.join('\n'));
