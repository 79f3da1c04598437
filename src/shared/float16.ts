/**
 * IEEE 754 binary16 ("half") <-> float32 conversion, for models whose inputs or outputs are float16.
 *
 * onnxruntime-node hands float16 tensors over as raw bits in a Uint16Array (Node has no Float16Array
 * before v24), so we encode and decode the bits ourselves. Encoding rounds to nearest, ties to even,
 * like numpy's `astype(np.float16)` and the hardware conversion (IEEE 754-2019, section 4.3.1);
 * overflow gives infinity and NaN stays NaN.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern nearest to `value` (ties to even). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;

  if (exponent === 0xff) {
    // Infinity keeps a zero mantissa; NaN becomes a quiet NaN with its top payload bits.
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  }
  // Re-bias the exponent: float32 bias 127, float16 bias 15.
  const halfExponent = exponent - 112;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // 2^16 and above: infinity

  if (halfExponent <= 0) {
    // Subnormal half (or zero): value = m * 2^-24 with m = full mantissa >> shift.
    const shift = 14 - halfExponent;
    if (shift > 24) return sign; // below half the smallest subnormal: rounds to zero
    const full = mantissa | 0x800000;
    let m = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (m & 1) === 1)) m++; // m may carry into the normal range
    return sign | m;
  }

  let half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa increments the exponent, and from 0x7bff reaches infinity (0x7c00).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** The value of a binary16 bit pattern. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let decodeTable: Float32Array | null = null;

/** All 65536 half values, built once (256 KiB) so decoding a tensor is one lookup per element. */
function table(): Float32Array {
  if (decodeTable === null) {
    decodeTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) decodeTable[bits] = float16BitsToFloat32(bits);
  }
  return decodeTable;
}

/** Encodes float32 values as binary16 bits. */
export function encodeFloat16(
  values: Float32Array,
  out: Uint16Array = new Uint16Array(values.length),
): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** Decodes binary16 bits to float32 values. */
export function decodeFloat16(
  bits: Uint16Array,
  out: Float32Array = new Float32Array(bits.length),
): Float32Array {
  const lookup = table();
  for (let i = 0; i < bits.length; i++) out[i] = lookup[bits[i]];
  return out;
}
