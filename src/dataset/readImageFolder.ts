/**
 * Image-folder test sets: one sub-folder per class, the folder name being the class name (the layout of
 * torchvision's ImageFolder). Class folders may hold nested folders; every .png/.jpg/.jpeg file (any
 * letter case) below a class folder is a sample of that class.
 *
 * What is skipped, and what is an error (documented in docs/config.md, "Test sets and the lock file"):
 * - hidden entries (names starting with '.', such as .DS_Store or .git) are skipped everywhere;
 * - the lock file (`evalgate.lock.json`, or the configured lock path) is skipped wherever it sits;
 * - files directly in the root that are not images (README.md, labels.txt) are not samples and are
 *   ignored; an image directly in the root has no class and is an error;
 * - any other file inside a class folder is an error naming the file: a test set never loses a sample
 *   silently;
 * - a folder whose name is not a class is an error; a class without a folder is allowed (the metrics
 *   report it as absent).
 *
 * Symbolic links are followed, as ImageFolder does; a link whose target is missing, a link loop (a
 * folder linking to one of the folders above it), or any other file-system error is an error naming
 * the path.
 *
 * Samples are sorted by id (the path relative to the root, '/'-separated) for determinism.
 */
import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileAccessError, fileErrorReason, InputError } from '../shared/errors.js';
import { classIndex, unknownLabelError } from './classLabels.js';
import { decodeImage } from './decodeImage.js';
import { compareCodeUnits, isHiddenName, isImageFileName, LOCK_FILE_NAME } from './testSetPaths.js';
import type { DecodedImage, TestSet, TestSetSample } from './types.js';

export interface ReadImageFolderOptions {
  root: string;
  classNames: string[];
  /** Absolute path of the lock file, when it sits inside the root under another name. */
  lockPath?: string;
  /**
   * Receives the error of a folder that is not a class instead of throwing it, so that the caller
   * can check the lock first; that folder's files stay in `files` but give no samples.
   */
  onUnknownLabel?: (error: InputError) => void;
}

/** Directory test from a readdir entry; symlinks are followed (one stat), as ImageFolder does. */
function isDirectory(entry: Dirent, path: string): boolean {
  if (!entry.isSymbolicLink()) return entry.isDirectory();
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw fileSystemError(error, path);
  }
}

/** Lists a folder; a file-system error becomes an InputError naming it. */
function listFolder(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/** The canonical path of a folder, to recognise it when a link leads back to it. */
function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch (error) {
    throw fileSystemError(error, folder);
  }
}

/** An error of the walk, for a person: what went wrong with `path` and what to do. */
function fileSystemError(error: unknown, path: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const [message, hint] =
    code === 'ENOENT'
      ? ['broken symbolic link: its target does not exist', 'remove the link or restore what it points to']
      : code === 'ELOOP'
        ? ['symbolic link loop: the link resolves to itself', 'remove the link or point it at a real folder']
        : code === 'EACCES' || code === 'EPERM'
          ? ['permission denied while listing the test set', 'make the test set readable by the runner']
          : [
              `cannot read the test set (${fileErrorReason(error)})`,
              'check that the test set is a readable folder',
            ];
  return new InputError(message, { code: 'E_TEST_SET_INVALID', where: path, hint, cause: error });
}

/**
 * Names of the class folders at the root (hidden entries skipped, links followed), sorted as
 * torchvision's ImageFolder sorts them; `evalgate lock` uses this when no class list is given.
 */
export function classFolderNames(root: string): string[] {
  return listFolder(root)
    .filter((entry) => !isHiddenName(entry.name) && isDirectory(entry, join(root, entry.name)))
    .map((entry) => entry.name)
    .sort(compareCodeUnits);
}

/** Image-folder samples have no slices; one shared frozen object keeps 50,000 samples light. */
const NO_SLICES: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function readImageFolder(options: ReadImageFolderOptions): TestSet {
  const root = resolve(options.root);
  const lockPath = options.lockPath ? resolve(options.lockPath) : undefined;
  const labels = classIndex(options.classNames);
  const samples: TestSetSample[] = [];
  /** Files of folders that are not classes (only with onUnknownLabel): in the lock's view, not samples. */
  const unlabelled: string[] = [];

  const skip = (name: string, abs: string) =>
    isHiddenName(name) || name === LOCK_FILE_NAME || abs === lockPath;

  // Canonical paths of the folders from the root down to the one being listed: a link that resolves
  // to one of them would make the walk go round forever (`cat/loop -> ..`).
  const ancestors = new Set<string>([realFolder(root)]);

  const walk = (folder: string, relative: string, label: number) => {
    const real = realFolder(folder);
    if (ancestors.has(real)) {
      throw new InputError('symbolic link loop: this link leads back to a folder that contains it', {
        code: 'E_TEST_SET_INVALID',
        where: folder,
        hint: `remove the link (it resolves to ${real}); a test set must be a tree`,
      });
    }
    ancestors.add(real);
    for (const entry of listFolder(folder)) {
      const name = entry.name;
      const abs = join(folder, name);
      if (skip(name, abs)) continue;
      const id = `${relative}/${name}`;
      if (isDirectory(entry, abs)) {
        walk(abs, id, label);
      } else if (isImageFileName(name)) {
        if (label < 0) unlabelled.push(id);
        else samples.push({ id, label, slices: NO_SLICES });
      } else {
        throw new InputError('not a PNG or JPEG file inside a class folder', {
          code: 'E_TEST_SET_INVALID',
          where: abs,
          hint: 'remove the file or move it out of the test set (hidden files, starting with ".", are ignored)',
        });
      }
    }
    ancestors.delete(real);
  };

  for (const entry of listFolder(root)) {
    const name = entry.name;
    const abs = join(root, name);
    if (skip(name, abs)) continue;
    if (isDirectory(entry, abs)) {
      const label = labels.get(name);
      if (label === undefined) {
        const error = unknownLabelError(name, `folder ${name}/`, options.classNames, abs);
        if (!options.onUnknownLabel) throw error;
        options.onUnknownLabel(error);
      }
      walk(abs, name, label ?? -1);
    } else if (isImageFileName(name)) {
      throw new InputError('image directly in the test-set folder has no class', {
        code: 'E_TEST_SET_INVALID',
        where: abs,
        hint: 'put every image in a sub-folder named after its class (for example cat/001.png)',
      });
    }
    // Other top-level files (README.md, labels.txt) are documentation, not samples.
  }

  samples.sort((a, b) => compareCodeUnits(a.id, b.id));
  const files =
    unlabelled.length === 0
      ? samples.map((s) => s.id)
      : [...samples.map((s) => s.id), ...unlabelled].sort(compareCodeUnits);

  return {
    format: 'image-folder',
    root,
    files,
    samples,
    sliceColumns: [],
    decode(index: number): DecodedImage {
      return decodeImageFile(join(root, samples[index].id));
    },
    sampleFile(index: number): string {
      return join(root, samples[index].id);
    },
  };
}

/** Reads and decodes one image file; errors name the file (used by every file-based reader and the decode workers). */
export function decodeImageFile(file: string): DecodedImage {
  return decodeImage(readImageBytes(file), file);
}

/** Reads an image file; a file that vanished or cannot be read is an InputError naming it. */
export function readImageBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw fileAccessError(error, file, {
      notFound: 'image file not found',
      failed: 'cannot read image file',
      hint: 'the test set changed while evalgate was reading it, or the file is not readable',
    });
  }
}
