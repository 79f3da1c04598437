/**
 * Which lock a run checks, and the check itself: the test set's identity (digest) and whether it is
 * fixed (locked by a lock file, or pinned by the sha256 of a download).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../shared/errors.js';
import { computeDigest, type FileHasher, readLock, verifyLock } from './lock.js';
import { archiveLockName, defaultLockPath, legacyLockPath } from './testSetPaths.js';
import type { LockFile, TestSet } from './types.js';

export interface LockPathOptions {
  /** The configured lock: a path, null for `lock: none`, undefined for the default. */
  lock: string | null | undefined;
  /** Whether the test set was downloaded by URL (then its sha256 pin fixes it). */
  downloaded: boolean;
  /** Folder of the test set, where the default lock lives. */
  testSetRoot: string;
}

/**
 * The lock to check: the configured one, else the default (inside a folder, or named after an
 * .npz beside it); none for `lock: none`, and none for a downloaded test set without one, which its
 * sha256 pin already fixes. An .npz whose own lock is absent falls back to the `evalgate.lock.json`
 * beside it, its default name before locks were named after the file (checkLock makes sure that
 * lock is this file's).
 */
export function resolveLockPath({ lock, downloaded, testSetRoot }: LockPathOptions): string | undefined {
  if (lock === null) return undefined;
  if (lock !== undefined) return lock;
  if (downloaded) return undefined;
  const own = defaultLockPath(testSetRoot);
  const legacy = legacyLockPath(testSetRoot);
  return legacy !== undefined && !existsSync(own) && existsSync(legacy) ? legacy : own;
}

export interface CheckLockOptions {
  /** From resolveLockPath; undefined = no lock to check. */
  lockPath: string | undefined;
  /** Whether a download pinned by sha256 fixes the test set (when there is no lock). */
  pinned: boolean;
  testSet: TestSet;
  /** The class list, checked against the lock's; omitted, only the files are compared. */
  classNames?: string[];
  hasher?: FileHasher;
}

/** Verifies the test set against its lock (throws on a mismatch); returns its digest and whether it is fixed. */
export async function checkLock(options: CheckLockOptions): Promise<{ digest: string; locked: boolean }> {
  const { lockPath, testSet, hasher } = options;
  if (lockPath === undefined) {
    // A download pinned by sha256 is as fixed as a locked folder.
    return { digest: await computeDigest(testSet, hasher), locked: options.pinned };
  }
  const lock = await readLock(lockPath);
  refuseOtherArchiveLock(lock, testSet, lockPath);
  const { digest } = await verifyLock(lock, testSet, { classNames: options.classNames, hasher, lockPath });
  return { digest, locked: true };
}

/**
 * An `evalgate.lock.json` beside an .npz that locks another .npz of the folder: written when every
 * .npz of a folder shared that one default name. Said as such, with the way to a lock of its own,
 * rather than as a file-by-file mismatch.
 */
function refuseOtherArchiveLock(lock: LockFile, testSet: TestSet, lockPath: string): void {
  if (testSet.format !== 'arrays' || lock.format !== 'arrays' || testSet.files.length !== 1) return;
  const name = testSet.files[0];
  const locked = lock.files.map((entry) => entry.path);
  if (locked.length !== 1 || locked[0] === name || !/\.npz$/i.test(locked[0])) return;
  const own = defaultLockPath(testSet.root);
  throw new InputError(
    `the lock ${lockPath} belongs to ${locked[0]}, not to ${name}: each .npz has a lock of its own, named after it`,
    {
      code: 'E_LOCK_MISMATCH',
      where: testSet.root,
      hint:
        `run \`evalgate lock ${name}\` to write ${basename(own)}, and rename ${basename(lockPath)} to ` +
        `${archiveLockName(locked[0])} if ${locked[0]} still uses it; or name the lock with test-set.lock or --lock`,
    },
  );
}
