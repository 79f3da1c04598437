/**
 * The lock before the labels (a changed test set is named as such, not by a symptom), the default
 * lock of an .npz named after it (two .npz files in one folder do not share a lock), and the
 * manifest path rule.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLock, LockMismatchError, writeLock } from '../../src/dataset/lock.js';
import { checkLock, resolveLockPath } from '../../src/dataset/lockCheck.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { defaultLockPath, resolveManifestPath } from '../../src/dataset/testSetPaths.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, TESTSETS } from '../helpers/datasetFixtures.js';

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

/** A locked copy of a fixture test set; returns its root and lock path. */
async function lockedCopy(name: 'folder' | 'manifest'): Promise<{ root: string; lockPath: string }> {
  const root = copyTestSet(name);
  const manifest = name === 'manifest' ? 'manifest.csv' : undefined;
  const lockPath = defaultLockPath(root);
  const testSet = await openTestSet({ root, manifest, classNames: CLASSES, lockPath, writingLock: true });
  await writeLock(lockPath, await createLock(testSet, CLASSES, '0.1.0'));
  return { root, lockPath };
}

describe('the lock is checked before the labels', () => {
  it('an unknown class folder and a changed file: the lock mismatch is reported, not the label', async () => {
    const { root, lockPath } = await lockedCopy('folder');
    mkdirSync(join(root, 'circle'));
    cpSync(join(root, 'dark', 'da00.png'), join(root, 'circle', 'c00.png'));
    writeFileSync(join(root, 'square', 'sq00.png'), 'changed');
    const error = await errorOf(openTestSet({ root, classNames: CLASSES, lockPath }));
    expect(error).toBeInstanceOf(LockMismatchError);
    expect(error.code).toBe('E_LOCK_MISMATCH');
    expect((error as LockMismatchError).added).toEqual(['circle/c00.png']);
    expect((error as LockMismatchError).changed).toEqual(['square/sq00.png']);
  });

  it('an unknown label in an unchanged, locked test set is still the label error', async () => {
    const { root, lockPath } = await lockedCopy('folder');
    const error = await errorOf(openTestSet({ root, classNames: ['dark', 'diagonal'], lockPath }));
    expect(error).not.toBeInstanceOf(LockMismatchError);
    expect(error.message).toMatch(/label 'square' \(folder square\/\) is not in the class list/);
  });

  it('a manifest row relabelled to an unknown class: the changed manifest is reported first', async () => {
    const { root, lockPath } = await lockedCopy('manifest');
    const csv = join(root, 'manifest.csv');
    writeFileSync(
      csv,
      readFileSync(csv, 'utf8').replace('images/sq02.png,square,', 'images/sq02.png,circle,'),
    );
    const error = await errorOf(
      openTestSet({ root, manifest: 'manifest.csv', classNames: CLASSES, lockPath }),
    );
    expect(error).toBeInstanceOf(LockMismatchError);
    expect((error as LockMismatchError).changed).toEqual(['manifest.csv']);
  });

  it('evalgate lock (writing the lock) reports the label at once', async () => {
    const { root, lockPath } = await lockedCopy('folder');
    writeFileSync(join(root, 'square', 'sq00.png'), 'changed');
    const error = await errorOf(
      openTestSet({ root, classNames: ['dark', 'diagonal'], lockPath, writingLock: true }),
    );
    expect(error).not.toBeInstanceOf(LockMismatchError);
    expect(error.message).toMatch(/label 'square'/);
  });
});

