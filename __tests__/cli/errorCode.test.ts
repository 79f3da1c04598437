// The CLI ends every error message with the error's stable code (docs/errors.md).
import { describe, expect, it } from 'vitest';
import { copyExample, runCli } from '../helpers/cli.js';

describe('evalgate error codes', () => {
  it('prints the code of a missing config file as the last line, with exit code 2', async () => {
    const result = await runCli(['run', '--config', 'missing.yml'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').at(-1)).toBe('evalgate: code: E_FILE_NOT_FOUND');
  });

  it('prints E_USAGE for an unknown command', async () => {
    const result = await runCli(['rnu'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/did you mean 'evalgate run'/);
    expect(result.stderr.split('\n').at(-1)).toBe('evalgate: code: E_USAGE');
  });
});
