/**
 * The lock file (`evalgate.lock.json`): sha256 and size of every file of a test set, per-class sample
 * counts, and a root digest that identifies the test set in reports.
 *
 * Root digest = sha256 over one line per file, sorted by path (code-unit order):
 *     `<sha256 hex>  <size in bytes>  <path>\n`
 * written as `sha256:<hex>`. The lines resemble `sha256sum` output, so the digest can be recomputed with
 * shell tools; sizes make a truncated file obvious in a diff of two locks.
 *
 * A run verifies the test set against its lock before anything else and, on a mismatch, names the added,
 * removed and changed files and the lock file used, and stops (LockMismatchError, exit code 2).
 *
 * The lock also records the class list in order: array test sets store labels as class indices, so a
 * reordered class list changes what unchanged files mean (locks written before this field existed
 * are still accepted, and checked by per-class counts only).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hashFile } from '../shared/hashFile.js';
import { z } from 'zod';
import { errorMessage, fileAccessError, InputError } from '../shared/errors.js';
import { formatClassList } from './classLabels.js';
import { compareCodeUnits, filesBase } from './testSetPaths.js';
import type { LockEntry, LockFile, TestSet } from './types.js';

export const LOCK_SCHEMA = 'evalgate.lock/v1';

/** Files listed per kind of change in a mismatch message before "and N more". */
const LIST_LIMIT = 20;

/** What to do about a mismatch; names the lock to rewrite when it is known. */
function lockHint(lockPath: string | undefined): string {
  const out = lockPath ? ` --out ${lockPath}` : '';
  return `if the change is intended, run \`evalgate lock <test-set>${out}\` and commit the new lock; otherwise restore the files`;
}

export interface LockMismatchDetails {
  /** Other differences, one paragraph each (format, class list, class counts). */
  extra?: string[];
  /** The lock file the test set was checked against, named in the message. */
  lockPath?: string;
  /** Replaces the default hint (regenerate the lock or restore the files). */
  hint?: string;
}

export class LockMismatchError extends InputError {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly lockPath?: string;

  constructor(
    added: string[],
    removed: string[],
    changed: string[],
    where: string,
    details: LockMismatchDetails = {},
  ) {
    const parts: string[] = [];
    const section = (title: string, paths: string[]) => {
      if (paths.length === 0) return;
      const shown = paths.slice(0, LIST_LIMIT).map((p) => `  ${p}`);
      if (paths.length > LIST_LIMIT) shown.push(`  ... and ${paths.length - LIST_LIMIT} more`);
      parts.push(`${title} (${paths.length}):\n${shown.join('\n')}`);
    };
    section('added', added);
    section('removed', removed);
    section('changed', changed);
    parts.push(...(details.extra ?? []));
    const lock = details.lockPath ? ` ${details.lockPath}` : '';
    super(`the test set does not match its lock${lock}\n${parts.join('\n')}`, {
      code: 'E_LOCK_MISMATCH',
      where,
      hint: details.hint ?? lockHint(details.lockPath),
    });
    this.added = added;
    this.removed = removed;
    this.changed = changed;
    this.lockPath = details.lockPath;
  }
}

export type FileHash = { sha256: string; size: number };

/** Hashes absolute paths, in order; the decode pool provides a parallel one. */
export type FileHasher = (files: string[]) => Promise<FileHash[]>;

/** Files hashed per step of the lock check: bounds memory, and lets a parallel hasher share them out. */
const HASH_CHUNK = 4096;

/**
 * Hashes files one after the other, in order. Sequential on purpose: hashFile reads files up to
 * 4 MiB synchronously, so running several at once on one thread would gain nothing; parallelism
 * comes from the decode pool's workers (a FileHasher), which each call this on their share.
 */
export async function hashFiles(files: string[]): Promise<FileHash[]> {
  const hashes: FileHash[] = [];
  for (const file of files) hashes.push(await hashTestSetFile(file));
  return hashes;
}

/** hashFile with an InputError that names an unreadable test-set file. */
async function hashTestSetFile(file: string): Promise<FileHash> {
  try {
    return await hashFile(file);
  } catch (error) {
    throw fileAccessError(error, file, { failed: 'cannot read test-set file' });
  }
}

/**
 * Hashes every file of the test set, in `files` order (already sorted by code unit: the TestSet
 * contract, which every reader keeps), a chunk at a time through `hasher`.
 */
async function hashEntries(testSet: TestSet, hasher: FileHasher = hashFiles): Promise<LockEntry[]> {
  const base = filesBase(testSet.root);
  const paths = testSet.files;
  const entries: LockEntry[] = [];
  for (let start = 0; start < paths.length; start += HASH_CHUNK) {
    const chunk = paths.slice(start, start + HASH_CHUNK);
    const hashes = await hasher(chunk.map((path) => join(base, path)));
    chunk.forEach((path, k) => {
      entries.push({ path, sha256: hashes[k].sha256, size: hashes[k].size });
    });
  }
  return entries;
}

