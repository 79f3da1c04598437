import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/dataset/decodeImage.js';
import {
  preprocessedShape,
  preprocessFeaturesInto,
  preprocessInto,
  validateFeatureOptions,
  validatePreprocessOptions,
} from '../../src/dataset/preprocess.js';
import type { DecodedImage, PreprocessOptions } from '../../src/dataset/types.js';
import { InputError } from '../../src/shared/errors.js';
import { expected, identityOptions, imageBytes } from '../helpers/datasetFixtures.js';

function run(image: DecodedImage, options: PreprocessOptions): { shape: number[]; data: Float32Array } {
  const shape = preprocessedShape(options, image);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  preprocessInto(image, options, data, 0);
  return { shape, data };
}

function maxAbsDiff(actual: ArrayLike<number>, wanted: number[]): number {
  expect(actual.length).toBe(wanted.length);
  let max = 0;
  for (let i = 0; i < wanted.length; i++) max = Math.max(max, Math.abs(actual[i] - wanted[i]));
  return max;
}

const resizeSource = decodeImage(imageBytes('resize_src.png'), 'resize_src.png');

describe('resize (antialiased bilinear)', () => {
  it.each(expected.resize.map((g) => [`${g.size[0]}x${g.size[1]}`, g] as const))(
    'matches PIL BILINEAR on float images when resizing 11x13 to %s',
    (_name, golden) => {
      const { data } = run(
        resizeSource,
        identityOptions({ color: 'rgb', channels: 3, layout: 'NHWC', resize: golden.size }),
      );
      // Bit-identical to PIL: the same weights, double sums and float32 storage between passes (the
      // golden keeps 9 significant digits, which round-trip float32 exactly).
      expect(maxAbsDiff(data, golden.float.map(Math.fround))).toBe(0);
      // And within one level of PIL's own uint8 resize, which rounds after each pass.
      expect(
        maxAbsDiff(
          Array.from(data, (v) => Math.round(v)),
          golden.uint8,
        ),
      ).toBeLessThanOrEqual(1);
    },
  );
});

