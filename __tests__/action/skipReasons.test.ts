// A test file that can be skipped says why in the test output: vitest itself prints only
// "↓ file (2 tests | 2 skipped)". Every file with a conditional or unconditional describe-level
// skip must also print a `console.warn` naming the reason ("skipped: …") when it skips, as
// localAction.test.ts (no @github/local-action) and renderCommentScreenshot.test.ts (no Chromium) do.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const testsDir = path.join(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('skipped test files', () => {
  it('print why they are skipped (a console.warn with "skipped:") wherever a whole describe can be skipped', () => {
    const silent = testFiles(testsDir).filter((file) => {
      const text = readFileSync(file, 'utf8');
      const skips = /\bdescribe\.(skipIf|runIf|skip)\s*\(/.test(text);
      return skips && !(text.includes('console.warn(') && text.includes('skipped: '));
    });
    expect(silent.map((file) => path.relative(testsDir, file))).toEqual([]);
  });
});
