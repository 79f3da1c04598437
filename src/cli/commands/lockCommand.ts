/** `evalgate lock`: hash every file of a test set and write its lock file. */
import { type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/loadConfig.js';
import { createLock, writeLock } from '../../dataset/lock.js';
import { openTestSet } from '../../dataset/openTestSet.js';
import { classFolderNames } from '../../dataset/readImageFolder.js';
import { defaultLockPath, resolveManifestPath } from '../../dataset/testSetPaths.js';
import { ExitCode, fileAccessError, InputError } from '../../shared/errors.js';
import { countOf } from '../../shared/plural.js';
import { TOOL_VERSION } from '../../shared/version.js';
import { parseCommandArgs } from '../args.js';
import type { CommandContext } from './context.js';

export const LOCK_HELP = `Usage: evalgate lock [<test-set>] [options]

Writes the lock file of a test set: the sha256 and size of every file, the per-class counts and
a root digest. Commit it: \`evalgate run\` refuses a test set that differs from its lock.

Arguments:
  <test-set>                 image folder (one sub-folder per class), folder with a manifest,
                             folder with x.npy/y.npy, or an .npz file

Options:
  --config <file>            take the test set, manifest, classes and lock path from this config
  --manifest <file>          manifest CSV/JSONL inside the test-set folder (path,label,...);
                             relative to this folder, or a name inside the test-set folder
  --classes <a,b,c>          class names in model-output order (default for image folders:
                             the sub-folder names, sorted)
  --out <file>               where to write the lock (default: <folder>/evalgate.lock.json;
                             for an .npz, <name>.evalgate.lock.json beside it)
  -h, --help                 show this help`;

export async function lockCommand(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'lock',
    argv,
    {
      config: { type: 'string' },
      manifest: { type: 'string' },
      classes: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    context.stdout(LOCK_HELP);
    return ExitCode.passed;
  }
  if (positionals.length > 1) {
    throw new InputError(
      `'evalgate lock' takes one test set, got ${positionals.length}: ${positionals.join(' ')}`,
      { code: 'E_USAGE' },
    );
  }

  let root: string;
  let manifest: string | undefined;
  let classNames: string[];
  let lockPath: string | undefined = values.out ? path.resolve(context.cwd, values.out) : undefined;
  if (values.config) {
    const config = loadConfig(path.resolve(context.cwd, values.config), {
      cwd: context.cwd,
      testSet: positionals[0],
    });
    if (config.testSet.source.kind !== 'path') {
      throw new InputError('evalgate lock needs a local test set; download and unpack it first', {
        code: 'E_USAGE',
        where: values.config,
      });
    }
    root = config.testSet.source.path;
    checkTestSetPath(root);
    manifest = values.manifest
      ? manifestFromFlag(values.manifest, context.cwd, root)
      : config.testSet.manifest;
    classNames = values.classes ? splitClasses(values.classes) : config.classes;
    if (!lockPath && config.testSet.lock) lockPath = config.testSet.lock;
  } else {
    if (positionals.length === 0) {
      throw new InputError('which test set? give its folder, or --config <evalgate.yml>', {
        code: 'E_USAGE',
        hint: 'evalgate lock examples/digits/test-set',
      });
    }
    root = path.resolve(context.cwd, positionals[0]);
    checkTestSetPath(root);
    manifest = values.manifest ? manifestFromFlag(values.manifest, context.cwd, root) : undefined;
    classNames = values.classes ? splitClasses(values.classes) : inferClassesFromFolders(root, manifest);
  }

  const target = lockPath ?? defaultLockPath(root);
  const testSet = await openTestSet({ root, manifest, classNames, lockPath: target, writingLock: true });
  const lock = await createLock(testSet, classNames, TOOL_VERSION);
  await writeLock(target, lock);
  context.stdout(
    `locked ${countOf(lock.samples, 'sample')} in ${countOf(lock.files.length, 'file')} (${countOf(classNames.length, 'class', 'classes')})\n` +
      `digest: ${lock.digest}\n` +
      `wrote:  ${path.relative(context.cwd, target) || target}`,
  );
  return ExitCode.passed;
}

/** --manifest is a path as typed (from the working folder); a bare name inside the test set still works. */
function manifestFromFlag(value: string, cwd: string, root: string): string {
  return resolveManifestPath({ manifest: value, base: cwd, testSetRoot: root, where: '--manifest' });
}

function splitClasses(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InputError('--classes lists no class', { code: 'E_USAGE' });
  return names;
}

/** A test set given on the command line is a folder or an .npz file, and it exists. */
function checkTestSetPath(root: string): void {
  let info: Stats;
  try {
    info = statSync(root);
  } catch (error) {
    throw fileAccessError(error, root, {
      notFound: 'test set not found',
      failed: 'cannot read the test set',
      hint: 'give the test-set folder (one sub-folder per class, a manifest, or x.npy/y.npy) or an .npz file',
    });
  }
  if (info.isFile() && !/\.npz$/i.test(root)) {
    throw new InputError('not a test set: this is a file, not a folder or an .npz archive', {
      code: 'E_TEST_SET_INVALID',
      where: root,
      hint: 'give the folder that holds the test set (for a manifest: the folder, with --manifest <file>)',
    });
  }
}

/** Class folders of an image-folder test set, sorted (torchvision's ImageFolder order). */
function inferClassesFromFolders(root: string, manifest: string | undefined): string[] {
  if (manifest || /\.npz$/i.test(root)) {
    throw new InputError(
      'give the class names with --classes a,b,c (or --config): they cannot be inferred here',
      {
        code: 'E_USAGE',
        where: root,
      },
    );
  }
  const folders = classFolderNames(root);
  if (folders.length === 0) {
    throw new InputError('no class folders found: an image-folder test set has one sub-folder per class', {
      code: 'E_TEST_SET_INVALID',
      where: root,
      hint: 'for arrays or a manifest, pass --classes a,b,c',
    });
  }
  return folders;
}
