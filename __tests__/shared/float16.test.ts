import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeFloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToFloat16Bits,
} from '../../src/shared/float16.js';

const golden = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../__fixtures__/models/float16-golden.json'), 'utf8'),
) as { values: number[]; bits: number[] };

const isNanBits = (bits: number) => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;

describe('float16 conversion', () => {
  it('encodes known values to their IEEE binary16 bits', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite half
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [1e6, 0x7c00], // overflow becomes infinity
      [-1e-10, 0x8000], // underflow keeps the sign
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
    expect(isNanBits(float32ToFloat16Bits(Number.NaN))).toBe(true);
  });

  it('rounds ties to even in the normal and subnormal ranges and at the top of the range', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway 1 .. 1+2^-10: stays even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway from odd: rounds up
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // halfway 0 .. smallest subnormal
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // halfway 65504 .. 65536: to even = infinity
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
  });

  it('decodes known bits, including subnormals, infinities and NaN', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16BitsToFloat32(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  it('round-trips every non-NaN half value exactly', () => {
    const all = new Uint16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i;
    const decoded = decodeFloat16(all);
    const encoded = encodeFloat16(decoded);
    for (let bits = 0; bits < 65536; bits++) {
      if (isNanBits(bits)) {
        expect(Number.isNaN(decoded[bits])).toBe(true);
        expect(isNanBits(encoded[bits])).toBe(true);
      } else if (encoded[bits] !== bits) {
        expect.fail(`0x${bits.toString(16)} came back as 0x${encoded[bits].toString(16)}`);
      }
    }
  });

  it("matches numpy's astype(float16) on values across the whole range", () => {
    const encoded = encodeFloat16(Float32Array.from(golden.values));
    expect(golden.values.length).toBeGreaterThan(400);
    for (let i = 0; i < golden.values.length; i++) {
      expect(encoded[i], `value ${golden.values[i]}`).toBe(golden.bits[i]);
    }
  });
});
