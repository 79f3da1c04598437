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
 * removed and changed files and stops (LockMismatchError, exit code 2).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { compareCodeUnits, filesBase } from './testSetPaths.js';
import type { LockEntry, LockFile, TestSet } from './types.js';

export const LOCK_SCHEMA = 'evalgate.lock/v1';

/** Files hashed at once: enough to keep a disk busy, few enough to stay far from file-handle limits. */
const HASH_CONCURRENCY = 8;

/** Files listed per kind of change in a mismatch message before "and N more". */
const LIST_LIMIT = 20;

const LOCK_HINT =
  'if the change is intended, run `evalgate lock <test-set>` and commit the new lock; otherwise restore the files';

export class LockMismatchError extends InputError {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];

  constructor(added: string[], removed: string[], changed: string[], where: string, extra: string[] = []) {
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
    parts.push(...extra);
    super(`the test set does not match its lock\n${parts.join('\n')}`, { where, hint: LOCK_HINT });
    this.added = added;
    this.removed = removed;
    this.changed = changed;
  }
}

/** sha256 (hex) and size of one file, streamed so large files never sit in memory. */
async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Hashes every file of the test set, in `files` order, a few at a time. */
async function hashEntries(testSet: TestSet): Promise<LockEntry[]> {
  const base = filesBase(testSet.root);
  const paths = [...testSet.files].sort(compareCodeUnits);
  const entries: LockEntry[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const file = join(base, paths[i]);
      try {
        entries[i] = { path: paths[i], ...(await hashFile(file)) };
      } catch (error) {
        throw new InputError(
          `cannot read test-set file (${(error as NodeJS.ErrnoException).code ?? error})`,
          {
            where: file,
            cause: error,
          },
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, paths.length) }, worker));
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

/** Builds the lock of a test set: hashes every file of `testSet.files`. */
export async function createLock(
  testSet: TestSet,
  classNames: string[],
  toolVersion: string,
): Promise<LockFile> {
  const files = await hashEntries(testSet);
  const lock: LockFile = {
    schema: LOCK_SCHEMA,
    digest: digestOfEntries(files),
    format: testSet.format,
    ...(testSet.manifest !== undefined ? { manifest: testSet.manifest } : {}),
    files,
    classCounts: classCounts(testSet, classNames),
    samples: testSet.samples.length,
    createdBy: `evalgate ${toolVersion}`,
  };
  return lock;
}

/** Digest of an unlocked test set (`lock: none`): the same value a lock would record. */
export async function computeDigest(testSet: TestSet): Promise<string> {
  return digestOfEntries(await hashEntries(testSet));
}

/** Writes the lock as stable, diff-friendly JSON (2-space indent, trailing newline). */
export async function writeLock(path: string, lock: LockFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`, 'utf8');
}

const lockSchema = z.object({
  schema: z.literal(LOCK_SCHEMA),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  format: z.enum(['image-folder', 'manifest', 'arrays']),
  manifest: z.string().optional(),
  files: z.array(
    z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }),
  ),
  classCounts: z.record(z.string(), z.number().int().min(0)),
  samples: z.number().int().min(0),
  createdBy: z.string(),
});

/** Reads and validates a lock file; anything else is an InputError naming the file and the problem. */
export async function readLock(path: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'lock file not found' : `cannot read the lock file (${code})`, {
      where: path,
      hint: 'run `evalgate lock <test-set>` and commit the lock, or set test-set.lock: none to run unlocked',
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `not an evalgate lock file: invalid JSON (${error instanceof Error ? error.message : error})`,
      {
        where: path,
        hint: 'regenerate it with `evalgate lock <test-set>`',
      },
    );
  }
  const parsed = lockSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new InputError(`not an evalgate lock file (schema ${LOCK_SCHEMA}): ${issue.message}${at}`, {
      where: path,
      hint: 'regenerate it with `evalgate lock <test-set>`',
    });
  }
  const lock = parsed.data as LockFile;
  if (digestOfEntries(lock.files) !== lock.digest) {
    throw new InputError(
      'the lock file is inconsistent: its digest does not match its file list (edited by hand?)',
      {
        where: path,
        hint: 'regenerate it with `evalgate lock <test-set>`',
      },
    );
  }
  return lock;
}

/**
 * Checks the test set against its lock. Returns the digest when every file matches; otherwise throws
 * LockMismatchError listing added, removed and changed files. With `classNames`, per-class counts are
 * compared too: for array test sets the labels are indices, so a reordered class list changes the
 * meaning of unchanged files.
 */
export async function verifyLock(
  lock: LockFile,
  testSet: TestSet,
  classNames?: string[],
): Promise<{ digest: string }> {
  const where = testSet.root;
  const locked = new Map(lock.files.map((e) => [e.path, e]));
  const current = new Set(testSet.files);
  const added = testSet.files.filter((p) => !locked.has(p)).sort(compareCodeUnits);
  const removed = lock.files
    .map((e) => e.path)
    .filter((p) => !current.has(p))
    .sort(compareCodeUnits);

  // Hash only files the lock knows (an added file is a mismatch whatever its content).
  const known: TestSet = { ...testSet, files: testSet.files.filter((p) => locked.has(p)) };
  const entries = await hashEntries(known);
  const changed = entries
    .filter((e) => {
      const l = locked.get(e.path)!;
      return l.sha256 !== e.sha256 || l.size !== e.size;
    })
    .map((e) => e.path);

  const extra: string[] = [];
  if (lock.format !== testSet.format)
    extra.push(`format: the lock is for a ${lock.format} test set, this is ${testSet.format}`);
  if (classNames && added.length === 0 && removed.length === 0 && changed.length === 0) {
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
    throw new LockMismatchError(added, removed, changed, where, extra);
  }
  return { digest: digestOfEntries(entries) };
}
