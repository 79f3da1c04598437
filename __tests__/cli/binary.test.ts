// Runs the committed bundle through bin/evalgate.js as a user's shell would: real process, real exit codes.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, repoRoot } from '../helpers/cli.js';

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

describe('bin/evalgate.js with decode workers', () => {
  it('passes a decode error from a worker thread back as exit 2 naming the file', () => {
    const dir = copyExample();
    const victim = path.join(dir, 'test-set', '7', readdirSync(path.join(dir, 'test-set', '7'))[3]);
    writeFileSync(victim, 'not a png at all');
    writeFileSync(
      path.join(dir, 'evalgate.yml'),
      readFileSync(path.join(dir, 'evalgate.yml'), 'utf8').replace(
        'lock: test-set/evalgate.lock.json',
        'lock: none',
      ),
    );
    const result = evalgate(['run', '--no-baseline', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(path.basename(victim));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives the same report as decoding on the main thread', async () => {
    const dir = copyExample();
    expect(evalgate(['run', '--no-baseline', '--out', 'workers'], dir).status).toBe(0);
    const { runCli } = await import('../helpers/cli.js');
    expect((await runCli(['run', '--no-baseline', '--out', 'main-thread'], dir)).code).toBe(0);
    const a = JSON.parse(readFileSync(path.join(dir, 'workers', 'report.json'), 'utf8'));
    const b = JSON.parse(readFileSync(path.join(dir, 'main-thread', 'report.json'), 'utf8'));
    expect(a.samples).toEqual(b.samples);
    expect(a.confusionMatrix).toEqual(b.confusionMatrix);
    expect(a.testSet.digest).toBe(b.testSet.digest);
    expect(a.settings.decodeWorkers).toBeGreaterThanOrEqual(1);
    expect(b.settings.decodeWorkers).toBe(0);
  });

  it('does not print a stack trace when its reader closes the pipe early', () => {
    const dir = copyExample();
    const result = spawnSync('bash', ['-c', `node ${JSON.stringify(bin)} run --out out | head -1`], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.stdout.trim()).toMatch(/^evalgate: PASSED/);
    expect(result.stderr).not.toContain('EPIPE');
  });
});
