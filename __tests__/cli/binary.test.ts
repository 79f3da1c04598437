// Runs the committed bundle through bin/evalgate.js as a user's shell would: real process, real exit codes.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, repoRoot } from './helpers.js';

const bin = path.join(repoRoot, 'bin', 'evalgate.js');

function evalgate(args: string[], cwd: string) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

describe('bin/evalgate.js', () => {
  it('exits 1 for the regressed example model and 0 for the retrained one', () => {
    const dir = copyExample();
    const good = evalgate(['run', '--out', 'good'], dir);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    const bad = evalgate(['run', '--model', 'model-regressed.onnx', '--out', 'bad'], dir);
    expect(bad.status).toBe(1);
  });

  it('exits 2 without a stack trace for a user mistake', () => {
    const result = evalgate(['run', '--config', 'missing.yml'], copyExample());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^evalgate: .*missing\.yml/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