describe('the default lock of an .npz is named after it', () => {
  function twoArchives(): string {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-npz-'));
    cpSync(join(TESTSETS, 'arrays.npz'), join(dir, 'digits-test.npz'));
    cpSync(join(TESTSETS, 'arrays.npz'), join(dir, 'digits-val.npz'));
    return dir;
  }

  it('digits-test.npz -> digits-test.evalgate.lock.json beside it; a folder keeps <folder>/evalgate.lock.json', () => {
    const dir = twoArchives();
    expect(defaultLockPath(join(dir, 'digits-test.npz'))).toBe(join(dir, 'digits-test.evalgate.lock.json'));
    expect(defaultLockPath(join(dir, 'digits-val.npz'))).toBe(join(dir, 'digits-val.evalgate.lock.json'));
    const folder = copyTestSet('folder');
    expect(defaultLockPath(folder)).toBe(join(folder, 'evalgate.lock.json'));
  });

  it('two .npz files in one folder each pass against a lock of their own', async () => {
    const dir = twoArchives();
    for (const name of ['digits-test.npz', 'digits-val.npz']) {
      const root = join(dir, name);
      const testSet = await openTestSet({ root, classNames: CLASSES });
      await writeLock(defaultLockPath(root), await createLock(testSet, CLASSES, '0.1.0'));
    }
    for (const name of ['digits-test.npz', 'digits-val.npz']) {
      const root = join(dir, name);
      const lockPath = resolveLockPath({ lock: undefined, downloaded: false, testSetRoot: root });
      expect(lockPath).toBe(defaultLockPath(root));
      const testSet = await openTestSet({ root, classNames: CLASSES, lockPath });
      await expect(
        checkLock({ lockPath, pinned: false, testSet, classNames: CLASSES }),
      ).resolves.toMatchObject({
        locked: true,
      });
    }
  });

  it('an old evalgate.lock.json beside the .npz still works when it locks that file', async () => {
    const dir = twoArchives();
    const root = join(dir, 'digits-test.npz');
    const testSet = await openTestSet({ root, classNames: CLASSES });
    await writeLock(join(dir, 'evalgate.lock.json'), await createLock(testSet, CLASSES, '0.1.0'));
    const lockPath = resolveLockPath({ lock: undefined, downloaded: false, testSetRoot: root });
    expect(lockPath).toBe(join(dir, 'evalgate.lock.json'));
    await expect(checkLock({ lockPath, pinned: false, testSet, classNames: CLASSES })).resolves.toMatchObject(
      {
        locked: true,
      },
    );
  });

  it('an old evalgate.lock.json that locks the other .npz gets a migration message, not a file diff', async () => {
    const dir = twoArchives();
    const other = await openTestSet({ root: join(dir, 'digits-val.npz'), classNames: CLASSES });
    await writeLock(join(dir, 'evalgate.lock.json'), await createLock(other, CLASSES, '0.1.0'));
    const root = join(dir, 'digits-test.npz');
    const lockPath = resolveLockPath({ lock: undefined, downloaded: false, testSetRoot: root });
    const testSet = await openTestSet({ root, classNames: CLASSES, lockPath });
    const error = await errorOf(checkLock({ lockPath, pinned: false, testSet, classNames: CLASSES }));
    expect(error.code).toBe('E_LOCK_MISMATCH');
    expect(error.message).toContain('belongs to digits-val.npz, not to digits-test.npz');
    expect(error.hint).toContain('evalgate lock digits-test.npz');
    expect(error.hint).toContain('digits-test.evalgate.lock.json');
    expect(error.hint).toContain('digits-val.evalgate.lock.json');
  });
});

describe('resolveManifestPath', () => {
  function layout() {
    const base = mkdtempSync(join(tmpdir(), 'evalgate-manifest-'));
    const testSetRoot = join(base, 'data', 'test');
    mkdirSync(testSetRoot, { recursive: true });
    return { base, testSetRoot };
  }

  it('resolves against the base (the config folder), like every other relative path', () => {
    const { base, testSetRoot } = layout();
    writeFileSync(join(testSetRoot, 'm.csv'), 'path,label\n');
    expect(resolveManifestPath({ manifest: 'data/test/m.csv', base, testSetRoot, where: 'x' })).toBe(
      join(testSetRoot, 'm.csv'),
    );
  });

  it('keeps a bare name that exists only inside the test-set folder working', () => {
    const { base, testSetRoot } = layout();
    writeFileSync(join(testSetRoot, 'm.csv'), 'path,label\n');
    expect(resolveManifestPath({ manifest: 'm.csv', base, testSetRoot, where: 'x' })).toBe(
      join(testSetRoot, 'm.csv'),
    );
  });

  it('refuses a name that exists in both places as different files, naming both', () => {
    const { base, testSetRoot } = layout();
    writeFileSync(join(testSetRoot, 'm.csv'), 'path,label\n');
    writeFileSync(join(base, 'm.csv'), 'path,label\n');
    let error: unknown;
    try {
      resolveManifestPath({ manifest: 'm.csv', base, testSetRoot, where: 'evalgate.yml:7' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const input = error as InputError;
    expect(input.where).toBe('evalgate.yml:7');
    expect(input.message).toContain(join(base, 'm.csv'));
    expect(input.message).toContain(join(testSetRoot, 'm.csv'));
    expect(input.hint).toContain('"data/test/m.csv"');
  });
});