/** Root digest over entries (sorted here by path), `sha256:<hex>`. */
export function digestOfEntries(entries: LockEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareCodeUnits(a.path, b.path));
  const hash = createHash('sha256');
  for (const e of sorted) hash.update(`${e.sha256}  ${e.size}  ${e.path}\n`, 'utf8');
  return `sha256:${hash.digest('hex')}`;
}

function classCounts(testSet: TestSet, classNames: string[]): Record<string, number> {
  const counts = new Array<number>(classNames.length).fill(0);
  for (const s of testSet.samples) counts[s.label]++;
  const out: Record<string, number> = {};
  classNames.forEach((name, i) => {
    out[name] = counts[i];
  });
  return out;
}

/** Builds the lock of a test set: hashes every file of `testSet.files` (through `hasher` when given). */
export async function createLock(
  testSet: TestSet,
  classNames: string[],
  toolVersion: string,
  hasher?: FileHasher,
): Promise<LockFile> {
  const files = await hashEntries(testSet, hasher);
  const lock: LockFile = {
    schema: LOCK_SCHEMA,
    digest: digestOfEntries(files),
    format: testSet.format,
    ...(testSet.manifest !== undefined ? { manifest: testSet.manifest } : {}),
    files,
    classNames: [...classNames],
    classCounts: classCounts(testSet, classNames),
    samples: testSet.samples.length,
    createdBy: `evalgate ${toolVersion}`,
  };
  return lock;
}

/** Digest of an unlocked test set (`lock: none`): the same value a lock would record. */
export async function computeDigest(testSet: TestSet, hasher?: FileHasher): Promise<string> {
  return digestOfEntries(await hashEntries(testSet, hasher));
}

/** Writes the lock as stable, diff-friendly JSON (2-space indent, trailing newline), creating its folder. */
export async function writeLock(path: string, lock: LockFile): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`, 'utf8');
  } catch (error) {
    throw fileAccessError(error, path, {
      failed: 'cannot write the lock file',
      hint: 'choose a writable location with --out <file>',
    });
  }
}

const lockSchema = z.object({
  schema: z.literal(LOCK_SCHEMA),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  format: z.enum(['image-folder', 'manifest', 'arrays']),
  manifest: z.string().optional(),
  // Entries are checked by isLockEntry below: zod would copy 50,000 of them to validate them.
  files: z.array(z.unknown()),
  // Absent in locks written before the class order was recorded.
  classNames: z.array(z.string()).optional(),
  classCounts: z.record(z.string(), z.number().int().min(0)),
  samples: z.number().int().min(0),
  createdBy: z.string(),
});

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isLockEntry(value: unknown): value is LockEntry {
  const entry = value as LockEntry;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.path === 'string' &&
    typeof entry.sha256 === 'string' &&
    SHA256_HEX.test(entry.sha256) &&
    Number.isInteger(entry.size) &&
    entry.size >= 0
  );
}

/** Reads and validates a lock file; anything else is an InputError naming the file and the problem. */
export async function readLock(path: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileAccessError(error, path, {
      notFound: 'lock file not found',
      failed: 'cannot read the lock file',
      hint: 'run `evalgate lock <test-set>` and commit the lock, or set test-set.lock: none to run unlocked',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not an evalgate lock file: invalid JSON (${errorMessage(error)})`, {
      code: 'E_LOCK_INVALID',
      where: path,
      hint: 'regenerate it with `evalgate lock <test-set>`',
    });
  }
  const parsed = lockSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new InputError(`not an evalgate lock file (schema ${LOCK_SCHEMA}): ${issue.message}${at}`, {
      code: 'E_LOCK_INVALID',
      where: path,
      hint: 'regenerate it with `evalgate lock <test-set>`',
    });
  }
  const badEntry = parsed.data.files.findIndex((entry) => !isLockEntry(entry));
  if (badEntry >= 0) {
    throw new InputError(
      `not an evalgate lock file (schema ${LOCK_SCHEMA}): files.${badEntry} needs path, sha256 (64 hex) and size`,
      { code: 'E_LOCK_INVALID', where: path, hint: 'regenerate it with `evalgate lock <test-set>`' },
    );
  }
  const lock = parsed.data as LockFile;
  if (digestOfEntries(lock.files) !== lock.digest) {
    throw new InputError(
      'the lock file is inconsistent: its digest does not match its file list (edited by hand?)',
      {
        code: 'E_LOCK_INVALID',
        where: path,
        hint: 'regenerate it with `evalgate lock <test-set>`',
      },
    );
  }
  return lock;
}

export interface VerifyLockOptions {
  /** The configured class list, checked against the lock's (and its per-class counts). */
  classNames?: string[];
  /** Hashes files in parallel (the decode pool); hashFiles on this thread otherwise. */
  hasher?: FileHasher;
  /** The lock file read, named in messages. */
  lockPath?: string;
}

