import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/types.js';
import { copyExample, exampleDir, runCli, writeConfig } from '../../helpers/cli.js';

describe('evalgate lock', () => {
  it('reproduces the committed lock of the example test set byte for byte in its digest', async () => {
    const dir = copyExample();
    // The example is a manifest test set (path,label,ink): its config names the manifest and classes.
    const result = await runCli(['lock', '--config', 'evalgate.yml', '--out', 'new.lock.json'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fresh = JSON.parse(readFileSync(path.join(dir, 'new.lock.json'), 'utf8'));
    const committed = JSON.parse(
      readFileSync(path.join(exampleDir, 'test-set', 'evalgate.lock.json'), 'utf8'),
    );
    expect(fresh.digest).toBe(committed.digest);
    expect(fresh.files).toEqual(committed.files);
    expect(result.stdout).toContain(committed.digest);
  });

  it('takes the test set, classes and lock path from a config', async () => {
    const dir = copyExample();
    const result = await runCli(['lock', '--config', 'evalgate.yml'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(path.join('test-set', 'evalgate.lock.json'));
  });

  it('needs a test set', async () => {
    const result = await runCli(['lock'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/which test set/);
  });
});

describe('evalgate compare', () => {
  /** A real, self-consistent candidate report: the example's regressed model ('8' loses 9 of 52 samples). */
  async function regressedReport(dir: string): Promise<string> {
    const run = await runCli(
      [
        'run',
        '--config',
        'evalgate.yml',
        '--model',
        'model-regressed.onnx',
        '--no-baseline',
        '--out',
        'cand',
      ],
      dir,
    );
    expect(run.code).toBe(0);
    return path.join('cand', 'report.json');
  }

  it('fails a candidate report whose class recall dropped significantly, exit 1', async () => {
    const dir = copyExample();
    const candidate = await regressedReport(dir);
    const result = await runCli(['compare', 'baseline.json', candidate, '--out', 'cmp'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("recall of '8' dropped");
    expect(readFileSync(path.join(dir, 'cmp', 'comment.md'), 'utf8')).toContain('regressed');
  });

  it('passes identical reports, exit 0, and honours --max-recall-drop', async () => {
    const dir = copyExample();
    expect((await runCli(['compare', 'baseline.json', 'baseline.json'], dir)).code).toBe(0);
    const candidate = await regressedReport(dir);
    expect((await runCli(['compare', 'baseline.json', candidate], dir)).code).toBe(1);
    // '8' dropped by 0.173: a tolerance of 0.2 allows it.
    const tolerant = await runCli(['compare', 'baseline.json', candidate, '--max-recall-drop', '0.2'], dir);
    expect(tolerant.code).toBe(0);
    const bad = await runCli(['compare', 'baseline.json', 'baseline.json', '--max-recall-drop', 'two'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-recall-drop must be a number between 0 and 1, got 'two'");
  });

  it('refuses a hand-edited report whose recall disagrees with its counts, exit 2', async () => {
    const dir = copyExample();
    const edited = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as Report;
    edited.classes[4].recall = (edited.classes[4].recall ?? 0) - 0.1;
    writeFileSync(path.join(dir, 'candidate.json'), JSON.stringify(edited));
    const result = await runCli(['compare', 'baseline.json', 'candidate.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('classes[4].recall must equal');
  });

  it('refuses a file that is not a report', async () => {
    const dir = copyExample();
    const result = await runCli(['compare', 'evalgate.yml', 'baseline.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/evalgate\.yml.*not valid JSON/);
  });
});

describe('evalgate (top level)', () => {
  it('prints help for each command and exits 0', async () => {
    for (const command of ['run', 'lock', 'compare']) {
      const result = await runCli([command, '--help'], exampleDir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: evalgate ${command}`);
    }
  });

  it('suggests the nearest command for a typo', async () => {
    const result = await runCli(['rnu'], exampleDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'evalgate run'");
  });
});

describe('evalgate lock --config with a missing test set', () => {
  it('says the test set is missing (exit 2), not an internal error', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('path: test-set\n', 'path: missing-set\n'));
    const result = await runCli(['lock', '--config', 'evalgate.yml'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing-set: test set not found/);
  });
});

describe('flags that name a URL', () => {
  it('refuses a URL passed as --model, asking for the config with its sha256', async () => {
    const result = await runCli(['run', '--model', 'https://example.test/m.onnx'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'https://example.test/m.onnx' is a URL; --model takes a local path");
  });
});
