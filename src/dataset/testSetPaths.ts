/** File-name rules shared by the test-set readers and the lock. */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The lock file's default name; never part of a test set's files, wherever it sits. */
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

/** Where `evalgate lock <test-set>` writes the lock by default: inside the folder, or beside the file. */
export function defaultLockPath(root: string): string {
  return join(filesBase(root), LOCK_FILE_NAME);
}