/**
 * Checks the test set against its lock. Returns the digest when every file matches; otherwise throws
 * LockMismatchError listing added, removed and changed files. With `classNames`, the class list is
 * checked too: for array test sets the labels are indices, so a reordered class list changes the
 * meaning of unchanged files. It must equal the recorded list when the lock has one, and per-class
 * counts must match in any case. `lockPath` (the lock file read) is named in the message.
 */
export async function verifyLock(
  lock: LockFile,
  testSet: TestSet,
  options: VerifyLockOptions = {},
): Promise<{ digest: string }> {
  const { classNames, hasher, lockPath } = options;
  const where = testSet.root;
  const base = filesBase(testSet.root);
  // A merge walk over both sorted path lists finds added and removed files and hashes the common
  // ones one at a time: no map or entry array of the whole test set (50,000 files) is built. When
  // nothing differs, the digest is the lock's own (readLock checked it against the lock's entries).
  const lockedFiles = isSortedByPath(lock.files)
    ? lock.files
    : [...lock.files].sort((a, b) => compareCodeUnits(a.path, b.path));
  const currentFiles = testSet.files; // sorted by code unit (TestSet contract)
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  // Files in both lists are hashed a chunk at a time (in parallel when a hasher is given).
  let chunk: LockEntry[] = [];
  const checkChunk = async () => {
    const files = chunk.map((entry) => join(base, entry.path));
    const hashes = await (hasher ?? hashFiles)(files);
    chunk.forEach((entry, k) => {
      if (hashes[k].sha256 !== entry.sha256 || hashes[k].size !== entry.size) changed.push(entry.path);
    });
    chunk = [];
  };
  let i = 0;
  let j = 0;
  while (i < lockedFiles.length || j < currentFiles.length) {
    const order =
      i === lockedFiles.length
        ? 1
        : j === currentFiles.length
          ? -1
          : compareCodeUnits(lockedFiles[i].path, currentFiles[j]);
    if (order < 0) {
      removed.push(lockedFiles[i++].path);
    } else if (order > 0) {
      added.push(currentFiles[j++]);
    } else {
      chunk.push(lockedFiles[i++]);
      j++;
      if (chunk.length === HASH_CHUNK) await checkChunk();
    }
  }
  await checkChunk();

  const extra: string[] = [];
  let hint: string | undefined;
  if (lock.format !== testSet.format)
    extra.push(`format: the lock is for a ${lock.format} test set, this is ${testSet.format}`);
  const orderDifference =
    classNames && lock.classNames && testSet.format === 'arrays'
      ? firstDifference(lock.classNames, classNames)
      : null;
  if (orderDifference) {
    extra.push(
      `class list: the labels of an array test set are class indices, and the class list differs from the locked one: ${orderDifference}`,
    );
    hint =
      `restore the class order of the lock (${formatClassList(lock.classNames!)}), or, if the labels were ` +
      `rewritten for the new order, run \`evalgate lock <test-set>${lockPath ? ` --out ${lockPath}` : ''}\` and commit the new lock`;
  } else if (classNames && added.length === 0 && removed.length === 0 && changed.length === 0) {
    const counts = classCounts(testSet, classNames);
    const names = [...new Set([...Object.keys(lock.classCounts), ...Object.keys(counts)])];
    const differing = names.filter((n) => (lock.classCounts[n] ?? 0) !== (counts[n] ?? 0));
    if (differing.length > 0) {
      const shown = differing
        .slice(0, LIST_LIMIT)
        .map((n) => `  ${n}: locked ${lock.classCounts[n] ?? 0}, now ${counts[n] ?? 0}`);
      extra.push(`class counts differ (was the class list changed or reordered?):\n${shown.join('\n')}`);
    }
  }
  if (added.length > 0 || removed.length > 0 || changed.length > 0 || extra.length > 0) {
    throw new LockMismatchError(added, removed, changed, where, { extra, lockPath, hint });
  }
  return { digest: lock.digest };
}

/** Where two class lists first differ, for a person; null when they are equal. */
function firstDifference(locked: string[], current: string[]): string | null {
  const length = Math.max(locked.length, current.length);
  for (let k = 0; k < length; k++) {
    if (locked[k] === current[k]) continue;
    const show = (name: string | undefined) => (name === undefined ? 'nothing' : `'${name}'`);
    return `class ${k} is ${show(locked[k])} in the lock but ${show(current[k])} now (locked order: ${formatClassList(locked)}; now: ${formatClassList(current)})`;
  }
  return null;
}

function isSortedByPath(entries: LockEntry[]): boolean {
  for (let k = 1; k < entries.length; k++) {
    if (compareCodeUnits(entries[k - 1].path, entries[k].path) > 0) return false;
  }
  return true;
}
