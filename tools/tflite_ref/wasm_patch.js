'use strict';
// A small WebAssembly binary reader and the in-memory patch that switches off TFLite's default
// XNNPACK delegate in the tfjs-tflite WASM build. No dependencies.
//
// The build has no name section and minified exports, so the function is found by what it
// references: exactly one function loads the address of the log message
// "Created TensorFlow Lite XNNPACK delegate for CPU." (the Delegate constructor, inlined into its
// factory). In the tfjs-tflite build that function is the std::function invoker of the lazy
// delegate provider that TFLite's InterpreterBuilder registers (MaybeCreateXNNPACKDelegate with
// TfLiteXNNPackDelegateCreate inlined): it returns a TfLiteDelegatePtr (unique_ptr: pointer at
// +0, deleter at +4) through a hidden result pointer, its first parameter. The patch rewrites its
// body to store {nullptr, the same deleter} there and return -- exactly what the function's own
// failure path (xnn_initialize failing) does -- so the interpreter sees "no delegate" and keeps
// every node on TFLite's builtin kernels. If a future build returns the pointer directly (an i32
// result), the patch is `return 0` instead. Sizes never change: the rest of the body is `nop`s.

const XNNPACK_MARKER = 'Created TensorFlow Lite XNNPACK delegate for CPU.';

class WasmError extends Error {}

// ---- LEB128 and byte reading ------------------------------------------------------------------

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }
  eof() {
    return this.pos >= this.end;
  }
  u8() {
    if (this.pos >= this.end) throw new WasmError(`unexpected end of data at ${this.pos}`);
    return this.bytes[this.pos++];
  }
  // Unsigned LEB128 (up to 32 bits, as used for sizes, counts and indices).
  u32() {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; ++i) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new WasmError(`unsigned LEB128 longer than 5 bytes at ${this.pos}`);
  }
  // Signed LEB128 up to `bits` bits; returned as a BigInt when bits > 32.
  sleb(bits) {
    let result = 0n;
    let shift = 0n;
    let b;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; ; ++i) {
      if (i >= maxBytes) throw new WasmError(`signed LEB128 too long at ${this.pos}`);
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    if (b & 0x40) result -= 1n << shift;
    return bits <= 32 ? Number(BigInt.asIntN(32, result)) : BigInt.asIntN(bits, result);
  }
  i32() {
    return this.sleb(32);
  }
  skip(n) {
    if (this.pos + n > this.end) throw new WasmError(`skip of ${n} bytes past end at ${this.pos}`);
    this.pos += n;
  }
  name() {
    const n = this.u32();
    const start = this.pos;
    this.skip(n);
    return Buffer.from(this.bytes.subarray(start, start + n)).toString('utf8');
  }
}

// ---- module structure -------------------------------------------------------------------------

const SECTION = {custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6,
                 export: 7, start: 8, element: 9, code: 10, data: 11, datacount: 12};

function valtype(r) {
  const t = r.u8();
  const names = {0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128',
                 0x70: 'funcref', 0x6f: 'externref'};
  if (!(t in names)) throw new WasmError(`unknown value type 0x${t.toString(16)}`);
  return names[t];
}

function limits(r) {
  const flags = r.u8();
  r.u32();
  if (flags & 1) r.u32();
}

// Evaluates a constant expression of the forms emscripten emits (i32.const N end, or
// global.get G end). Returns {i32} or {global}.
function constExpr(r) {
  const op = r.u8();
  let v;
  if (op === 0x41) v = {i32: r.i32()};
  else if (op === 0x42) v = {i64: r.sleb(64)};
  else if (op === 0x23) v = {global: r.u32()};
  else if (op === 0x43) { r.skip(4); v = {}; }
  else if (op === 0x44) { r.skip(8); v = {}; }
  else if (op === 0xd2) v = {func: r.u32()};
  else if (op === 0xd0) { r.u8(); v = {}; }
  else throw new WasmError(`unsupported constant expression opcode 0x${op.toString(16)}`);
  if (r.u8() !== 0x0b) throw new WasmError('constant expression is not a single instruction');
  return v;
}

/**
 * Parses the parts of a module the patcher needs.
 * @param {Uint8Array} bytes
 * @returns {{types, imports, numImportedFuncs, funcTypes, exports, globals, bodies, data}}
 *   bodies[i] = {start, end, size_pos} for defined function i (absolute function index
 *   numImportedFuncs + i), `start` at the local declarations, `end` one past the final `end`.
 */
