// The ported jpeg-js encoder (src/modalities/image/perturbations/jpegEncoder.ts) writes the very
// bytes jpeg-js `encode` writes, on images of many sizes (multiples of 8 and not, 1×1 up to
// 224×224), contents (flat, gradient, noise, saturated extremes) and qualities (1–100 and the
// out-of-range ones jpeg-js clamps), and it is fast: jpeg-js builds its tables on every call.
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DIGITAL_PERTURBATIONS } from '../../../src/modalities/image/perturbations/digital.js';
import { perturbationRandom } from '../../../src/modalities/image/perturbations/seed.js';
import type { FloatImage } from '../../../src/modalities/image/perturbations/types.js';
import { encodeJpeg } from '../../../src/modalities/image/perturbations/jpegEncoder.js';
import { createRandom } from '../../../src/stats/random.js';

type Fill = (x: number, y: number, c: number, draw: () => number) => number;

const FILLS: Record<string, Fill> = {
  flat: () => 131,
  gradient: (x, y, c) => (x * 7 + y * 3 + c * 50) & 255,
  noise: (_x, _y, _c, draw) => Math.floor(draw() * 256),
  extremes: (x, y, c) => (((x >> 1) + (y >> 1) + c) % 2 === 0 ? 0 : 255),
};

function rgbaImage(width: number, height: number, fill: Fill, seed: number): Uint8Array {
  const random = createRandom(seed);
  const draw = () => random.next();
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[p + c] = fill(x, y, c, draw);
      data[p + 3] = 255;
    }
  }
  return data;
}

function jpegJs(data: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data, width, height }, quality).data);
}

describe('encodeJpeg', () => {
  const sizes: Array<[number, number]> = [
    [1, 1],
    [8, 8],
    [9, 7],
    [37, 29],
    [64, 16],
  ];
  const qualities = [1, 7, 15, 25, 50, 58, 80, 100];

  it('writes jpeg-js encode’s bytes, on every size, content and quality', () => {
    let seed = 1;
    for (const [width, height] of sizes) {
      for (const [name, fill] of Object.entries(FILLS)) {
        const data = rgbaImage(width, height, fill, seed++);
        for (const quality of qualities) {
          const ours = encodeJpeg(data, width, height, quality);
          const theirs = jpegJs(data, width, height, quality);
          expect({
            name,
            width,
            height,
            quality,
            equal: Buffer.from(ours).equals(Buffer.from(theirs)),
          }).toEqual({ name, width, height, quality, equal: true });
        }
      }
    }
  });

  it('writes jpeg-js’s bytes on a 224×224 noise image (many blocks, long runs of codes)', () => {
    const data = rgbaImage(224, 224, FILLS['noise']!, 99);
    for (const quality of [7, 50, 90]) {
      expect(
        Buffer.from(encodeJpeg(data, 224, 224, quality)).equals(Buffer.from(jpegJs(data, 224, 224, quality))),
      ).toBe(true);
    }
  });

  it('clamps the quality as jpeg-js does (0 is its default, 50; below 1 is 1; above 100 is 100)', () => {
    const data = rgbaImage(16, 16, FILLS['gradient']!, 5);
    for (const quality of [0, -3, 0.5, 150]) {
      expect(
        Buffer.from(encodeJpeg(data, 16, 16, quality)).equals(Buffer.from(jpegJs(data, 16, 16, quality))),
      ).toBe(true);
    }
    expect(Buffer.from(encodeJpeg(data, 16, 16, 0)).equals(Buffer.from(encodeJpeg(data, 16, 16, 50)))).toBe(
      true,
    );
  });

  it('decodes back to the same pixels jpeg-js’s bytes decode to', () => {
    const data = rgbaImage(37, 29, FILLS['noise']!, 7);
    const ours = jpeg.decode(encodeJpeg(data, 37, 29, 25), { useTArray: true, formatAsRGBA: false });
    const theirs = jpeg.decode(jpegJs(data, 37, 29, 25), { useTArray: true, formatAsRGBA: false });
    expect(ours.width).toBe(37);
    expect(Array.from(ours.data)).toEqual(Array.from(theirs.data));
  });

  it('keeps jpeg_compression fast on small images: no table set-up per call (jpeg-js: ~23 ms each)', () => {
    const perturbation = DIGITAL_PERTURBATIONS.find((p) => p.name === 'jpeg_compression')!;
    const image: FloatImage = {
      width: 8,
      height: 8,
      channels: 1,
      data: Float32Array.from({ length: 64 }, (_, i) => ((i * 13) % 17) / 16),
    };
    const random = perturbationRandom(0, 's', 'jpeg_compression', 3);
    perturbation.apply(image, 3, random); // warm-up
    const start = performance.now();
    for (let i = 0; i < 100; i++) perturbation.apply(image, 3, random);
    // 100 calls took ~2.3 s with jpeg-js's encode; the port takes a few milliseconds.
    expect(performance.now() - start).toBeLessThan(500);
  });
});
