// Comparison of two raw float32 output files (used by report.js and check_export.sh).
'use strict';

const fs = require('fs');

function readFloats(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/// {size, sameSize, relL2, maxAbs, differing, top1: [a, b]} of the outputs in files a and b.
function compareFiles(a, b) {
  const x = readFloats(a), y = readFloats(b);
  let num = 0, den = 0, maxAbs = 0, differing = 0;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; ++i) {
    num += (x[i] - y[i]) ** 2;
    den += x[i] ** 2;
    maxAbs = Math.max(maxAbs, Math.abs(x[i] - y[i]));
    differing += x[i] !== y[i];
  }
  const argmax = (v) => v.indexOf(Math.max(...v));
  return {size: x.length, sameSize: x.length === y.length, relL2: Math.sqrt(num / Math.max(den, 1e-300)),
          maxAbs, differing, top1: [argmax(x), argmax(y)]};
}

module.exports = {compareFiles};

// Command line: node compare.js A B MAX_REL_L2 [MAX_ABS] -> exit 1 unless within both bounds.
if (require.main === module) {
  const [a, b, maxRel, maxAbs] = process.argv.slice(2);
  const c = compareFiles(a, b);
  console.log(`${a} vs ${b}: ${JSON.stringify(c)}`);
  const ok = c.sameSize && c.relL2 <= Number(maxRel) &&
      (maxAbs === undefined || c.maxAbs <= Number(maxAbs));
  process.exit(ok ? 0 : 1);
}