function parseModule(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 ||
      bytes[3] !== 0x6d) {
    throw new WasmError('not a WebAssembly binary (missing \\0asm magic)');
  }
  const mod = {types: [], imports: [], numImportedFuncs: 0, numImportedGlobals: 0,
               funcTypes: [], exports: [], globals: [], bodies: [], data: [], customs: []};
  const r = new Reader(bytes, 8);
  while (!r.eof()) {
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) throw new WasmError(`section ${id} runs past the end of the file`);
    const s = new Reader(bytes, start, end);
    switch (id) {
      case SECTION.custom:
        mod.customs.push(s.name());
        break;
      case SECTION.type: {
        for (let n = s.u32(); n > 0; --n) {
          if (s.u8() !== 0x60) throw new WasmError('type entry is not a function type');
          const params = [];
          for (let k = s.u32(); k > 0; --k) params.push(valtype(s));
          const results = [];
          for (let k = s.u32(); k > 0; --k) results.push(valtype(s));
          mod.types.push({params, results});
        }
        break;
      }
      case SECTION.import: {
        for (let n = s.u32(); n > 0; --n) {
          const module = s.name();
          const field = s.name();
          const kind = s.u8();
          const imp = {module, field, kind};
          if (kind === 0) { imp.type = s.u32(); mod.numImportedFuncs++; }
          else if (kind === 1) { s.u8(); limits(s); }
          else if (kind === 2) limits(s);
          else if (kind === 3) { valtype(s); s.u8(); mod.numImportedGlobals++; }
          else throw new WasmError(`unknown import kind ${kind}`);
          mod.imports.push(imp);
        }
        break;
      }
      case SECTION.function:
        for (let n = s.u32(); n > 0; --n) mod.funcTypes.push(s.u32());
        break;
      case SECTION.global:
        for (let n = s.u32(); n > 0; --n) {
          const type = valtype(s);
          const mutable = s.u8() === 1;
          mod.globals.push({type, mutable, init: constExpr(s)});
        }
        break;
      case SECTION.export:
        for (let n = s.u32(); n > 0; --n) {
          mod.exports.push({name: s.name(), kind: s.u8(), index: s.u32()});
        }
        break;
      case SECTION.code: {
        const count = s.u32();
        if (count !== mod.funcTypes.length) {
          throw new WasmError(`code section has ${count} bodies, function section ${
              mod.funcTypes.length}`);
        }
        for (let n = 0; n < count; ++n) {
          const sizePos = s.pos;
          const bodySize = s.u32();
          const bodyStart = s.pos;
          s.skip(bodySize);
          mod.bodies.push({start: bodyStart, end: bodyStart + bodySize, sizePos});
        }
        break;
      }
      case SECTION.data: {
        for (let n = s.u32(); n > 0; --n) {
          const flags = s.u32();
          let offset = null;
          if (flags === 0) offset = constExpr(s);
          else if (flags === 2) { s.u32(); offset = constExpr(s); }
          else if (flags !== 1) throw new WasmError(`unknown data segment flags ${flags}`);
          const len = s.u32();
          mod.data.push({offset, start: s.pos, length: len});
          s.skip(len);
        }
        break;
      }
      default:
        break;
    }
    r.pos = end;
  }
  return mod;
}

// ---- instruction walking ----------------------------------------------------------------------

