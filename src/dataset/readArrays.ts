/**
 * Array test sets: `x` (samples) and `y` (labels) as NumPy arrays, either a folder holding `x.npy` and
 * `y.npy` or a single `.npz` file (numpy.savez / savez_compressed) with members `x` and `y`.
 *
 * x shapes: [N, H, W] (gray images), [N, H, W, C] with C = 1, 3 or 4 (images, HWC; a fourth channel is
 * alpha and never reaches the model), or [N, D] (feature vectors: only scale, mean and std apply).
 * Values are used as pixel values: uint8 stays 8-bit, any other dtype becomes float32, and
 * `preprocess.scale` / `mean` / `std` apply as to images. The dtype is the test set's `valueType`,
 * which sets the default scale (preprocessForModel.ts: 1/255 for uint8, 1 for float data).
 * y: integer class indices [N] in 0..classes-1, or class names (numpy '<U' or '|S' strings).
 *
 * Memory: x.npy is read one sample at a time with positional reads (through one descriptor), so a
 * folder of arrays streams.
 * An .npz member may be compressed and has to be inflated whole, so an .npz is held in memory.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { errorMessage, InputError } from '../shared/errors.js';
import { classIndex, formatClassList, unknownLabelError } from './classLabels.js';
import {
  type NpyHeader,
  npyHeaderLength,
  parseNpyHeader,
  toLabelValues,
  toPixelValues,
  valueTypeOf,
} from './npy.js';
import { product } from '../shared/shape.js';
import type { DecodedImage, TestSet, TestSetSample } from './types.js';

export interface ReadArraysOptions {
  /** A folder holding x.npy and y.npy, or an .npz file. */
  root: string;
  classNames: string[];
}

/** Where the x data lives: in memory (npz) or in a file read by offset (npy). */
interface XSource {
  header: NpyHeader;
  /** Reads `length` bytes of element data starting at byte `start` of the data section. */
  read(start: number, length: number): Uint8Array;
  /** Name used in sample ids and messages: x.npy. */
  name: string;
  where: string;
}

export function readArrays(options: ReadArraysOptions): TestSet {
  const root = resolve(options.root);
  const isFile = statSync(root).isFile();
  const { x, yBytes, yHeader, yWhere, files } = isFile ? openNpz(root) : openNpyFolder(root);

  const xShape = x.header.shape;
  if (x.header.kind === 'U' || x.header.kind === 'S') {
    throw new InputError(`x holds strings (dtype '${x.header.descr}'), not numbers`, {
      code: 'E_TEST_SET_INVALID',
      where: x.where,
    });
  }
  let height = 0;
  let width = 0;
  let channels: 1 | 3 | 4 = 1;
  let featureLength: number | undefined;
  if (xShape.length === 2) {
    featureLength = xShape[1];
    height = 1;
    width = xShape[1];
  } else if (xShape.length === 3) {
    [, height, width] = xShape;
  } else if (xShape.length === 4 && [1, 3, 4].includes(xShape[3])) {
    [, height, width] = xShape;
    channels = xShape[3] as 1 | 3 | 4;
  } else {
    throw new InputError(
      `x has shape (${xShape.join(', ')}); expected (N, H, W), (N, H, W, C) with C = 1, 3 or 4, or (N, D)`,
      {
        code: 'E_TEST_SET_INVALID',
        where: x.where,
        hint: 'store images channels-last (N, H, W, C), e.g. x.transpose(0, 2, 3, 1) for an (N, C, H, W) array',
      },
    );
  }
  const n = xShape[0];
  const yShape = yHeader.shape;
  if (yShape.length !== 1) {
    throw new InputError(`y has shape (${yShape.join(', ')}); expected (N,) with one label per sample`, {
      code: 'E_TEST_SET_INVALID',
      where: yWhere,
      hint: 'save the labels as a 1-D array: y.reshape(-1)',
    });
  }
  if (yShape[0] !== n) {
    throw new InputError(`x holds ${n} samples but y holds ${yShape[0]} labels`, {
      code: 'E_TEST_SET_INVALID',
      where: yWhere,
    });
  }

  const labelValues = toLabelValues(yBytes, yHeader, yWhere);
  const labels = classIndex(options.classNames);
  const classCount = options.classNames.length;
  const samples: TestSetSample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const value = labelValues[i];
    let label: number | undefined;
    if (typeof value === 'string') {
      label = labels.get(value);
      if (label === undefined) throw unknownLabelError(value, `y[${i}]`, options.classNames, yWhere);
    } else {
      if (!Number.isInteger(value) || value < 0 || value >= classCount) {
        throw new InputError(
          `y[${i}] = ${value} is not a class index (0..${classCount - 1} for the class list ${formatClassList(options.classNames)})`,
          {
            code: 'E_TEST_SET_INVALID',
            where: yWhere,
            hint: "labels index the config's classes, in the order of the model's outputs",
          },
        );
      }
      label = value;
    }
    samples[i] = { id: `${x.name}#${i}`, label, slices: {} };
  }

  const sampleElements = height * width * channels;
  const sampleBytes = sampleElements * x.header.itemSize;
  return {
    format: 'arrays',
    root,
    files,
    samples,
    sliceColumns: [],
    featureLength,
    valueType: valueTypeOf(x.header),
    decode(index: number): DecodedImage {
      const data = toPixelValues(x.read(index * sampleBytes, sampleBytes), x.header);
      return { width, height, channels, data };
    },
  };
}

/** Checks that the data section holds exactly the elements the shape promises. */
function checkDataLength(header: NpyHeader, available: number, where: string): void {
  const needed = product(header.shape) * header.itemSize;
  if (available < needed) {
    throw new InputError(
      `truncated array: shape (${header.shape.join(', ')}) needs ${needed} data bytes, the file has ${available}`,
      { code: 'E_TEST_SET_INVALID', where, hint: 'the file is incomplete; save it again with numpy.save' },
    );
  }
}

