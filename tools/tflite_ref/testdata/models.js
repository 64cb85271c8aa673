'use strict';
// Tiny .tflite models for testing run_tflite.js (and, later, qexp's own TFLite reader/interpreter)
// against the real TFLite interpreter. Each model is written as flatc JSON for qexp's schema
// subset (framework/importers/tflite/schema/tflite_subset.fbs) and compiled with `flatc -b`, so
// these files also exercise that schema's wire compatibility: the real interpreter must read
// the field slots, enum values and union type codes we wrote.
//
//   node testdata/models.js OUT_DIR      writes NAME.json, NAME.tflite, NAME.input_K.bin
//
// Every model carries its inputs and the expected outputs, computed by hand (see comments) or,
// for the int8 convolution, chosen so that the integer result is exact: with the multipliers
// s_in * s_w[c] / s_out all integers, requantization has no rounding, and the dequantized output
// equals the float convolution of the dequantized operands (then ReLU).

const fs = require('fs');
const path = require('path');
const {execFileSync} = require('child_process');

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCHEMA = path.join(REPO, 'framework/importers/tflite/schema/tflite_subset.fbs');

function bytesOf(TypedArray, values) {
  return Array.from(new Uint8Array(TypedArray.from(values).buffer));
}

// How writers fill OperatorCode: min(code, 127) in the byte field, the real code in builtin_code.
// `only` writes just one of them, so a model also checks that the reader takes
// max(deprecated_builtin_code, builtin_code) and that both field slots are right.
function opcode(name, code, version = 1, only = null) {
  const oc = {version};
  if (only !== 'builtin') oc.deprecated_builtin_code = Math.min(code, 127);
  if (only !== 'deprecated') oc.builtin_code = name;
  return oc;
}

// --- model 1: float32 ADD of two inputs ----------------------------------------------------------
function addF32() {
  const a = [1, 2, 3, 4];
  const b = [0.5, -3, 10, -4.5];
  return {
    name: 'add_f32',
    json: {
      version: 3,
      description: 'qexp tflite_ref test: float32 ADD',
      operator_codes: [opcode('ADD', 0)],
      subgraphs: [{
        name: 'main',
        tensors: [
          {name: 'a', shape: [1, 4], type: 'FLOAT32', buffer: 0},
          {name: 'b', shape: [1, 4], type: 'FLOAT32', buffer: 0},
          {name: 'sum', shape: [1, 4], type: 'FLOAT32', buffer: 0},
        ],
        inputs: [0, 1],
        outputs: [2],
        operators: [{opcode_index: 0, inputs: [0, 1], outputs: [2],
                     builtin_options_type: 'AddOptions',
                     builtin_options: {fused_activation_function: 'NONE'}}],
      }],
      buffers: [{}],
    },
    inputs: [Buffer.from(bytesOf(Float32Array, a)), Buffer.from(bytesOf(Float32Array, b))],
    outputs: [{name: 'sum', dtype: 'float32', shape: [1, 4],
               values: [1.5, -1, 13, -0.5]}],  // a + b by hand
  };
}

// --- model 2: float32 FULLY_CONNECTED with fused RELU6 -------------------------------------------
function fcF32() {
  const x = [1, -2, 0.5, 3];
  const w = [0.5, 1, -1, 2,  // row 0: 0.5 - 2 - 0.5 + 6 = 4,   + 0.25 = 4.25
             -1, -1, 1, 1,   // row 1: -1 + 2 + 0.5 + 3 = 4.5, + 2    = 6.5 -> RELU6 -> 6
             2, 0, 0, -1];   // row 2: 2 - 3 = -1,             + 0    = -1  -> RELU6 -> 0
  const b = [0.25, 2, 0];
  return {
    name: 'fc_f32',
    json: {
      version: 3,
      description: 'qexp tflite_ref test: float32 FULLY_CONNECTED + RELU6',
      operator_codes: [opcode('FULLY_CONNECTED', 9, 1, 'deprecated')],  // old-writer style
      subgraphs: [{
        name: 'main',
        tensors: [
          {name: 'x', shape: [1, 4], type: 'FLOAT32', buffer: 0},
          {name: 'fc/weights', shape: [3, 4], type: 'FLOAT32', buffer: 1},
          {name: 'fc/bias', shape: [3], type: 'FLOAT32', buffer: 2},
          {name: 'y', shape: [1, 3], type: 'FLOAT32', buffer: 0},
        ],
        inputs: [0],
        outputs: [3],
        operators: [{opcode_index: 0, inputs: [0, 1, 2], outputs: [3],
                     builtin_options_type: 'FullyConnectedOptions',
                     builtin_options: {fused_activation_function: 'RELU6'}}],
      }],
      buffers: [{}, {data: bytesOf(Float32Array, w)}, {data: bytesOf(Float32Array, b)}],
    },
    inputs: [Buffer.from(bytesOf(Float32Array, x))],
    outputs: [{name: 'y', dtype: 'float32', shape: [1, 3], values: [4.25, 6, 0]}],
  };
}