// Skips the immediates of one instruction whose opcode byte has been read. Returns the i32.const
// value for i32.const, the callee for call, otherwise undefined.
function skipImmediates(r, op) {
  switch (op) {
    case 0x02: case 0x03: case 0x04: {  // block / loop / if: block type (s33)
      const b = r.bytes[r.pos];
      if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
      else r.sleb(33);
      return undefined;
    }
    case 0x0c: case 0x0d: r.u32(); return undefined;  // br, br_if
    case 0x0e: { for (let n = r.u32(); n >= 0; --n) r.u32(); return undefined; }  // br_table
    case 0x10: return {call: r.u32()};
    case 0x11: r.u32(); r.u32(); return undefined;  // call_indirect
    case 0x1c: { for (let n = r.u32(); n > 0; --n) r.u8(); return undefined; }  // select t*
    case 0x20: return {local: r.u32()};  // local.get
    case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
      r.u32(); return undefined;
    case 0x41: return {i32: r.i32()};
    case 0x42: r.sleb(64); return undefined;
    case 0x43: r.skip(4); return undefined;
    case 0x44: r.skip(8); return undefined;
    case 0x3f: case 0x40: r.u8(); return undefined;  // memory.size / memory.grow
    case 0xd0: r.u8(); return undefined;  // ref.null t
    case 0xd2: r.u32(); return undefined;  // ref.func
    case 0xfc: {
      const sub = r.u32();
      if (sub <= 7) return undefined;  // saturating truncations
      if (sub === 8) { r.u32(); r.u8(); return undefined; }  // memory.init
      if (sub === 9) { r.u32(); return undefined; }  // data.drop
      if (sub === 10) { r.u8(); r.u8(); return undefined; }  // memory.copy
      if (sub === 11) { r.u8(); return undefined; }  // memory.fill
      if (sub === 12) { r.u32(); r.u32(); return undefined; }  // table.init
      if (sub === 13) { r.u32(); return undefined; }  // elem.drop
      if (sub === 14) { r.u32(); r.u32(); return undefined; }  // table.copy
      if (sub >= 15 && sub <= 17) { r.u32(); return undefined; }  // table.grow/size/fill
      throw new WasmError(`unknown 0xfc sub-opcode ${sub}`);
    }
    case 0xfd: {  // SIMD
      const sub = r.u32();
      if (sub <= 11 || sub === 92 || sub === 93) { r.u32(); r.u32(); return undefined; }  // memarg
      if (sub === 12 || sub === 13) { r.skip(16); return undefined; }  // v128.const, shuffle
      if (sub >= 21 && sub <= 34) { r.u8(); return undefined; }  // extract/replace lane
      if (sub >= 84 && sub <= 91) { r.u32(); r.u32(); r.u8(); return undefined; }  // load/store lane
      return undefined;
    }
    case 0xfe: {  // threads / atomics
      const sub = r.u32();
      if (sub === 3) { r.u8(); return undefined; }  // atomic.fence
      r.u32(); r.u32(); return undefined;
    }
    default:
      if (op >= 0x28 && op <= 0x3e) return {align: r.u32(), offset: r.u32()};  // loads/stores
      return undefined;  // everything else has no immediates
  }
}

/** Calls visit({op, i32, call, pos}) for every instruction of a defined function's body. */
function walkBody(bytes, body, visit) {
  const r = new Reader(bytes, body.start, body.end);
  for (let n = r.u32(); n > 0; --n) { r.u32(); valtype(r); }  // local declarations
  while (!r.eof()) {
    const pos = r.pos;
    const op = r.u8();
    const imm = skipImmediates(r, op);
    visit({op, pos, ...(imm || {})});
  }
}

// ---- finding the XNNPACK delegate factory -----------------------------------------------------

/** All absolute addresses at which `text` (NUL-terminated) lies in an active data segment. */
function findStringAddresses(bytes, mod, text) {
  const needle = Buffer.from(text + '\0', 'utf8');
  const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const addrs = [];
  for (const seg of mod.data) {
    if (!seg.offset || seg.offset.i32 === undefined) continue;
    let from = seg.start;
    const segEnd = seg.start + seg.length;
    for (;;) {
      const at = hay.indexOf(needle, from);
      if (at < 0 || at + needle.length > segEnd) break;
      // Only a whole string (preceded by NUL or segment start) is the literal itself.
      if (at === seg.start || bytes[at - 1] === 0) {
        addrs.push((seg.offset.i32 >>> 0) + (at - seg.start));
      }
      from = at + 1;
    }
  }
  return addrs;
}

/** Defined-function indices whose code contains `i32.const addr` for one of `addrs`. */
function functionsReferencing(bytes, mod, addrs) {
  const want = new Set(addrs);
  const found = [];
  mod.bodies.forEach((body, i) => {
    let hit = false;
    walkBody(bytes, body, (ins) => {
      if (ins.i32 !== undefined && want.has(ins.i32 >>> 0)) hit = true;
    });
    if (hit) found.push(i);
  });
  return found;
}

/**
 * Finds the function that creates the XNNPACK delegate. Returns {index, funcIndex, type, body,
 * stringAddress}; throws WasmError unless exactly one candidate exists.
 */
