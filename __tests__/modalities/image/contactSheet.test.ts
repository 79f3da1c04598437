/**
 * The contact sheet of `evalgate stress-preview`: its geometry, a clean first column that is the
 * input upscaled exactly, every other cell the perturbation's own output for the run's generator,
 * gray kept gray, and the same bytes for the same inputs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import {
  buildContactSheet,
  type ContactSheet,
  defaultTileSize,
  SEPARATOR_RGBA,
} from '../../../src/modalities/image/contactSheet.js';
import { toDecodedImage, toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import {
  IMAGE_PERTURBATIONS,
  perturbationNamed,
} from '../../../src/modalities/image/perturbations/registry.js';
import { perturbationRandom } from '../../../src/modalities/image/perturbations/seed.js';
import {
  type FloatImage,
  type Perturbation,
  SEVERITIES,
} from '../../../src/modalities/image/perturbations/types.js';
import { InputError } from '../../../src/shared/errors.js';
import { repoRoot } from '../../helpers/cli.js';

const digitFile = path.join(repoRoot, 'examples/digits/test-set/8/digit-0129.png');
const digitDecoded = decodeImage(readFileSync(digitFile), digitFile);
const digit = toFloatImage(digitDecoded);
const OPTIONS = { seed: 0, sampleId: '8/digit-0129.png' };

/** An RGB image whose three channels differ everywhere: x gradient in R, y gradient in G, a checkerboard in B. */
function rgbImage(width: number, height: number): FloatImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      data[at] = x / (width - 1);
      data[at + 1] = y / (height - 1);
      data[at + 2] = (x >> 2) % 2 === (y >> 2) % 2 ? 0.9 : 0.1;
    }
  }
  return { width, height, channels: 3, data };
}

/** The RGBA bytes of tile (row, column) of the sheet. */
function tile(sheet: ContactSheet, row: number, column: number): Uint8Array {
  const out = new Uint8Array(sheet.tileWidth * sheet.tileHeight * 4);
  const left = column * (sheet.tileWidth + 1);
  const top = row * (sheet.tileHeight + 1);
  for (let y = 0; y < sheet.tileHeight; y++) {
    const from = ((top + y) * sheet.width + left) * 4;
    out.set(sheet.data.subarray(from, from + sheet.tileWidth * 4), y * sheet.tileWidth * 4);
  }
  return out;
}

/** `pixels` (8-bit, 1 or 3 channels) upscaled by `scale` with nearest-neighbour, as RGBA: computed independently of the sheet. */
function upscaled(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  scale: number,
): Uint8Array {
  const out = new Uint8Array(width * scale * height * scale * 4);
  let at = 0;
  for (let Y = 0; Y < height * scale; Y++) {
    for (let X = 0; X < width * scale; X++) {
      const src = (Math.floor(Y / scale) * width + Math.floor(X / scale)) * channels;
      for (let c = 0; c < 3; c++) out[at + c] = pixels[src + (channels === 1 ? 0 : c)]!;
      out[at + 3] = 255;
      at += 4;
    }
  }
  return out;
}

function expectCellsMatch(sheet: ContactSheet, image: FloatImage, seed: number, sampleId: string): void {
  sheet.rows.forEach(({ perturbation }, row) => {
    SEVERITIES.forEach((severity, s) => {
      const own = perturbation.apply(
        image,
        severity,
        perturbationRandom(seed, sampleId, perturbation.name, severity),
      );
      const expected = upscaled(
        toDecodedImage(own).data as Uint8Array,
        image.width,
        image.height,
        image.channels,
        sheet.scale,
      );
      const actual = tile(sheet, row, s + 1);
      if (!Buffer.from(actual).equals(Buffer.from(expected))) {
        throw new Error(
          `cell ${perturbation.name} severity ${severity} differs from the perturbation's own output`,
        );
      }
    });
  });
}

describe('defaultTileSize', () => {
  it('is the smallest multiple of the side that is >= 64, lowered while it exceeds 256, never below the side', () => {
    expect(defaultTileSize(8)).toBe(64);
    expect(defaultTileSize(28)).toBe(84);
    expect(defaultTileSize(32)).toBe(64);
    expect(defaultTileSize(48)).toBe(96);
    expect(defaultTileSize(64)).toBe(64);
    expect(defaultTileSize(65)).toBe(65);
    expect(defaultTileSize(63)).toBe(126);
    expect(defaultTileSize(100)).toBe(100);
    expect(defaultTileSize(224)).toBe(224);
    expect(defaultTileSize(300)).toBe(300);
    expect(defaultTileSize(512)).toBe(512);
  });
});