// --- model 3: QUANTIZE -> int8 CONV_2D (per-channel, stride w2/h1, SAME, RELU) -> DEQUANTIZE --------
function convInt8() {
  const H = 4, W = 4, C = 2, OC = 3, K = 3;
  const sIn = 0.5, zIn = -1;
  const sW = [0.25, 0.5, 0.5];
  const sOut = 0.125, zOut = 5;
  // Input q values in [-3, 2]; float x = (q - zIn) * sIn is exact, so QUANTIZE is exact.
  const qIn = [];
  for (let i = 0; i < H * W * C; ++i) qIn.push(((i * 7) % 6) - 3);
  const x = qIn.map((q) => (q - zIn) * sIn);
  // Sparse int8 kernels [OC][K][K][C] so that |acc * M| stays inside int8.
  const wq = new Array(OC * K * K * C).fill(0);
  const set = (o, ky, kx, c, v) => { wq[((o * K + ky) * K + kx) * C + c] = v; };
  set(0, 1, 1, 0, 1); set(0, 1, 1, 1, -1); set(0, 0, 0, 0, 2); set(0, 2, 2, 1, 1);
  set(1, 1, 0, 0, -1); set(1, 1, 2, 1, 1); set(1, 0, 1, 0, 1);
  set(2, 2, 1, 1, -2); set(2, 1, 1, 0, 1); set(2, 0, 2, 1, 1); set(2, 1, 1, 1, 1);
  const biasQ = [3, -2, 1];  // bias scale = sIn * sW[c]
  const strideW = 2, strideH = 1;
  const OH = Math.ceil(H / strideH), OW = Math.ceil(W / strideW);
  // SAME padding: pad_total = max((out - 1) * stride + K - in, 0), pad_before = total / 2.
  const padH = Math.floor(Math.max((OH - 1) * strideH + K - H, 0) / 2);
  const padW = Math.floor(Math.max((OW - 1) * strideW + K - W, 0) / 2);
  const expected = [];
  for (let oy = 0; oy < OH; ++oy) {
    for (let ox = 0; ox < OW; ++ox) {
      for (let o = 0; o < OC; ++o) {
        let acc = biasQ[o];
        for (let ky = 0; ky < K; ++ky) {
          for (let kx = 0; kx < K; ++kx) {
            const iy = oy * strideH + ky - padH, ix = ox * strideW + kx - padW;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; ++c) {
              acc += (qIn[(iy * W + ix) * C + c] - zIn) * wq[((o * K + ky) * K + kx) * C + c];
            }
          }
        }
        const m = sIn * sW[o] / sOut;  // 1, 2, 2: exact
        if (!Number.isInteger(m)) throw new Error('conv_int8 multipliers must be integers');
        const q = Math.min(127, Math.max(zOut, acc * m + zOut));  // RELU: clamp at zero point
        expected.push((q - zOut) * sOut);
      }
    }
  }
  const i8 = (v) => bytesOf(Int8Array, v);
  return {
    name: 'conv_int8',
    json: {
      version: 3,
      description: 'qexp tflite_ref test: QUANTIZE -> per-channel int8 CONV_2D -> DEQUANTIZE',
      operator_codes: [opcode('QUANTIZE', 114), opcode('CONV_2D', 3, 3), opcode('DEQUANTIZE', 6)],
      subgraphs: [{
        name: 'main',
        tensors: [
          {name: 'input', shape: [1, H, W, C], type: 'FLOAT32', buffer: 0},
          {name: 'input_q', shape: [1, H, W, C], type: 'INT8', buffer: 0,
           quantization: {scale: [sIn], zero_point: [zIn]}},
          {name: 'conv/weights', shape: [OC, K, K, C], type: 'INT8', buffer: 1,
           quantization: {scale: sW, zero_point: [0, 0, 0], quantized_dimension: 0}},
          {name: 'conv/bias', shape: [OC], type: 'INT32', buffer: 2,
           quantization: {scale: sW.map((s) => s * sIn), zero_point: [0, 0, 0]}},
          {name: 'conv/out_q', shape: [1, OH, OW, OC], type: 'INT8', buffer: 0,
           quantization: {scale: [sOut], zero_point: [zOut]}},
          {name: 'output', shape: [1, OH, OW, OC], type: 'FLOAT32', buffer: 0},
        ],
        inputs: [0],
        outputs: [5],
        operators: [
          {opcode_index: 0, inputs: [0], outputs: [1],
           builtin_options_type: 'QuantizeOptions', builtin_options: {}},
          {opcode_index: 1, inputs: [1, 2, 3], outputs: [4],
           builtin_options_type: 'Conv2DOptions',
           builtin_options: {padding: 'SAME', stride_w: strideW, stride_h: strideH,
                             fused_activation_function: 'RELU'}},
          {opcode_index: 2, inputs: [4], outputs: [5],
           builtin_options_type: 'DequantizeOptions', builtin_options: {}},
        ],
      }],
      buffers: [{}, {data: i8(wq)}, {data: bytesOf(Int32Array, biasQ)}],
    },
    inputs: [Buffer.from(bytesOf(Float32Array, x))],
    outputs: [{name: 'output', dtype: 'float32', shape: [1, OH, OW, OC], values: expected}],
  };
}

