import { existsSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, TESTSETS } from '../helpers/datasetFixtures.js';
import { int64Bytes, npyBytes } from '../helpers/npyWriter.js';

function arrayFolder(x: Uint8Array, y: Uint8Array): string {
  const root = mkdtempSync(join(tmpdir(), 'evalgate-arrays-'));
  writeFileSync(join(root, 'x.npy'), x);
  writeFileSync(join(root, 'y.npy'), y);
  return root;
}

const X2 = npyBytes('|u1', [2, 2, 2], new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));

async function openError(root: string, classNames = CLASSES): Promise<InputError> {
  try {
    await openTestSet({ root, classNames });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('openTestSet did not throw');
}

describe('array test sets', () => {
  it('reads x.npy and y.npy, and each sample equals the same image in the image-folder fixture', async () => {
    const arrays = await openTestSet({ root: join(TESTSETS, 'arrays'), classNames: CLASSES });
    const folder = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    expect(arrays.format).toBe('arrays');
    expect(arrays.files).toEqual(['x.npy', 'y.npy']);
    expect(arrays.samples.map((s) => s.id)).toEqual(Array.from({ length: 8 }, (_, i) => `x.npy#${i}`));
    expect(arrays.samples.map((s) => s.label)).toEqual(folder.samples.map((s) => s.label));
    expect(arrays.featureLength).toBeUndefined();
    for (let i = 0; i < 8; i++) {
      const a = arrays.decode(i);
      const f = folder.decode(i);
      expect([a.width, a.height, a.channels]).toEqual([8, 8, 1]);
      expect(a.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(a.data)).toEqual(Array.from(f.data));
    }
  });

  // Linux only: /proc/self/fd lists this process's descriptors (test files run in separate forks).
  it.runIf(existsSync('/proc/self/fd'))(
    'keeps x.npy open while samples are read, closes it after the last one, and reopens it when read again',
    async () => {
      const root = arrayFolder(X2, npyBytes('<i8', [2], int64Bytes([0, 1])));
      const xPath = join(root, 'x.npy');
      const openOnX = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === xPath;
          } catch {
            return false; // the descriptor readdir itself used, closed by now
          }
        }).length;
      const testSet = await openTestSet({ root, classNames: CLASSES });
      expect(openOnX()).toBe(0);
      expect(Array.from(testSet.decode(0).data)).toEqual([1, 2, 3, 4]);
      expect(openOnX()).toBe(1);
      expect(Array.from(testSet.decode(1).data)).toEqual([5, 6, 7, 8]);
      expect(openOnX()).toBe(0);
      expect(Array.from(testSet.decode(0).data)).toEqual([1, 2, 3, 4]);
      expect(Array.from(testSet.decode(1).data)).toEqual([5, 6, 7, 8]);
      expect(openOnX()).toBe(0);
    },
  );

  it('reads a compressed .npz with float data as float32 pixel values', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'arrays.npz'), classNames: CLASSES });
    const folder = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    expect(testSet.files).toEqual(['arrays.npz']);
    expect(testSet.samples.map((s) => s.label)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
    const image = testSet.decode(5);
    expect(image.data).toBeInstanceOf(Float32Array);
    const reference = folder.decode(5).data;
    for (let i = 0; i < 64; i++) expect(image.data[i]).toBeCloseTo(reference[i] / 255, 6);
  });

  it('reads feature vectors with string labels from an .npz', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'features.npz'), classNames: CLASSES });
    expect(testSet.featureLength).toBe(6);
    expect(testSet.samples.map((s) => s.label)).toEqual([0, 2, 0, 1, 2]);
    const sample = testSet.decode(1);
    expect(sample.data.length).toBe(6);
    expect(sample.data).toBeInstanceOf(Float32Array);
  });

  it('reads [N, H, W, C] colour arrays and every supported dtype', async () => {
    const rgb = npyBytes('<f4', [1, 1, 2, 3], new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer));
    const testSet = await openTestSet({
      root: arrayFolder(rgb, npyBytes('<i8', [1], int64Bytes([2]))),
      classNames: CLASSES,
    });
    const image = testSet.decode(0);
    expect([image.width, image.height, image.channels]).toEqual([2, 1, 3]);
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 5, 6]);

    const cases: [string, ArrayBufferView][] = [
      ['|i1', new Int8Array([-1, 2])],
      ['<i2', new Int16Array([-300, 2])],
      ['<u2', new Uint16Array([60000, 2])],
      ['<i4', new Int32Array([-70000, 2])],
      ['<f8', new Float64Array([0.5, 2])],
      ['<f2', new Uint16Array([0x3c00, 0xc000])], // 1.0, -2.0 in half precision
    ];
    const wanted = [
      [-1, 2],
      [-300, 2],
      [60000, 2],
      [-70000, 2],
      [0.5, 2],
      [1, -2],
    ];
    for (const [k, [descr, values]] of cases.entries()) {
      const x = npyBytes(descr, [1, 1, 2], new Uint8Array(values.buffer));
      const ts = await openTestSet({
        root: arrayFolder(x, npyBytes('<i8', [1], int64Bytes([0]))),
        classNames: CLASSES,
      });
      expect(Array.from(ts.decode(0).data), descr).toEqual(wanted[k]);
    }
  });

  it('refuses a label index outside the class list', async () => {
    const error = await openError(arrayFolder(X2, npyBytes('<i8', [2], int64Bytes([0, 3]))));
    expect(error.message).toMatch(/^y\[1\] = 3 is not a class index \(0\.\.2/);
    expect(error.where).toMatch(/y\.npy$/);
  });

  it('refuses a string label that is not a class', async () => {
    const y = new Uint8Array(16);
    new DataView(y.buffer).setUint32(0, 'd'.codePointAt(0)!, true); // 'd'
    new DataView(y.buffer).setUint32(8, 'q'.codePointAt(0)!, true); // 'q'
    const error = await openError(arrayFolder(X2, npyBytes('<U2', [2], y)));
    expect(error.message).toMatch(/label 'd' \(y\[0\]\) is not in the class list/);
  });

  it('refuses float labels, big-endian and Fortran-ordered arrays with a way to re-save them', async () => {
    const yFloat = npyBytes('<f8', [2], new Uint8Array(new Float64Array([0, 1]).buffer));
    expect((await openError(arrayFolder(X2, yFloat))).hint).toMatch(/astype\('int64'\)/);
    const yBig = npyBytes('>i8', [2], new Uint8Array(16));
    expect((await openError(arrayFolder(X2, yBig))).message).toMatch(/big-endian/);
    const xFortran = npyBytes('|u1', [2, 2, 2], new Uint8Array(8), true);
    expect(
      (await openError(arrayFolder(xFortran, npyBytes('<i8', [2], int64Bytes([0, 1]))))).message,
    ).toMatch(/Fortran-ordered/);
  });

  it('refuses mismatched sample counts, unsupported shapes and truncated data', async () => {
    expect((await openError(arrayFolder(X2, npyBytes('<i8', [3], int64Bytes([0, 1, 2]))))).message).toBe(
      'x holds 2 samples but y holds 3 labels',
    );
    const x5 = npyBytes('|u1', [1, 1, 1, 1, 1], new Uint8Array(1));
    expect((await openError(arrayFolder(x5, npyBytes('<i8', [1], int64Bytes([0]))))).message).toMatch(
      /x has shape/,
    );
    const cut = X2.subarray(0, X2.length - 3);
    expect((await openError(arrayFolder(cut, npyBytes('<i8', [2], int64Bytes([0, 1]))))).message).toMatch(
      /truncated array/,
    );
  });

  it('refuses an .npz without x or y, listing what it holds', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'evalgate-npz-')), 'data.npz');
    writeFileSync(root, zipSync({ 'images.npy': X2, 'y.npy': npyBytes('<i8', [2], int64Bytes([0, 1])) }));
    const error = await openError(root);
    expect(error.message).toBe("the archive has no array 'x' (it holds 'images', 'y')");
  });

  it('refuses a file that is not an .npz and a folder with x.npy but no y.npy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-npz-'));
    writeFileSync(join(dir, 'broken.npz'), 'not a zip');
    expect((await openError(join(dir, 'broken.npz'))).message).toMatch(/not a readable \.npz/);
    writeFileSync(join(dir, 'x.npy'), X2);
    expect((await openError(dir)).message).toBe('array test set without y.npy');
  });

  it('refuses an empty array test set', async () => {
    const x = npyBytes('|u1', [0, 2, 2], new Uint8Array(0));
    expect((await openError(arrayFolder(x, npyBytes('<i8', [0], new Uint8Array(0))))).message).toMatch(
      /test set is empty/,
    );
  });
});