function findXnnpackDelegateFactory(bytes, mod = parseModule(bytes)) {
  const addrs = findStringAddresses(bytes, mod, XNNPACK_MARKER);
  if (addrs.length !== 1) {
    throw new WasmError(`expected the string "${XNNPACK_MARKER}" once in the active data ` +
                        `segments, found ${addrs.length}`);
  }
  const refs = functionsReferencing(bytes, mod, addrs);
  if (refs.length !== 1) {
    throw new WasmError(`expected exactly one function referencing "${XNNPACK_MARKER}" ` +
                        `(address ${addrs[0]}), found ${refs.length}: [${refs.join(', ')}]`);
  }
  const index = refs[0];
  const type = mod.types[mod.funcTypes[index]];
  return {index, funcIndex: mod.numImportedFuncs + index, type, body: mod.bodies[index],
          stringAddress: addrs[0]};
}

// Deleter stores into the hidden result: `local.get 0; i32.const K; i32.store offset=4`.
function sretDeleterStores(bytes, body) {
  const seq = [];
  walkBody(bytes, body, (ins) => seq.push(ins));
  const found = [];
  for (let i = 0; i + 2 < seq.length; ++i) {
    const [a, b, c] = [seq[i], seq[i + 1], seq[i + 2]];
    if (a.op === 0x20 && a.local === 0 && b.op === 0x41 && c.op === 0x36 && c.offset === 4) {
      found.push(b.i32);
    }
  }
  return found;
}

function encodeSleb32(v) {
  const out = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

/**
 * Decides how to make function `index` return "no delegate". Returns {kind, code} where code is
 * the new instruction bytes (without local declarations and the final `end`).
 */
function planNullDelegatePatch(bytes, mod, index) {
  const type = mod.types[mod.funcTypes[index]];
  const body = mod.bodies[index];
  if (type.results.length === 1 && type.results[0] === 'i32') {
    return {kind: 'return-null', code: [0x41, 0x00]};  // i32.const 0
  }
  if (type.results.length === 0 && type.params[0] === 'i32') {
    const deleters = [...new Set(sretDeleterStores(bytes, body))];
    if (deleters.length !== 1) {
      throw new WasmError(`function ${index} returns through a result pointer but stores ` +
                          `${deleters.length} distinct deleters at +4 (want exactly 1)`);
    }
    const k = deleters[0];
    return {
      kind: 'sret-null-unique-ptr',
      deleter: k,
      code: [0x20, 0x00, 0x41, 0x00, 0x36, 0x02, 0x00,  // result->ptr = 0
             0x20, 0x00, 0x41, ...encodeSleb32(k), 0x36, 0x02, 0x04],  // result->deleter = K
    };
  }
  throw new WasmError(`function ${index} has type (${type.params.join(', ')}) -> (${
      type.results.join(', ')}): neither a pointer result nor a result pointer`);
}

/**
 * Returns a patched copy of `bytes` in which the body of defined function `index` becomes
 * `code` followed by `nop`s and `end`, keeping the original body size.
 */
function rewriteBody(bytes, mod, index, code) {
  const body = mod.bodies[index];
  const size = body.end - body.start;
  if (size < code.length + 2) {
    throw new WasmError(`function ${index} body (${size} bytes) is too small for the patch`);
  }
  const out = new Uint8Array(bytes);
  out[body.start] = 0x00;  // no local declarations
  out.set(code, body.start + 1);
  out.fill(0x01, body.start + 1 + code.length, body.end - 1);  // nop
  out[body.end - 1] = 0x0b;  // end
  return out;
}

/** Finds the XNNPACK delegate factory and returns {bytes: patched copy, info}. */
function disableXnnpack(bytes) {
  const mod = parseModule(bytes);
  const info = findXnnpackDelegateFactory(bytes, mod);
  const plan = planNullDelegatePatch(bytes, mod, info.index);
  const patched = rewriteBody(bytes, mod, info.index, plan.code);
  if (!WebAssembly.validate(patched)) {
    throw new WasmError(`patched module does not validate (function ${info.funcIndex})`);
  }
  return {bytes: patched, info: {...info, kind: plan.kind, deleter: plan.deleter}};
}

module.exports = {
  XNNPACK_MARKER, WasmError, Reader, parseModule, walkBody, findStringAddresses,
  functionsReferencing, findXnnpackDelegateFactory, planNullDelegatePatch, rewriteBody,
  disableXnnpack,
};
