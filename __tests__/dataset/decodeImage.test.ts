import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/dataset/decodeImage.js';
import { InputError } from '../../src/shared/errors.js';
import { expected, imageBytes } from '../helpers/datasetFixtures.js';

function diffs(actual: ArrayLike<number>, wanted: number[]): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < wanted.length; i++) {
    const d = Math.abs(actual[i] - wanted[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / wanted.length };
}

function decodeError(bytes: Uint8Array, name: string): InputError {
  try {
    decodeImage(bytes, name);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`${name} decoded without an error`);
}

describe('decodeImage', () => {
  const pngs = Object.keys(expected.decode).filter((n) => n.endsWith('.png') && n !== 'jpeg_named.png');
  it.each(pngs)('decodes %s exactly as PIL does (alpha dropped, 16-bit scaled)', (name) => {
    const golden = expected.decode[name];
    const image = decodeImage(imageBytes(name), name);
    expect([image.width, image.height, image.channels]).toEqual([
      golden.width,
      golden.height,
      golden.channels,
    ]);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(image.data)).toEqual(golden.data);
  });

  it.each(['gray.jpg', 'color444.jpg', 'jpeg_named.png'])(
    'decodes %s within the JPEG tolerance of PIL',
    (name) => {
      const golden = expected.decode[name];
      const image = decodeImage(imageBytes(name), name);
      expect([image.width, image.height, image.channels]).toEqual([
        golden.width,
        golden.height,
        golden.channels,
      ]);
      expect(image.data.length).toBe(golden.data.length);
      const { max, mean } = diffs(image.data, golden.data);
      expect(max).toBeLessThanOrEqual(golden.tolerance);
      expect(mean).toBeLessThan(1);
    },
  );

  it('decodes 4:2:0 chroma-subsampled JPEG close to PIL on average (jpeg-js upsamples chroma by replication)', () => {
    const golden = expected.decode['color420.jpg'];
    const image = decodeImage(imageBytes('color420.jpg'), 'color420.jpg');
    expect(image.channels).toBe(3);
    const { mean } = diffs(image.data, golden.data);
    expect(mean).toBeLessThan(golden.tolerance);
  });

  it('detects the format from the bytes, not the file name', () => {
    const image = decodeImage(imageBytes('jpeg_named.png'), 'jpeg_named.png');
    expect(image.channels).toBe(3);
  });

  it('reports a truncated PNG as an InputError naming the file', () => {
    const error = decodeError(imageBytes('truncated.png'), 'cats/truncated.png');
    expect(error.where).toBe('cats/truncated.png');
    expect(error.message).toMatch(/^truncated PNG: chunk "IDAT"/);
  });

  it('reports a PNG cut off before IEND as truncated', () => {
    const bytes = imageBytes('rgb.png');
    const error = decodeError(bytes.subarray(0, bytes.length - 12), 'x.png');
    expect(error.message).toMatch(/truncated PNG: .*IEND/);
  });

  it('reports a PNG with damaged data as corrupt', () => {
    const error = decodeError(imageBytes('bad_crc.png'), 'bad_crc.png');
    expect(error.message).toMatch(/^corrupt PNG: /);
    expect(error.where).toBe('bad_crc.png');
  });

  it('reports a truncated JPEG instead of decoding a partial image', () => {
    const error = decodeError(imageBytes('truncated.jpg'), 'truncated.jpg');
    expect(error.message).toMatch(/^truncated JPEG: /);
    expect(error.where).toBe('truncated.jpg');
  });

  it('reports a JPEG missing its end marker as truncated', () => {
    const bytes = imageBytes('color444.jpg');
    const error = decodeError(bytes.subarray(0, bytes.length - 2), 'cut.jpg');
    expect(error.message).toMatch(/^truncated JPEG: /);
    expect(error.where).toBe('cut.jpg');
  });

  it('rejects a file that is neither PNG nor JPEG', () => {
    const error = decodeError(imageBytes('not_an_image.png'), 'not_an_image.png');
    expect(error.message).toMatch(/not a PNG or JPEG/);
    expect(decodeError(new Uint8Array(0), 'empty.png').message).toMatch(/not a PNG or JPEG/);
  });
});
