'use strict';
// Unit tests of the WebAssembly reader and the XNNPACK patch, on hand-built modules and on the
// real tfjs-tflite binaries.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const P = require('../wasm_patch');

// ---- a tiny module assembler (just enough for these tests) ------------------------------------
function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const section = (id, body) => [id, ...uleb(body.length), ...body];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const str = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];

/**
 * funcs: [{params: [...], results: [...], code: [...bytes without end]}]; data at address 1024
 * holds the XNNPACK marker (NUL-terminated) `markers` times.
 */
function buildModule(funcs, {markers = 1} = {}) {
  const T = {i32: 0x7f};
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [T[p]])),
                                  ...vec(f.results.map((r) => [T[r]]))]);
  const bodies = funcs.map((f) => {
    const body = [0x00, ...f.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const marker = [];
  for (let i = 0; i < markers; ++i) marker.push(...Buffer.from(P.XNNPACK_MARKER + '\0'));
  const data = [0x00, 0x41, ...sleb(1024), 0x0b, ...uleb(marker.length), ...marker];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, [0x01, 0x00, 0x01]),  // one memory, min 1 page
    ...section(7, vec([...funcs.map((_, i) => [...str(`f${i}`), 0x00, ...uleb(i)]),
                       [...str('mem'), 0x02, 0x00]])),
    ...section(10, vec(bodies)),
    ...section(11, [0x01, ...data]),
  ]);
}

const ADDR = 1024;
// Padding so the patched body has room: a few `nop`s.
const NOPS = new Array(16).fill(0x01);

test('LEB128 reader decodes unsigned and signed values', () => {
  const r = new P.Reader(new Uint8Array([0xe5, 0x8e, 0x26, 0x7f, 0x80, 0x7f, 0xc0, 0xbb, 0x78]));
  assert.strictEqual(r.u32(), 624485);
  assert.strictEqual(r.i32(), -1);
  assert.strictEqual(r.i32(), -128);
  assert.strictEqual(r.i32(), -123456);
  assert.throws(() => r.u8(), P.WasmError);
});

test('a pointer-returning factory is patched to return 0', async () => {
  const bytes = buildModule([
    {params: [], results: ['i32'], code: [0x41, 0x07]},  // unrelated: returns 7
    {params: ['i32'], results: ['i32'], code: [...NOPS, 0x41, ...sleb(ADDR), 0x1a, 0x41, 0x2a]},
  ]);
  assert.ok(WebAssembly.validate(bytes));
  const before = (await WebAssembly.instantiate(bytes)).instance.exports;
  assert.strictEqual(before.f1(5), 42);
  const {bytes: patched, info} = P.disableXnnpack(bytes);
  assert.strictEqual(info.index, 1);
  assert.strictEqual(info.kind, 'return-null');
  assert.strictEqual(info.stringAddress, ADDR);
  assert.strictEqual(patched.length, bytes.length, 'sizes are unchanged');
  const after = (await WebAssembly.instantiate(patched)).instance.exports;
  assert.strictEqual(after.f1(5), 0);
  assert.strictEqual(after.f0(), 7, 'other functions are untouched');
});

test('a result-pointer factory stores {nullptr, same deleter}', async () => {
  // f(result, this, ctx): result->deleter = 77; result->ptr = 4096 (a "delegate"); loads marker.
  const code = [0x41, ...sleb(ADDR), 0x1a,
                0x20, 0x00, 0x41, ...sleb(77), 0x36, 0x02, 0x04,
                0x20, 0x00, 0x41, ...sleb(4096), 0x36, 0x02, 0x00];
  const bytes = buildModule([{params: ['i32', 'i32', 'i32'], results: [], code}]);
  const call = async (b) => {
    const {instance} = await WebAssembly.instantiate(b);
    instance.exports.f0(256, 0, 0);
    const mem = new Int32Array(instance.exports.mem.buffer);
    return [mem[64], mem[65]];  // {ptr, deleter} at byte 256
  };
  assert.deepStrictEqual(await call(bytes), [4096, 77]);
  const {bytes: patched, info} = P.disableXnnpack(bytes);
  assert.strictEqual(info.kind, 'sret-null-unique-ptr');
  assert.strictEqual(info.deleter, 77);
  assert.deepStrictEqual(await call(patched), [0, 77]);
  // And the patched body is exactly the two stores (plus nops).
  const mod = P.parseModule(patched);
  const seq = [];
  P.walkBody(patched, mod.bodies[0], (ins) => { if (ins.op !== 0x01) seq.push(ins); });
  assert.deepStrictEqual(seq.map((i) => i.op), [0x20, 0x41, 0x36, 0x20, 0x41, 0x36, 0x0b]);
  assert.strictEqual(seq[1].i32, 0);
  assert.strictEqual(seq[2].offset, 0);
  assert.strictEqual(seq[4].i32, 77);
  assert.strictEqual(seq[5].offset, 4);
  assert.ok(WebAssembly.validate(patched));
});

test('identification fails loudly on zero or several candidates', () => {
  const ref = {params: [], results: ['i32'], code: [...NOPS, 0x41, ...sleb(ADDR)]};
  const other = {params: [], results: ['i32'], code: [0x41, 0x00]};
  assert.throws(() => P.disableXnnpack(buildModule([other])), /found 0/);
  assert.throws(() => P.disableXnnpack(buildModule([ref, ref])), /found 2/);
  assert.throws(() => P.disableXnnpack(buildModule([ref], {markers: 2})), /found 2/);
  assert.throws(() => P.disableXnnpack(buildModule([ref], {markers: 0})), /found 0/);
  assert.throws(() => P.parseModule(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a WebAssembly/);
});

const WASM_DIR = (() => {
  try {
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json',
                                                   {paths: [path.join(__dirname, '..')]})),
                     'wasm');
  } catch (e) {
    return null;
  }
})();

for (const build of ['tflite_web_api_cc', 'tflite_web_api_cc_simd']) {
  test(`${build}.wasm: exactly one XNNPACK factory, patched module validates`,
       {skip: WASM_DIR ? false : 'npm ci not run in tools/tflite_ref'}, () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(WASM_DIR, `${build}.wasm`)));
    const {bytes: patched, info} = P.disableXnnpack(bytes);
    assert.strictEqual(info.kind, 'sret-null-unique-ptr');
    assert.strictEqual(patched.length, bytes.length);
    const changed = [];
    for (let i = 0; i < bytes.length; ++i) if (bytes[i] !== patched[i]) changed.push(i);
    assert.ok(changed[0] >= info.body.start && changed[changed.length - 1] < info.body.end,
              'only the one function body changed');
  });
}
