import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, IMAGES, TESTSETS } from '../helpers/datasetFixtures.js';

async function openError(root: string, classNames = CLASSES): Promise<InputError> {
  try {
    await openTestSet({ root, classNames });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('openTestSet did not throw');
}

const FOLDER_IDS = [
  'dark/da00.png',
  'dark/da01.png',
  'diagonal/di00.png',
  'diagonal/di01.png',
  'diagonal/di02.png',
  'square/sq00.png',
  'square/sq01.png',
  'square/sq02.png',
];

describe('image-folder test sets', () => {
  it('labels samples by class folder and sorts them by path', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    expect(testSet.format).toBe('image-folder');
    expect(testSet.samples.map((s) => s.id)).toEqual(FOLDER_IDS);
    expect(testSet.samples.map((s) => s.label)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
    expect(testSet.files).toEqual(FOLDER_IDS);
    expect(testSet.sliceColumns).toEqual([]);
    const image = testSet.decode(5);
    expect([image.width, image.height, image.channels]).toEqual([8, 8, 1]);
    expect(image.data[2 * 8 + 2]).toBe(220); // the bright square of the first 'square' sample
  });

  it('maps folders to indices of the class list, whatever its order, and allows classes without a folder', async () => {
    const testSet = await openTestSet({
      root: join(TESTSETS, 'folder'),
      classNames: ['square', 'cat', 'dark', 'diagonal'],
    });
    expect(testSet.samples.map((s) => s.label)).toEqual([2, 2, 3, 3, 3, 0, 0, 0]);
  });

  it('skips hidden files, the lock file and non-image files at the root', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'dark', '.DS_Store'), 'x');
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git', 'HEAD'), 'x');
    writeFileSync(join(root, 'evalgate.lock.json'), '{}');
    writeFileSync(join(root, 'square', 'evalgate.lock.json'), '{}');
    writeFileSync(join(root, 'README.md'), '# test set');
    const testSet = await openTestSet({ root, classNames: CLASSES });
    expect(testSet.files).toEqual(FOLDER_IDS);
  });

  it('skips a lock file with another name when its path is given', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'dark', 'my.lock.png'), 'not an image');
    const testSet = await openTestSet({
      root,
      classNames: CLASSES,
      lockPath: join(root, 'dark', 'my.lock.png'),
    });
    expect(testSet.files).toEqual(FOLDER_IDS);
  });

  it('reads images in nested folders of a class and upper-case extensions', async () => {
    const root = copyTestSet('folder');
    mkdirSync(join(root, 'dark', 'batch2'));
    writeFileSync(join(root, 'dark', 'batch2', 'x.PNG'), readFileSync(join(IMAGES, 'gray8.png')));
    writeFileSync(join(root, 'dark', 'y.JPeG'), readFileSync(join(IMAGES, 'gray.jpg')));
    const testSet = await openTestSet({ root, classNames: CLASSES });
    expect(testSet.samples.slice(0, 4).map((s) => s.id)).toEqual([
      'dark/batch2/x.PNG',
      'dark/da00.png',
      'dark/da01.png',
      'dark/y.JPeG',
    ]);
    expect(testSet.decode(3).width).toBe(24);
  });

  it('refuses a non-image file inside a class folder, naming it', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'square', 'notes.txt'), 'x');
    const error = await openError(root);
    expect(error.where).toBe(join(root, 'square', 'notes.txt'));
    expect(error.message).toMatch(/not a PNG or JPEG/);
  });

  it('refuses a folder that is not in the class list, suggesting the nearest class', async () => {
    const root = copyTestSet('folder');
    mkdirSync(join(root, 'squares'));
    const error = await openError(root);
    expect(error.message).toBe(
      "label 'squares' (folder squares/) is not in the class list ['dark', 'diagonal', 'square']",
    );
    expect(error.hint).toMatch(/Did you mean 'square'\?/);
  });

  it('refuses an image directly in the test-set folder', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'loose.png'), readFileSync(join(IMAGES, 'gray8.png')));
    expect((await openError(root)).message).toMatch(/has no class/);
  });

  it('refuses an empty test set', async () => {
    const root = mkdtempSync(join(tmpdir(), 'evalgate-empty-'));
    mkdirSync(join(root, 'dark'));
    expect((await openError(root)).message).toMatch(/test set is empty/);
  });

  it('refuses a test-set path that does not exist', async () => {
    expect((await openError(join(TESTSETS, 'nope'))).message).toBe('test set not found');
  });

  it('reports a corrupt image when it is decoded, naming the file', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'dark', 'da00.png'), readFileSync(join(IMAGES, 'truncated.png')));
    const testSet = await openTestSet({ root, classNames: CLASSES });
    expect(() => testSet.decode(0)).toThrow(InputError);
    expect(() => testSet.decode(0)).toThrow(/truncated PNG/);
    try {
      testSet.decode(0);
    } catch (error) {
      expect((error as InputError).where).toBe(join(root, 'dark', 'da00.png'));
    }
  });

  it('refuses a broken symbolic link in a class folder as an input error naming the link', async () => {
    const root = copyTestSet('folder');
    symlinkSync(join(root, 'gone.png'), join(root, 'dark', 'dangling.png'));
    const error = await openError(root);
    expect(error.message).toMatch(/broken symbolic link/);
    expect(error.where).toBe(join(root, 'dark', 'dangling.png'));
    expect(error.hint).toMatch(/remove the link/);
  });

  it('refuses a symbolic link that leads back to a folder above it instead of recursing forever', async () => {
    const root = copyTestSet('folder');
    symlinkSync('..', join(root, 'square', 'loop'));
    const error = await openError(root);
    expect(error.message).toMatch(/symbolic link loop/);
    expect(error.where).toBe(join(root, 'square', 'loop'));
  });

  it('refuses a link cycle between two class folders', async () => {
    const root = copyTestSet('folder');
    symlinkSync(join(root, 'diagonal'), join(root, 'dark', 'to-diagonal'));
    symlinkSync(join(root, 'dark'), join(root, 'diagonal', 'to-dark'));
    const error = await openError(root);
    expect(error.message).toMatch(/symbolic link loop/);
    expect(error.where).toMatch(/to-(dark|diagonal)$/);
  });

  it('follows a symbolic link to a folder outside the test set that is not a loop', async () => {
    const root = copyTestSet('folder');
    const outside = mkdtempSync(join(tmpdir(), 'evalgate-linked-'));
    writeFileSync(join(outside, 'extra.png'), readFileSync(join(IMAGES, 'gray8.png')));
    symlinkSync(outside, join(root, 'dark', 'more'));
    const testSet = await openTestSet({ root, classNames: CLASSES });
    expect(testSet.files).toContain('dark/more/extra.png');
  });
});