// --- model 4: int8 in/out CONV_2D (no QUANTIZE/DEQUANTIZE): raw int8 bytes in and out -------------
function convInt8Io() {
  const m = convInt8();
  const g = m.json.subgraphs[0];
  // Drop the float edges: input_q is the model input, conv/out_q the output.
  g.tensors = g.tensors.slice(1, 5);  // input_q, weights, bias, out_q -> indices 0..3
  g.inputs = [0];
  g.outputs = [3];
  g.operators = [{...g.operators[1], opcode_index: 0, inputs: [0, 1, 2], outputs: [3]}];
  m.json.operator_codes = [opcode('CONV_2D', 3, 3, 'builtin')];  // builtin_code slot only
  m.json.description = 'qexp tflite_ref test: int8 in/out per-channel CONV_2D';
  const sIn = 0.5, zIn = -1, sOut = 0.125, zOut = 5;
  const x = new Float32Array(m.inputs[0].buffer, m.inputs[0].byteOffset, m.inputs[0].length / 4);
  const qIn = Array.from(x, (v) => v / sIn + zIn);
  const out = m.outputs[0];
  return {
    name: 'conv_int8_io',
    json: m.json,
    inputs: [Buffer.from(bytesOf(Int8Array, qIn))],
    outputs: [{name: 'conv/out_q', dtype: 'int8', shape: out.shape,
               values: out.values.map((v) => v / sOut + zOut), scale: [sOut], zero_point: [zOut]}],
  };
}

// --- model 5: QUANTIZE on exact .5 ties, two outputs (zero point 0 and 10, scale 1) -------------
// No expected values: builtin TFLite and XNNPACK round ties differently, and that difference is
// what the tests observe (see README.md). Also exercises a model with two outputs.
function quantizeTies() {
  const x = [-23.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 23.5];
  const n = x.length;
  return {
    name: 'quantize_ties',
    json: {
      version: 3,
      description: 'qexp tflite_ref test: QUANTIZE ties',
      operator_codes: [opcode('QUANTIZE', 114)],
      subgraphs: [{
        name: 'main',
        tensors: [
          {name: 'x', shape: [1, n], type: 'FLOAT32', buffer: 0},
          {name: 'q_zp0', shape: [1, n], type: 'INT8', buffer: 0,
           quantization: {scale: [1.0], zero_point: [0]}},
          {name: 'q_zp10', shape: [1, n], type: 'INT8', buffer: 0,
           quantization: {scale: [1.0], zero_point: [10]}},
        ],
        inputs: [0],
        outputs: [1, 2],
        operators: [
          {opcode_index: 0, inputs: [0], outputs: [1],
           builtin_options_type: 'QuantizeOptions', builtin_options: {}},
          {opcode_index: 0, inputs: [0], outputs: [2],
           builtin_options_type: 'QuantizeOptions', builtin_options: {}},
        ],
      }],
      buffers: [{}],
    },
    inputs: [Buffer.from(bytesOf(Float32Array, x))],
    outputs: [{name: 'q_zp0', dtype: 'int8', shape: [1, n], values: null},
              {name: 'q_zp10', dtype: 'int8', shape: [1, n], values: null}],
    tieInputs: x,
  };
}

const MODELS = [addF32, fcF32, convInt8, convInt8Io, quantizeTies];

/**
 * Writes every model to outDir (NAME.json, NAME.tflite, NAME.input_K.bin) and returns the specs
 * with `path` and `inputPaths` added.
 */
function writeModels(outDir, {flatc = 'flatc', schema = SCHEMA} = {}) {
  fs.mkdirSync(outDir, {recursive: true});
  return MODELS.map((make) => {
    const m = make();
    const jsonPath = path.join(outDir, `${m.name}.json`);
    fs.writeFileSync(jsonPath, JSON.stringify(m.json, null, 1) + '\n');
    execFileSync(flatc, ['-b', '-o', outDir, schema, jsonPath], {stdio: 'inherit'});
    m.path = path.join(outDir, `${m.name}.tflite`);
    if (!fs.existsSync(m.path)) throw new Error(`flatc did not write ${m.path}`);
    m.inputPaths = m.inputs.map((buf, k) => {
      const p = path.join(outDir, `${m.name}.input_${k}.bin`);
      fs.writeFileSync(p, buf);
      return p;
    });
    return m;
  });
}

module.exports = {writeModels, SCHEMA};

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node testdata/models.js OUT_DIR');
    process.exit(2);
  }
  for (const m of writeModels(out)) console.log(m.path);
}
