/** File-name rules shared by the test-set readers and the lock. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { InputError } from '../shared/errors.js';

/**
 * The lock file's default name inside a test-set folder, and the ending of the default lock beside
 * an .npz (`digits-test.npz` -> `digits-test.evalgate.lock.json`); never part of a test set's files,
 * wherever it sits.
 */
export const LOCK_FILE_NAME = 'evalgate.lock.json';

/** Image files are recognised by extension when listing a folder; decoding then checks the bytes. */
const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;

export function isImageFileName(name: string): boolean {
  return IMAGE_EXTENSION.test(name);
}

/** Dotfiles and dot-folders (.DS_Store, .git, ._x.png from macOS) are never test-set content. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Orders paths by UTF-16 code units: the same order on every machine and locale (localeCompare is not),
 * so sample order, the lock and the digest are reproducible.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Folder that a test set's `files` are relative to: the root itself, or the folder holding it when the
 * root is a single file (an .npz).
 */
export function filesBase(root: string): string {
  return statSync(root).isFile() ? dirname(root) : root;
}

/**
 * Where the lock of a test set is by default: `evalgate.lock.json` inside a folder; beside an .npz,
 * named after it (`digits-test.npz` -> `digits-test.evalgate.lock.json`), so that two .npz files in
 * one folder have a lock each.
 */
export function defaultLockPath(root: string): string {
  if (!statSync(root).isFile()) return join(root, LOCK_FILE_NAME);
  return join(dirname(root), archiveLockName(basename(root)));
}

/** The default lock name of an .npz file: `digits-test.npz` -> `digits-test.evalgate.lock.json`. */
export function archiveLockName(fileName: string): string {
  return `${fileName.slice(0, fileName.length - extname(fileName).length)}.${LOCK_FILE_NAME}`;
}

/**
 * The lock an .npz had by default before locks were named after the file (`evalgate.lock.json`
 * beside it); still read when the new one is absent, if it locks this file. Undefined for folders.
 */
export function legacyLockPath(root: string): string | undefined {
  return statSync(root).isFile() ? join(dirname(root), LOCK_FILE_NAME) : undefined;
}

export interface ManifestPathOptions {
  /** test-set.manifest (or --manifest) as written. */
  manifest: string;
  /** What relative paths start from: the config file's folder (or the working folder, for a flag). */
  base: string;
  /** The local test-set folder. */
  testSetRoot: string;
  /** The setting, for the message when the name is ambiguous (`evalgate.yml:12`). */
  where: string;
}

/**
 * A manifest path resolves against `base`, as every other relative path does. A name that exists
 * only inside the test-set folder (`manifest: labels.csv` beside the images, the rule before) is
 * taken from there; when both exist and are different files, which one is meant cannot be known,
 * and it is an error that names both.
 */
export function resolveManifestPath(options: ManifestPathOptions): string {
  const fromBase = resolve(options.base, options.manifest);
  const inTestSet = resolve(options.testSetRoot, options.manifest);
  if (fromBase === inTestSet || !existsSync(inTestSet)) return fromBase;
  if (!existsSync(fromBase)) return inTestSet;
  if (realpathSync(fromBase) === realpathSync(inTestSet)) return fromBase;
  throw new InputError(
    `test-set.manifest '${options.manifest}' names two different files: ${fromBase} (from the config's folder) and ${inTestSet} (in the test-set folder)`,
    {
      code: 'E_CONFIG_INVALID',
      where: options.where,
      hint: `write the path from the config's folder to the one you mean, for example ${JSON.stringify(relative(options.base, inTestSet))}`,
    },
  );
}