describe('buildContactSheet on the 8×8 example digit, all perturbations', () => {
  const sheet = buildContactSheet(digit, IMAGE_PERTURBATIONS, OPTIONS);
  const n = IMAGE_PERTURBATIONS.length;

  it('has one row per perturbation and 1 + 5 columns of 64×64 tiles with 1 px separators', () => {
    expect(sheet.scale).toBe(8);
    expect([sheet.tileWidth, sheet.tileHeight]).toEqual([64, 64]);
    expect(sheet.columns).toBe(6);
    expect(sheet.width).toBe(6 * 64 + 5);
    expect(sheet.height).toBe(n * 64 + (n - 1));
    expect(sheet.data.length).toBe(sheet.width * sheet.height * 4);
    expect(sheet.rows.map((r) => r.perturbation.name)).toEqual(IMAGE_PERTURBATIONS.map((p) => p.name));
  });

  it('draws the separators (and only them) in the separator colour, at every 65th column and row', () => {
    const pixel = (x: number, y: number) => [
      ...sheet.data.subarray((y * sheet.width + x) * 4, (y * sheet.width + x) * 4 + 4),
    ];
    for (let k = 1; k < 6; k++) {
      const x = k * 65 - 1;
      for (let y = 0; y < sheet.height; y += 7) expect(pixel(x, y)).toEqual([...SEPARATOR_RGBA]);
    }
    for (let k = 1; k < n; k++) {
      const y = k * 65 - 1;
      for (let x = 0; x < sheet.width; x += 7) expect(pixel(x, y)).toEqual([...SEPARATOR_RGBA]);
    }
    // Every pixel is opaque.
    for (let i = 3; i < sheet.data.length; i += 4)
      if (sheet.data[i] !== 255) throw new Error(`alpha at ${i}`);
  });

  it('shows the clean digit in the first column of every row: the PNG bytes upscaled ×8, exactly', () => {
    const expected = upscaled(digitDecoded.data as Uint8Array, 8, 8, 1, 8);
    for (let row = 0; row < n; row++)
      expect(Buffer.from(tile(sheet, row, 0)).equals(Buffer.from(expected))).toBe(true);
    // Hand check: the top-left 8×8 block of the sheet is the first pixel of the digit.
    expect(sheet.data[0]).toBe(digitDecoded.data[0]);
    expect(sheet.data[(7 * sheet.width + 7) * 4]).toBe(digitDecoded.data[0]);
    expect(sheet.data[(0 * sheet.width + 8) * 4]).toBe(digitDecoded.data[1]);
  });

  it("fills every other cell with the perturbation's own output at that severity, for the run's generator", () => {
    expectCellsMatch(sheet, digit, OPTIONS.seed, OPTIONS.sampleId);
    expect(sheet.rows.every((r) => r.cells.length === 5)).toBe(true);
  });

  it('keeps a gray image gray: R = G = B everywhere', () => {
    for (let i = 0; i < sheet.data.length; i += 4) {
      if (sheet.data[i] !== sheet.data[i + 1] || sheet.data[i] !== sheet.data[i + 2])
        throw new Error(`colour at ${i / 4}`);
    }
  });

  it('is deterministic, and the seed and sample id are what the cells are drawn from', () => {
    const again = buildContactSheet(digit, IMAGE_PERTURBATIONS, OPTIONS);
    expect(Buffer.from(again.data).equals(Buffer.from(sheet.data))).toBe(true);
    const noise = [perturbationNamed('gaussian_noise')!];
    const base = buildContactSheet(digit, noise, OPTIONS);
    const otherSeed = buildContactSheet(digit, noise, { ...OPTIONS, seed: 1 });
    const otherId = buildContactSheet(digit, noise, { ...OPTIONS, sampleId: '8/digit-0130.png' });
    expect(Buffer.from(otherSeed.data).equals(Buffer.from(base.data))).toBe(false);
    expect(Buffer.from(otherId.data).equals(Buffer.from(base.data))).toBe(false);
    // The clean column does not depend on the seed.
    expect(Buffer.from(tile(otherSeed, 0, 0)).equals(Buffer.from(tile(base, 0, 0)))).toBe(true);
  });

  it('never changes its input', () => {
    const copy = Float32Array.from(digit.data);
    buildContactSheet(digit, IMAGE_PERTURBATIONS, OPTIONS);
    expect(digit.data).toEqual(copy);
  });
});

describe('buildContactSheet on RGB images', () => {
  it('a 64×48 image: 1:1 tiles of 64×48 by default, colour kept, cells the perturbations own outputs', () => {
    const image = rgbImage(64, 48);
    const sheet = buildContactSheet(image, IMAGE_PERTURBATIONS, OPTIONS);
    expect(sheet.scale).toBe(1);
    expect([sheet.tileWidth, sheet.tileHeight]).toEqual([64, 48]);
    expect(sheet.width).toBe(6 * 64 + 5);
    expect(sheet.height).toBe(IMAGE_PERTURBATIONS.length * 49 - 1);
    const clean = upscaled(toDecodedImage(image).data as Uint8Array, 64, 48, 3, 1);
    expect(Buffer.from(tile(sheet, 0, 0)).equals(Buffer.from(clean))).toBe(true);
    // The right edge of the clean tile is full red; the bottom edge full green.
    const px = (x: number, y: number) => [
      ...sheet.data.subarray((y * sheet.width + x) * 4, (y * sheet.width + x) * 4 + 3),
    ];
    expect(px(63, 0)[0]).toBe(255);
    expect(px(0, 47)[1]).toBe(255);
    expectCellsMatch(sheet, image, OPTIONS.seed, OPTIONS.sampleId);
  });

  it('a chosen tile size upscales by that whole factor; a size that is not a multiple of the longer side is refused', () => {
    const image = rgbImage(32, 24);
    const some: Perturbation[] = ['brightness', 'pixelate', 'rotate']
      .map((name) => perturbationNamed(name)!)
      .filter(Boolean);
    expect(some.length).toBeGreaterThan(0);
    const sheet = buildContactSheet(image, some, { seed: 7, sampleId: 'x', tileSize: 96 });
    expect(sheet.scale).toBe(3);
    expect([sheet.tileWidth, sheet.tileHeight]).toEqual([96, 72]);
    expect([sheet.width, sheet.height]).toEqual([6 * 96 + 5, some.length * 73 - 1]);
    expectCellsMatch(sheet, image, 7, 'x');
    expect(buildContactSheet(image, some, OPTIONS).scale).toBe(2); // default: 64 px
    expect(() => buildContactSheet(image, some, { ...OPTIONS, tileSize: 100 })).toThrow(InputError);
    expect(() => buildContactSheet(image, some, { ...OPTIONS, tileSize: 16 })).toThrow(
      /multiple of the image's longer side \(32 px\)/,
    );
    expect(() => buildContactSheet(image, [], OPTIONS)).toThrow(InputError);
  });
});
