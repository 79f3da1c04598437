/**
 * A small reader for NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, version, a little-endian header length (2 bytes in v1, 4 in v2/v3), then a Python
 * dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, H, W), }` padded to 16/64 bytes,
 * then the raw C-order data.
 *
 * Supported dtypes: bool (|b1), u1, i1, <i2, <u2, <i4, <u4, <i8, <u8, <f2, <f4, <f8, and fixed-width
 * strings <U (UTF-32) and |S (bytes) for labels. Fortran order, big-endian and structured or object
 * arrays are refused with a message that says how to re-save the array.
 */
import { InputError } from '../shared/errors.js';
import { float16BitsToFloat32 } from '../shared/float16.js';
import type { ValueType } from './types.js';

export type NpyKind = 'b' | 'u' | 'i' | 'f' | 'U' | 'S';

export interface NpyHeader {
  kind: NpyKind;
  /** Bytes per element (for 'U': 4 per character). */
  itemSize: number;
  descr: string;
  shape: number[];
  /** Byte offset of the data after the header. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const NUMERIC_DTYPES = new Set(['b1', 'u1', 'i1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8']);

/** Bytes needed to read the header of any .npy file whose header is shorter than this. */
export const NPY_PREAMBLE_BYTES = 12;

function npyError(file: string, message: string, hint?: string): InputError {
  return new InputError(message, { code: 'E_TEST_SET_INVALID', where: file, hint });
}

/** Total header length (preamble + dict) from the first NPY_PREAMBLE_BYTES bytes. */
export function npyHeaderLength(bytes: Uint8Array, file: string): number {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw npyError(
      file,
      'not a NumPy .npy file (missing the \\x93NUMPY magic)',
      'save arrays with numpy.save',
    );
  }
  const major = bytes[6];
  if (major === 1) return 10 + (bytes[8] | (bytes[9] << 8));
  if (major === 2 || major === 3) {
    if (bytes.length < 12) throw npyError(file, 'truncated .npy header');
    return 12 + ((bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0);
  }
  throw npyError(
    file,
    `unsupported .npy format version ${major}`,
    'save the array with a current numpy.save',
  );
}

/** Parses the header; `bytes` must hold at least npyHeaderLength(...) bytes. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const dataOffset = npyHeaderLength(bytes, file);
  if (bytes.length < dataOffset) throw npyError(file, 'truncated .npy header');
  const start = bytes[6] === 1 ? 10 : 12;
  const text = new TextDecoder(bytes[6] === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));

  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descrMatch) {
    throw npyError(
      file,
      'structured or unreadable dtype in the .npy header',
      'save a plain numeric array (for example x.astype("float32"))',
    );
  }
  const descr = descrMatch[1];
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortranMatch) throw npyError(file, 'the .npy header has no fortran_order field');
  if (fortranMatch[1] === 'True') {
    throw npyError(
      file,
      'Fortran-ordered (column-major) arrays are not supported',
      'save the array in C order: numpy.save(path, numpy.ascontiguousarray(x))',
    );
  }
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw npyError(file, 'the .npy header has no shape field');
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw npyError(file, `invalid shape (${shapeMatch[1]}) in the .npy header`);
  }

  const order = descr[0];
  const code = descr.slice(1);
  if (order === '>' && code !== 'u1' && code !== 'i1' && code !== 'b1') {
    throw npyError(
      file,
      `big-endian dtype '${descr}' is not supported`,
      `save the array little-endian: x.astype('<${code}')`,
    );
  }
  if (order !== '<' && order !== '|' && order !== '=' && order !== '>') {
    throw npyError(file, `unsupported dtype '${descr}'`);
  }
  if (NUMERIC_DTYPES.has(code)) {
    return { kind: code[0] as NpyKind, itemSize: Number(code.slice(1)), descr, shape, dataOffset };
  }
  const stringMatch = /^([US])(\d+)$/.exec(code);
  if (stringMatch) {
    const kind = stringMatch[1] as NpyKind;
    const chars = Number(stringMatch[2]);
    return { kind, itemSize: kind === 'U' ? chars * 4 : chars, descr, shape, dataOffset };
  }
  throw npyError(
    file,
    `unsupported dtype '${descr}'`,
    'use uint8, int8/16/32/64, float16/32/64 or bool data (and integer or string labels)',
  );
}

/** The NumPy name of a numeric header's dtype ('uint8', 'int16', 'float32', ...), for the default scale. */
export function valueTypeOf(header: NpyHeader): ValueType {
  const { kind, itemSize } = header;
  if (kind === 'b') return 'bool';
  if (kind === 'f') return `float${itemSize * 8}` as ValueType;
  if (kind === 'u' || kind === 'i') return `${kind === 'u' ? 'uint' : 'int'}${itemSize * 8}` as ValueType;
  throw new Error(`valueTypeOf: dtype ${header.descr} is not numeric`);
}

/**
 * Numeric elements as numbers: uint8 and bool data stay a Uint8Array (pixel values), anything else
 * becomes a Float32Array (int64 values above 2^24 lose precision, as they would in a float32 model
 * input). `bytes` holds exactly the elements, starting at element 0.
 */
export function toPixelValues(bytes: Uint8Array, header: NpyHeader): Uint8Array | Float32Array {
  const { kind, itemSize } = header;
  const n = Math.floor(bytes.length / itemSize);
  if (itemSize === 1 && (kind === 'u' || kind === 'b')) return bytes.slice(0, n);
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (`${kind}${itemSize}`) {
    case 'i1':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'i2':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'u2':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true);
      break;
    case 'i4':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'u4':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, true);
      break;
    case 'i8':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'u8':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      break;
    case 'f2':
      for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(view.getUint16(i * 2, true));
      break;
    case 'f4':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'f8':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    default:
      throw new Error(`toPixelValues: dtype ${header.descr} is not numeric`);
  }
  return out;
}

/** Labels: integers as numbers (non-integers are refused by the caller) or strings for U/S dtypes. */
export function toLabelValues(bytes: Uint8Array, header: NpyHeader, file: string): number[] | string[] {
  const { kind, itemSize } = header;
  const n = Math.floor(bytes.length / itemSize);
  if (kind === 'U' || kind === 'S') {
    const decoder = new TextDecoder('utf-8');
    const labels: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const raw = bytes.subarray(i * itemSize, (i + 1) * itemSize);
      // Fixed-width strings are padded with NULs (4-byte NULs for UTF-32).
      let end = raw.length;
      const unit = kind === 'U' ? 4 : 1;
      while (end >= unit && raw.subarray(end - unit, end).every((b) => b === 0)) end -= unit;
      labels[i] = kind === 'U' ? decodeUtf32(raw.subarray(0, end)) : decoder.decode(raw.subarray(0, end));
    }
    return labels;
  }
  if (kind === 'f') {
    throw npyError(
      file,
      `labels must be integer class indices or class names, got floating-point dtype '${header.descr}'`,
      "save the labels as integers: y.astype('int64')",
    );
  }
  const values = toPixelValues(bytes, header);
  if (kind === 'i' && itemSize === 8) {
    // Exact int64 (a Float32Array would round large values); labels are few, so read them again.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const labels: number[] = new Array(n);
    for (let i = 0; i < n; i++) labels[i] = Number(view.getBigInt64(i * 8, true));
    return labels;
  }
  return Array.from(values);
}

/** UTF-32LE without relying on TextDecoder support for 'utf-32le' (not in the WHATWG encoding list). */
function decodeUtf32(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let i = 0; i + 4 <= bytes.length; i += 4) text += String.fromCodePoint(view.getUint32(i, true));
  return text;
}
