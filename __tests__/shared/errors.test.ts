// The error codes are a contract: each is documented in docs/errors.md, each throw site of an
// InputError names one, and describeError prints it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describeError,
  ErrorCodes,
  errorCodeOf,
  errorRecord,
  EvalgateError,
  ExitCode,
  exitCodeOf,
  fileAccessError,
  InputError,
  InternalError,
} from '../../src/shared/errors.js';
import { sourceFiles, callsOf } from '../helpers/sourceScan.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The rows of docs/errors.md's table: code -> exit code. */
function documentedCodes(): Map<string, number> {
  const page = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of page.matchAll(/^\|\s*`(E_[A-Z_]+)`\s*\|\s*(\d)\s*\|([^|]+)\|([^|]+)\|/gm)) {
    expect(match[3]?.trim(), `${match[1]} has a meaning`).not.toBe('');
    expect(match[4]?.trim(), `${match[1]} says what to do`).not.toBe('');
    rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}

describe('error codes', () => {
  it('are all documented in docs/errors.md with their exit code, and the page lists no other', () => {
    const rows = documentedCodes();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ErrorCodes).sort());
    for (const [code, exit] of rows) {
      const exits3 = code === 'E_INTERNAL' || code === 'E_GITHUB_UNAVAILABLE';
      expect(exit, code).toBe(exits3 ? ExitCode.internal : ExitCode.badInput);
    }
  });

  it('give each error class a default that the details can override', () => {
    expect(new InputError('x').code).toBe('E_INPUT');
    expect(new InputError('x', { code: 'E_LOCK_MISMATCH' }).code).toBe('E_LOCK_MISMATCH');
    const internal = new InternalError('broken invariant');
    expect([internal.code, internal.exitCode, internal instanceof EvalgateError]).toEqual([
      'E_INTERNAL',
      ExitCode.internal,
      true,
    ]);
    expect(errorCodeOf(new TypeError('boom'))).toBe('E_INTERNAL');
    expect(exitCodeOf(new TypeError('boom'))).toBe(ExitCode.internal);
  });

  it('name every InputError thrown in src/ with a code from the set', () => {
    const known = new Set(Object.keys(ErrorCodes));
    const missing: string[] = [];
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const call of callsOf(text, 'new InputError(')) {
        // `details`: an error rebuilt from another thread's, with the code it carried.
        if (!/\bcode\s*:|, details\)$/.test(call.text))
          missing.push(`${path.relative(repoRoot, file)}:${call.line}`);
      }
      // Every code written as a literal is one of the set (a typo would not compile, but strings
      // in plain objects would).
      for (const match of text.matchAll(/code: '(E_[A-Z_]+)'/g)) {
        expect(known.has(match[1]!), `${path.relative(repoRoot, file)}: ${match[1]}`).toBe(true);
      }
    }
    expect(missing).toEqual([]);
  });

  it('let no core module build an internal error by hand (InternalError carries E_INTERNAL)', () => {
    const offenders = sourceFiles(path.join(repoRoot, 'src')).filter((file) =>
      /new EvalgateError\([^;]*ExitCode\.internal/s.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('describeError and errorRecord', () => {
  it('end the message with the code, after the location and hint', () => {
    const error = new InputError('the test set does not match its lock', {
      code: 'E_LOCK_MISMATCH',
      where: 'data/test',
      hint: 'run evalgate lock',
    });
    expect(describeError(error)).toBe(
      'data/test: the test set does not match its lock\nhint: run evalgate lock\ncode: E_LOCK_MISMATCH',
    );
    expect(describeError(error, { code: false })).toBe(
      'data/test: the test set does not match its lock\nhint: run evalgate lock',
    );
    expect(describeError(new Error('boom')).split('\n').at(-1)).toBe('code: E_INTERNAL');
  });

  it('record an error as { code, message, where, hint } for verdict.json', () => {
    expect(
      errorRecord(new InputError('bad', { code: 'E_CONFIG_INVALID', where: 'evalgate.yml:3:1' })),
    ).toEqual({
      code: 'E_CONFIG_INVALID',
      message: 'bad',
      where: 'evalgate.yml:3:1',
    });
    expect(errorRecord(new RangeError('oops'))).toEqual({
      code: 'E_INTERNAL',
      message: 'internal error: oops',
    });
  });

  it('tell a missing file from an unreadable one', () => {
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const eacces = Object.assign(new Error('denied'), { code: 'EACCES' });
    expect(fileAccessError(enoent, 'a.txt', { failed: 'cannot read' }).code).toBe('E_FILE_NOT_FOUND');
    expect(fileAccessError(eacces, 'a.txt', { failed: 'cannot read' }).code).toBe('E_FILE_ACCESS');
  });
});