describe('preprocessInto', () => {
  it.each(
    expected.pipeline.map((g, i) => [i, `${g.source} ${g.options.color} ${g.options.layout}`, g] as const),
  )('matches the PIL/torchvision pipeline golden #%i (%s)', (_i, _name, golden) => {
    const image = decodeImage(imageBytes(golden.source), golden.source);
    const { shape, data } = run(image, golden.options as PreprocessOptions);
    expect(shape).toEqual(golden.shape);
    expect(maxAbsDiff(data, golden.data)).toBeLessThan(1e-5);
  });

  it("converts RGB to gray exactly as PIL convert('L')", () => {
    const image = decodeImage(imageBytes('rgb.png'), 'rgb.png');
    const { data } = run(image, identityOptions());
    expect(Array.from(data)).toEqual(expected.gray.data);
  });

  it('converts float RGB data to gray with the unrounded ITU-R 601-2 weights', () => {
    const image: DecodedImage = { width: 1, height: 1, channels: 3, data: new Float32Array([0.5, 0.25, 1]) };
    const { data } = run(image, identityOptions());
    expect(data[0]).toBeCloseTo(0.5 * 0.299 + 0.25 * 0.587 + 0.114, 6);
  });

  it('swaps channels for bgr and drops alpha', () => {
    const image: DecodedImage = {
      width: 2,
      height: 1,
      channels: 4,
      data: new Uint8Array([10, 20, 30, 255, 1, 2, 3, 0]),
    };
    const { data } = run(image, identityOptions({ color: 'bgr', channels: 3, layout: 'NHWC' }));
    expect(Array.from(data)).toEqual([30, 20, 10, 3, 2, 1]);
  });

  it('replicates a gray image for a 3-channel model, normalising each channel with its own mean and std', () => {
    const image: DecodedImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([100, 200]) };
    const { shape, data } = run(
      image,
      identityOptions({ color: 'gray', channels: 3, layout: 'NCHW', mean: [0, 100, 200], std: [1, 2, 4] }),
    );
    expect(shape).toEqual([3, 1, 2]);
    expect(Array.from(data)).toEqual([100, 200, 0, 50, -25, 0]);
  });

  it('writes NCHW channel-major and NHWC/flat pixel-major', () => {
    const image: DecodedImage = {
      width: 2,
      height: 1,
      channels: 3,
      data: new Uint8Array([1, 2, 3, 4, 5, 6]),
    };
    const base = { color: 'rgb' as const, channels: 3 };
    expect(Array.from(run(image, identityOptions({ ...base, layout: 'NCHW' })).data)).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
    expect(Array.from(run(image, identityOptions({ ...base, layout: 'NHWC' })).data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    const flat = run(image, identityOptions({ ...base, layout: 'flat' }));
    expect(flat.shape).toEqual([6]);
    expect(Array.from(flat.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('centre-crops with torchvision rounding (round half to even)', () => {
    const row = (n: number): DecodedImage => ({
      width: n,
      height: 1,
      channels: 1,
      data: Uint8Array.from({ length: n }, (_, i) => i),
    });
    const crop = (n: number, w: number) =>
      Array.from(run(row(n), identityOptions({ centerCrop: [1, w] })).data);
    expect(crop(7, 4)).toEqual([2, 3, 4, 5]); // (7 - 4) / 2 = 1.5 -> 2
    expect(crop(9, 4)).toEqual([2, 3, 4, 5]); // 2.5 -> 2
    expect(crop(8, 4)).toEqual([2, 3, 4, 5]); // 2
    expect(crop(3, 6)).toEqual([0, 0, 1, 2, 0, 0]); // pads floor(3 / 2) = 1 zero on the left, 2 on the right
  });

  it('writes at the given offset and leaves the rest of the buffer alone', () => {
    const image: DecodedImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([7, 9]) };
    const out = new Float32Array(5).fill(-1);
    preprocessInto(image, identityOptions(), out, 2);
    expect(Array.from(out)).toEqual([-1, -1, 7, 9, -1]);
  });

  it('applies scale before mean and std', () => {
    const image: DecodedImage = { width: 1, height: 1, channels: 1, data: new Uint8Array([255]) };
    const { data } = run(image, identityOptions({ scale: 1 / 255, mean: [0.5], std: [0.25] }));
    expect(data[0]).toBeCloseTo(2, 6);
  });
});

describe('preprocessedShape', () => {
  const options = identityOptions({ color: 'rgb', channels: 3, resize: [32, 40] });
  it('gives [C,H,W], [H,W,C] or [C*H*W] with the crop taking precedence over the resize', () => {
    expect(preprocessedShape(options)).toEqual([3, 32, 40]);
    expect(preprocessedShape({ ...options, layout: 'NHWC' })).toEqual([32, 40, 3]);
    expect(preprocessedShape({ ...options, layout: 'flat', centerCrop: [28, 30] })).toEqual([3 * 28 * 30]);
    expect(preprocessedShape(identityOptions(), { height: 5, width: 7 })).toEqual([1, 5, 7]);
  });
});

describe('option validation', () => {
  function inputError(fn: () => void): InputError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    throw new Error('no error thrown');
  }

  it('tells a 1-channel model fed rgb to set preprocess.color: gray', () => {
    const error = inputError(() => validatePreprocessOptions(identityOptions({ color: 'rgb', channels: 1 })));
    expect(error.where).toBe('preprocess.color');
    expect(error.hint).toBe('set preprocess.color: gray');
  });

  it('refuses a mean or std whose length is neither 1 nor the channel count, and a zero std', () => {
    expect(
      inputError(() =>
        validatePreprocessOptions(identityOptions({ color: 'rgb', channels: 3, mean: [0, 0] })),
      ).where,
    ).toBe('preprocess.mean');
    expect(inputError(() => validatePreprocessOptions(identityOptions({ std: [0] }))).where).toBe(
      'preprocess.std',
    );
    expect(inputError(() => validatePreprocessOptions(identityOptions({ channels: 2 }))).message).toMatch(
      /2 channels/,
    );
    expect(inputError(() => validatePreprocessOptions(identityOptions({ resize: [0, 4] }))).where).toBe(
      'preprocess.resize',
    );
  });

  it('refuses image operations on feature vectors', () => {
    const error = inputError(() => validateFeatureOptions(identityOptions({ layout: 'NCHW' }), 6));
    expect(error.message).toMatch(/feature vectors of length 6/);
    expect(() =>
      validateFeatureOptions(identityOptions({ layout: 'flat', mean: [1, 2, 3, 4, 5, 6] }), 6),
    ).not.toThrow();
    expect(
      inputError(() => validateFeatureOptions(identityOptions({ layout: 'flat', std: [1, 2] }), 6)).where,
    ).toBe('preprocess.std');
  });
});

describe('preprocessFeaturesInto', () => {
  it('standardises each feature with its own mean and std', () => {
    const out = new Float32Array(3);
    preprocessFeaturesInto(
      new Float32Array([1, 2, 3]),
      identityOptions({ layout: 'flat', scale: 2, mean: [0, 1, 2], std: [1, 3, 4] }),
      out,
      0,
    );
    expect(Array.from(out)).toEqual([2, 1, 1]);
  });
});
