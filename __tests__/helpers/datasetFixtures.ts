/** Paths and goldens shared by the dataset tests (written by scripts/fixtures/make_image_fixtures.py). */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreprocessOptions } from '../../src/dataset/types.js';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
export const IMAGES = join(fixtures, 'images');
export const TESTSETS = join(fixtures, 'testsets');

/** Class list of the fixture test sets (folder names of testsets/folder). */
export const CLASSES = ['dark', 'diagonal', 'square'];

export interface DecodeGolden {
  width: number;
  height: number;
  channels: number;
  tolerance: number;
  data: number[];
}
export interface ResizeGolden {
  source: string;
  size: [number, number];
  float: number[];
  uint8: number[];
}
export interface PipelineGolden {
  source: string;
  options: Omit<PreprocessOptions, 'resize' | 'centerCrop'> & {
    resize: [number, number] | null;
    centerCrop: [number, number] | null;
  };
  shape: number[];
  data: number[];
}
export const expected = JSON.parse(readFileSync(join(IMAGES, 'expected.json'), 'utf8')) as {
  decode: Record<string, DecodeGolden>;
  gray: { source: string; data: number[] };
  resize: ResizeGolden[];
  pipeline: PipelineGolden[];
};

export function imageBytes(name: string): Uint8Array {
  return readFileSync(join(IMAGES, name));
}

/** A private copy of a fixture test set, safe to modify. */
export function copyTestSet(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'evalgate-testset-'));
  const target = join(dir, name);
  cpSync(join(TESTSETS, name), target, { recursive: true });
  return target;
}

/** Preprocessing that leaves pixel values as they are (gray, no resize, no normalisation). */
export function identityOptions(overrides: Partial<PreprocessOptions> = {}): PreprocessOptions {
  return {
    resize: null,
    centerCrop: null,
    color: 'gray',
    scale: 1,
    mean: [0],
    std: [1],
    layout: 'NCHW',
    channels: 1,
    ...overrides,
  };
}