function openNpyFolder(root: string) {
  const xPath = join(root, 'x.npy');
  const yPath = join(root, 'y.npy');
  for (const path of [xPath, yPath]) {
    try {
      statSync(path);
    } catch {
      throw new InputError(`array test set without ${basename(path)}`, {
        code: 'E_TEST_SET_INVALID',
        where: root,
        hint: 'an array test set is a folder with x.npy and y.npy, or an .npz file with arrays x and y',
      });
    }
  }
  // x: header now, data by positional reads later.
  const fd = openSync(xPath, 'r');
  let header: NpyHeader;
  try {
    const preamble = new Uint8Array(12);
    readSync(fd, preamble, 0, 12, 0);
    const headerBytes = new Uint8Array(npyHeaderLength(preamble, xPath));
    readSync(fd, headerBytes, 0, headerBytes.length, 0);
    header = parseNpyHeader(headerBytes, xPath);
  } finally {
    closeSync(fd);
  }
  checkDataLength(header, statSync(xPath).size - header.dataOffset, xPath);
  const dataOffset = header.dataOffset;
  const dataEnd = product(header.shape) * header.itemSize;
  // One descriptor for all the positional reads instead of an open/close per sample. TestSet has no
  // close(), so the descriptor is opened on the first read and closed after the read that reaches the
  // end of the data (the last sample: batches read in order), to be opened again if read again; a
  // run that stops early leaves it to the registry below, which closes it once the test set is
  // garbage-collected (at worst, one descriptor per opened test set until the process exits).
  const handle: { fd: number | null } = { fd: null };
  const x: XSource = {
    header,
    name: 'x.npy',
    where: xPath,
    read(start, length) {
      const out = new Uint8Array(length);
      handle.fd ??= openSync(xPath, 'r');
      try {
        const got = readSync(handle.fd, out, 0, length, dataOffset + start);
        if (got !== length)
          throw new InputError('x.npy changed while it was being read (short read)', {
            code: 'E_TEST_SET_INVALID',
            where: xPath,
          });
      } finally {
        if (start + length >= dataEnd) closeHandle(handle);
      }
      return out;
    },
  };
  openDescriptors.register(x, handle);
  const yAll = readFileSync(yPath);
  const yHeader = parseNpyHeader(yAll, yPath);
  checkDataLength(yHeader, yAll.length - yHeader.dataOffset, yPath);
  return {
    x,
    yHeader,
    yBytes: new Uint8Array(
      yAll.buffer,
      yAll.byteOffset + yHeader.dataOffset,
      product(yHeader.shape) * yHeader.itemSize,
    ),
    yWhere: yPath,
    files: ['x.npy', 'y.npy'],
  };
}

function closeHandle(handle: { fd: number | null }): void {
  if (handle.fd === null) return;
  const fd = handle.fd;
  handle.fd = null;
  closeSync(fd);
}

/** Closes the x.npy descriptor of a test set that was dropped before its last sample was read. */
const openDescriptors = new FinalizationRegistry<{ fd: number | null }>((handle) => {
  try {
    closeHandle(handle);
  } catch {
    // Nothing to report to: the test set is gone, and a failed close only means the fd was invalid.
  }
});

function openNpz(path: string) {
  if (!path.toLowerCase().endsWith('.npz')) {
    throw new InputError('the test-set path is a file but not an .npz archive', {
      code: 'E_TEST_SET_INVALID',
      where: path,
      hint: 'point test-set.path at a folder (image folder, manifest or x.npy + y.npy) or at an .npz file; a CSV or JSONL file goes in test-set.manifest',
    });
  }
  const members: string[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(path), {
      filter: (file) => {
        members.push(file.name);
        return file.name === 'x.npy' || file.name === 'y.npy';
      },
    });
  } catch (error) {
    throw new InputError(`not a readable .npz archive: ${errorMessage(error)}`, {
      code: 'E_TEST_SET_INVALID',
      where: path,
      hint: 'save the arrays with numpy.savez(path, x=x, y=y)',
      cause: error,
    });
  }
  for (const name of ['x.npy', 'y.npy']) {
    if (!entries[name]) {
      throw new InputError(
        `the archive has no array '${name.slice(0, 1)}' (it holds ${members.map((m) => `'${m.replace(/\.npy$/, '')}'`).join(', ') || 'nothing'})`,
        {
          code: 'E_TEST_SET_INVALID',
          where: path,
          hint: 'save the arrays as numpy.savez(path, x=images, y=labels)',
        },
      );
    }
  }
  const xAll = entries['x.npy'];
  const xHeader = parseNpyHeader(xAll, `${path}:x.npy`);
  checkDataLength(xHeader, xAll.length - xHeader.dataOffset, `${path}:x.npy`);
  const yAll = entries['y.npy'];
  const yHeader = parseNpyHeader(yAll, `${path}:y.npy`);
  checkDataLength(yHeader, yAll.length - yHeader.dataOffset, `${path}:y.npy`);
  const x: XSource = {
    header: xHeader,
    name: 'x.npy',
    where: `${path}:x.npy`,
    read(start, length) {
      const begin = xHeader.dataOffset + start;
      return xAll.subarray(begin, begin + length);
    },
  };
  return {
    x,
    yHeader,
    yBytes: yAll.subarray(yHeader.dataOffset, yHeader.dataOffset + product(yHeader.shape) * yHeader.itemSize),
    yWhere: `${path}:y.npy`,
    files: [basename(path)],
  };
}
