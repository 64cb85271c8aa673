'use strict';
// Reads the few facts run_tflite.js reports from a .tflite file without any dependency: for each
// input / output tensor of subgraph 0 its index, name, type, shape and quantization. A minimal
// flatbuffers reader; field slots are TFLite's (see framework/importers/tflite/schema/).
// Every offset is bounds-checked: a malformed file raises an Error, never reads out of range.

const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16',
                      'complex64', 'int8', 'float64', 'complex128', 'uint64', 'resource', 'variant',
                      'uint32', 'uint16', 'int4'];

class FlatReader {
  constructor(buf) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  check(pos, size) {
    if (!(pos >= 0 && pos + size <= this.buf.length)) {
      throw new Error(`malformed .tflite: offset ${pos}+${size} outside the ${
          this.buf.length}-byte file`);
    }
  }
  u8(p) { this.check(p, 1); return this.view.getUint8(p); }
  i8(p) { this.check(p, 1); return this.view.getInt8(p); }
  u16(p) { this.check(p, 2); return this.view.getUint16(p, true); }
  i32(p) { this.check(p, 4); return this.view.getInt32(p, true); }
  u32(p) { this.check(p, 4); return this.view.getUint32(p, true); }
  f32(p) { this.check(p, 4); return this.view.getFloat32(p, true); }
  i64(p) { this.check(p, 8); return this.view.getBigInt64(p, true); }
  // Position of field slot `id` of the table at `table`, or 0 when absent.
  field(table, id) {
    const vtable = table - this.i32(table);
    const vlen = this.u16(vtable);
    const at = 4 + 2 * id;
    if (at + 2 > vlen) return 0;
    const off = this.u16(vtable + at);
    return off ? table + off : 0;
  }
  indirect(p) { return p + this.u32(p); }
  table(table, id) { const p = this.field(table, id); return p ? this.indirect(p) : 0; }
  vector(table, id) {
    const p = this.field(table, id);
    if (!p) return null;
    const v = this.indirect(p);
    return {len: this.u32(v), start: v + 4};
  }
  scalarVector(table, id, size, get) {
    const v = this.vector(table, id);
    if (!v) return null;
    this.check(v.start, v.len * size);
    const out = [];
    for (let i = 0; i < v.len; ++i) out.push(get.call(this, v.start + i * size));
    return out;
  }
  string(table, id) {
    const v = this.vector(table, id);
    if (!v) return null;
    this.check(v.start, v.len);
    return Buffer.from(this.buf.subarray(v.start, v.start + v.len)).toString('utf8');
  }
  tableAt(vec, i) { return this.indirect(vec.start + 4 * i); }
}

function tensorInfo(r, tensors, index) {
  if (index < 0 || index >= tensors.len) {
    throw new Error(`malformed .tflite: tensor index ${index} outside [0, ${tensors.len})`);
  }
  const t = r.tableAt(tensors, index);
  const typeField = r.field(t, 1);
  const type = typeField ? r.i8(typeField) : 0;
  const info = {
    index,
    name: r.string(t, 3) || '',
    dtype: TENSOR_TYPES[type] || `type_${type}`,
    shape: r.scalarVector(t, 0, 4, r.i32) || [],
  };
  const q = r.table(t, 4);
  if (q) {
    const scale = r.scalarVector(q, 2, 4, r.f32);
    const zp = r.scalarVector(q, 3, 8, r.i64);
    if (scale && scale.length) {
      info.scale = scale;
      info.zero_point = zp ? zp.map(Number) : scale.map(() => 0);
      if (scale.length > 1) {
        const qd = r.field(q, 6);
        info.quantized_dimension = qd ? r.i32(qd) : 0;
      }
    }
  }
  return info;
}

/** Returns {inputs: [...], outputs: [...]} for subgraph 0 of the model in `buf`. */
function readModelInfo(buf) {
  if (buf.length < 8) throw new Error('malformed .tflite: shorter than 8 bytes');
  const ident = Buffer.from(buf.subarray(4, 8)).toString('latin1');
  if (ident !== 'TFL3') throw new Error(`not a TFLite model: file identifier '${ident}', want 'TFL3'`);
  const r = new FlatReader(buf);
  const model = r.indirect(0);
  const subgraphs = r.vector(model, 2);
  if (!subgraphs || subgraphs.len === 0) throw new Error('malformed .tflite: no subgraphs');
  const g = r.tableAt(subgraphs, 0);
  const tensors = r.vector(g, 0);
  if (!tensors) throw new Error('malformed .tflite: subgraph 0 has no tensors');
  const ins = r.scalarVector(g, 1, 4, r.i32) || [];
  const outs = r.scalarVector(g, 2, 4, r.i32) || [];
  return {
    inputs: ins.map((i) => tensorInfo(r, tensors, i)),
    outputs: outs.map((i) => tensorInfo(r, tensors, i)),
  };
}

module.exports = {readModelInfo};
