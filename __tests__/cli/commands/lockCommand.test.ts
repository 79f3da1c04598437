/**
 * `evalgate lock` and the test-set paths people give it (src/cli/commands/lockCommand.ts). Kept beside
 * the lock tests; the CLI's end-to-end lock tests are in __tests__/cli/lockAndCompare.test.ts.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/cli/commands/context.js';
import { lockCommand } from '../../../src/cli/commands/lockCommand.js';
import { InputError } from '../../../src/shared/errors.js';
import { TOOL_VERSION } from '../../../src/shared/version.js';
import { CLASSES, copyTestSet } from '../../helpers/datasetFixtures.js';

function context(cwd: string): CommandContext & { out: string[] } {
  const out: string[] = [];
  return {
    cwd,
    env: process.env,
    out,
    stdout: (line) => out.push(line),
    stderr: (line) => out.push(line),
    stderrStream: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream,
  };
}

async function lockError(argv: string[], cwd: string): Promise<InputError> {
  const error = await lockCommand(argv, context(cwd)).catch((e) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('evalgate lock: test-set paths', () => {
  it('says a file that is not an .npz is not a test set, rather than not found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lockcmd-'));
    writeFileSync(join(dir, 'data.csv'), 'path,label\n');
    const error = await lockError(['data.csv'], dir);
    expect(error.message).toMatch(/^not a test set: this is a file/);
    expect(error.where).toBe(join(dir, 'data.csv'));
  });

  it('says a missing test set is not found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-lockcmd-'));
    const error = await lockError(['nope'], dir);
    expect(error.message).toBe('test set not found');
    expect(error.where).toBe(join(dir, 'nope'));
  });

  it('refuses a broken symbolic link among the class folders, naming it', async () => {
    const root = copyTestSet('folder');
    symlinkSync(join(root, 'gone'), join(root, 'stale'));
    const error = await lockError([root], root);
    expect(error.message).toMatch(/broken symbolic link/);
    expect(error.where).toBe(join(root, 'stale'));
  });

  it('ignores hidden entries when inferring the classes, broken links included', async () => {
    const root = copyTestSet('folder');
    symlinkSync(join(root, 'gone'), join(root, '.stale'));
    const ctx = context(root);
    expect(await lockCommand([root], ctx)).toBe(0);
    const lock = JSON.parse(readFileSync(join(root, 'evalgate.lock.json'), 'utf8'));
    expect(lock.classNames).toEqual(CLASSES);
  });

  it('writes the lock into folders that do not exist yet, and records the tool version once', async () => {
    const root = copyTestSet('folder');
    const ctx = context(root);
    expect(await lockCommand([root, '--out', 'newdir/sub/l.json'], ctx)).toBe(0);
    const lock = JSON.parse(readFileSync(join(root, 'newdir', 'sub', 'l.json'), 'utf8'));
    expect(lock.samples).toBe(8);
    expect(lock.createdBy).toBe(`evalgate ${TOOL_VERSION}`);
    expect(ctx.out.join('\n')).toContain(join('newdir', 'sub', 'l.json'));
  });
});
