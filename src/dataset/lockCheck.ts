/**
 * Which lock a run checks, and the check itself: the test set's identity (digest) and whether it is
 * fixed (locked by a lock file, or pinned by the sha256 of a download).
 */
import { computeDigest, type FileHasher, readLock, verifyLock } from './lock.js';
import { defaultLockPath } from './testSetPaths.js';
import type { TestSet } from './types.js';

export interface LockPathOptions {
  /** The configured lock: a path, null for `lock: none`, undefined for the default. */
  lock: string | null | undefined;
  /** Whether the test set was downloaded by URL (then its sha256 pin fixes it). */
  downloaded: boolean;
  /** Folder of the test set, where the default lock lives. */
  testSetRoot: string;
}

/**
 * The lock to check: the configured one, else the default inside the test set; none for
 * `lock: none`, and none for a downloaded test set without one, which its sha256 pin already fixes.
 */
export function resolveLockPath({ lock, downloaded, testSetRoot }: LockPathOptions): string | undefined {
  if (lock === null) return undefined;
  if (lock !== undefined) return lock;
  return downloaded ? undefined : defaultLockPath(testSetRoot);
}

export interface CheckLockOptions {
  /** From resolveLockPath; undefined = no lock to check. */
  lockPath: string | undefined;
  /** Whether a download pinned by sha256 fixes the test set (when there is no lock). */
  pinned: boolean;
  testSet: TestSet;
  classNames: string[];
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
  const { digest } = await verifyLock(lock, testSet, { classNames: options.classNames, hasher, lockPath });
  return { digest, locked: true };
}
