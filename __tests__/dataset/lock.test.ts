import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  createLock,
  LockMismatchError,
  readLock,
  verifyLock,
  writeLock,
} from '../../src/dataset/lock.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { defaultLockPath } from '../../src/dataset/testSetPaths.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, IMAGES, TESTSETS } from '../helpers/datasetFixtures.js';
import { int64Bytes, npyBytes } from '../helpers/npyWriter.js';

/** An array test set with the same number of samples in every class: counts cannot tell orders apart. */
function balancedArrays(): string {
  const root = mkdtempSync(join(tmpdir(), 'evalgate-balanced-'));
  const count = 6;
  writeFileSync(join(root, 'x.npy'), npyBytes('|u1', [count, 2, 2], new Uint8Array(count * 4).fill(7)));
  writeFileSync(join(root, 'y.npy'), npyBytes('<i8', [count], int64Bytes([0, 1, 2, 0, 1, 2])));
  return root;
}

const open = (root: string, manifest?: string) => openTestSet({ root, manifest, classNames: CLASSES });

async function mismatch(promise: Promise<unknown>): Promise<LockMismatchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LockMismatchError);
    expect(error).toBeInstanceOf(InputError);
    return error as LockMismatchError;
  }
  throw new Error('verifyLock did not throw');
}

describe('lock files', () => {
  it('records sha256 and size of every file, class counts and the documented root digest', async () => {
    const root = join(TESTSETS, 'folder');
    const testSet = await open(root);
    const lock = await createLock(testSet, CLASSES, '0.1.0');
    expect(lock.schema).toBe('evalgate.lock/v1');
    expect(lock.format).toBe('image-folder');
    expect(lock.samples).toBe(8);
    expect(lock.classCounts).toEqual({ dark: 2, diagonal: 3, square: 3 });
    expect(lock.createdBy).toBe('evalgate 0.1.0');
    expect(lock.files.map((e) => e.path)).toEqual(testSet.files);
    for (const entry of lock.files) {
      const bytes = readFileSync(join(root, entry.path));
      expect(entry.size).toBe(bytes.length);
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const lines = lock.files.map((e) => `${e.sha256}  ${e.size}  ${e.path}\n`).join('');
    expect(lock.digest).toBe(`sha256:${createHash('sha256').update(lines).digest('hex')}`);
    expect(await computeDigest(testSet)).toBe(lock.digest);
  });

  it('verifies an unchanged test set, with its lock file inside the folder', async () => {
    const root = copyTestSet('folder');
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    await writeLock(defaultLockPath(root), lock);
    const reopened = await open(root);
    expect(reopened.files).not.toContain('evalgate.lock.json');
    const read = await readLock(join(root, 'evalgate.lock.json'));
    expect(read).toEqual(lock);
    expect(await verifyLock(read, reopened, { classNames: CLASSES })).toEqual({ digest: lock.digest });
  });

  it('names added, removed and changed files and says how to update the lock', async () => {
    const root = copyTestSet('folder');
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    cpSync(join(IMAGES, 'gray8.png'), join(root, 'square', 'new.png'));
    rmSync(join(root, 'dark', 'da01.png'));
    writeFileSync(join(root, 'diagonal', 'di02.png'), readFileSync(join(IMAGES, 'gray1.png')));
    const error = await mismatch(verifyLock(lock, await open(root)));
    expect(error.added).toEqual(['square/new.png']);
    expect(error.removed).toEqual(['dark/da01.png']);
    expect(error.changed).toEqual(['diagonal/di02.png']);
    expect(error.message).toBe(
      'the test set does not match its lock\n' +
        'added (1):\n  square/new.png\nremoved (1):\n  dark/da01.png\nchanged (1):\n  diagonal/di02.png',
    );
    expect(error.hint).toMatch(
      /run `evalgate lock <test-set>` and commit the new lock; otherwise restore the files/,
    );
  });

  it('lists at most 20 files per kind of change, then how many more', async () => {
    const root = copyTestSet('folder');
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    for (let i = 0; i < 23; i++)
      cpSync(join(IMAGES, 'gray8.png'), join(root, 'dark', `extra${String(i).padStart(2, '0')}.png`));
    const error = await mismatch(verifyLock(lock, await open(root)));
    expect(error.added).toHaveLength(23);
    expect(error.message).toContain('added (23):');
    expect(error.message).toContain('  dark/extra19.png\n  ... and 3 more');
    expect(error.message).not.toContain('extra20');
  });

  it('covers the manifest of a manifest test set', async () => {
    const root = copyTestSet('manifest');
    const lock = await createLock(await open(root, 'manifest.csv'), CLASSES, '0.1.0');
    expect(lock.manifest).toBe('manifest.csv');
    expect(lock.files.map((e) => e.path)).toContain('manifest.csv');
    const text = readFileSync(join(root, 'manifest.csv'), 'utf8');
    const relabelled = text.replace('images/sq02.png,square,', 'images/sq02.png,dark,');
    expect(relabelled).not.toBe(text);
    writeFileSync(join(root, 'manifest.csv'), relabelled);
    const error = await mismatch(verifyLock(lock, await open(root, 'manifest.csv')));
    expect(error.changed).toEqual(['manifest.csv']);
  });

  it('locks an .npz by its file name, beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lock-'));
    cpSync(join(TESTSETS, 'arrays.npz'), join(dir, 'arrays.npz'));
    const testSet = await open(join(dir, 'arrays.npz'));
    const lock = await createLock(testSet, CLASSES, '0.1.0');
    expect(lock.files.map((e) => e.path)).toEqual(['arrays.npz']);
    // Named after the file, so that two .npz files in one folder do not share one lock.
    expect(defaultLockPath(join(dir, 'arrays.npz'))).toBe(join(dir, 'arrays.evalgate.lock.json'));
    expect((await verifyLock(lock, testSet)).digest).toBe(lock.digest);
  });

  it('records the class list in order', async () => {
    const lock = await createLock(await open(join(TESTSETS, 'arrays')), CLASSES, '0.1.0');
    expect(lock.classNames).toEqual(CLASSES);
  });

  it('refuses a reordered class list for a balanced array test set, naming the first difference', async () => {
    const root = balancedArrays();
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    const reordered = ['dark', 'square', 'diagonal'];
    const reopened = await openTestSet({ root, classNames: reordered });
    const error = await mismatch(verifyLock(lock, reopened, { classNames: reordered }));
    expect(error.message).toContain("class 1 is 'diagonal' in the lock but 'square' now");
    expect(error.message).toContain(
      "locked order: ['dark', 'diagonal', 'square']; now: ['dark', 'square', 'diagonal']",
    );
    expect(error.hint).toContain("restore the class order of the lock (['dark', 'diagonal', 'square'])");
    expect(error.hint).toMatch(/evalgate lock/);
    expect((await verifyLock(lock, await open(root), { classNames: CLASSES })).digest).toBe(lock.digest);
  });

  it('accepts a reordered class list for an image folder, whose labels are folder names', async () => {
    const root = join(TESTSETS, 'folder');
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    const reordered = ['square', 'dark', 'diagonal'];
    const reopened = await openTestSet({ root, classNames: reordered });
    expect((await verifyLock(lock, reopened, { classNames: reordered })).digest).toBe(lock.digest);
  });

  it('still reads and checks a lock written before the class list was recorded', async () => {
    const root = balancedArrays();
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    delete lock.classNames;
    const path = join(root, 'evalgate.lock.json');
    await writeLock(path, lock);
    const read = await readLock(path);
    expect(read.classNames).toBeUndefined();
    expect((await verifyLock(read, await open(root), { classNames: CLASSES })).digest).toBe(lock.digest);
  });

  it('names the lock file used in a mismatch, and in the hint to regenerate it', async () => {
    const root = copyTestSet('folder');
    const lock = await createLock(await open(root), CLASSES, '0.1.0');
    rmSync(join(root, 'dark', 'da01.png'));
    const lockPath = join(root, 'locks', 'test.lock.json');
    const error = await mismatch(verifyLock(lock, await open(root), { classNames: CLASSES, lockPath }));
    expect(error.message.split('\n')[0]).toBe(`the test set does not match its lock ${lockPath}`);
    expect(error.lockPath).toBe(lockPath);
    expect(error.hint).toContain(`evalgate lock <test-set> --out ${lockPath}`);
  });

  it('creates the folder of a lock written to a new path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lock-'));
    const lock = await createLock(await open(join(TESTSETS, 'folder')), CLASSES, '0.1.0');
    const path = join(dir, 'new', 'sub', 'l.json');
    await writeLock(path, lock);
    expect(await readLock(path)).toEqual(lock);
  });

  it('refuses to write a lock where a file stands in for its folder, naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lock-'));
    writeFileSync(join(dir, 'file'), 'x');
    const lock = await createLock(await open(join(TESTSETS, 'folder')), CLASSES, '0.1.0');
    const path = join(dir, 'file', 'l.json');
    const error = await writeLock(path, lock).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.where).toBe(path);
    expect(existsSync(path)).toBe(false);
  });

  it('detects a reordered class list by class counts for a lock without a class list', async () => {
    const testSet = await open(join(TESTSETS, 'arrays'));
    const lock = await createLock(testSet, CLASSES, '0.1.0');
    delete lock.classNames;
    const reordered = ['square', 'dark', 'diagonal'];
    const error = await mismatch(
      verifyLock(lock, await openTestSet({ root: join(TESTSETS, 'arrays'), classNames: reordered }), {
        classNames: reordered,
      }),
    );
    expect(error.message).toMatch(/class counts differ/);
    expect(error.message).toMatch(/square: locked 3, now 2/);
  });

  it('refuses files that are not lock files, and locks edited by hand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lock-'));
    const readError = async (text: string | null) => {
      const path = join(dir, `l${Math.random()}.json`);
      if (text !== null) writeFileSync(path, text);
      try {
        await readLock(path);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).where).toBe(path);
        return error as InputError;
      }
      throw new Error('readLock did not throw');
    };
    expect((await readError(null)).message).toBe('lock file not found');
    expect((await readError('{ nope')).message).toMatch(/^not an evalgate lock file: invalid JSON/);
    expect((await readError('{"schema": "evalgate.report/v1"}')).message).toMatch(
      /^not an evalgate lock file/,
    );
    const lock = await createLock(await open(join(TESTSETS, 'folder')), CLASSES, '0.1.0');
    lock.files[0].size += 1;
    expect((await readError(JSON.stringify(lock))).message).toMatch(/digest does not match its file list/);
  });
});
