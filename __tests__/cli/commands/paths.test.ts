/**
 * Paths (issue 9, item 12): test-set.manifest resolves against the config's folder like every other
 * relative path (a bare name inside the test-set folder still works); each .npz has a lock of its
 * own; `run --lock`; and `compare` reads ./evalgate.yml as `run` does, so both give one verdict.
 *
 * The configs are written here, over the example's image folder and models, so that the tests do
 * not depend on how the bundled example's evalgate.yml is set up.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, repoRoot, runCli, IMAGE_FOLDER_CONFIG } from '../../helpers/cli.js';

/** `path,label` for every image of the example's class folders, paths relative to the test set. */
function manifestText(testSet: string): string {
  const rows = ['path,label'];
  for (const label of readdirSync(testSet)
    .filter((name) => /^\d$/.test(name))
    .sort()) {
    for (const file of readdirSync(path.join(testSet, label)).sort()) rows.push(`${label}/${file},${label}`);
  }
  return `${rows.join('\n')}\n`;
}

function withManifest(setting: string): { dir: string; config: string } {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'test-set', 'm.csv'), manifestText(path.join(dir, 'test-set')));
  const config = IMAGE_FOLDER_CONFIG.replace(
    '  path: test-set\n',
    `  path: test-set\n  manifest: ${setting}\n`,
  );
  writeFileSync(path.join(dir, 'my.yml'), config);
  return { dir, config };
}

describe('test-set.manifest', () => {
  it("resolves against the config's folder, like test-set.path", async () => {
    const { dir } = withManifest('test-set/m.csv');
    const locked = await runCli(['lock', '--config', 'my.yml'], dir);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const run = await runCli(['run', '--config', 'my.yml', '--no-baseline', '--out', 'out'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('from a config in another folder, too', async () => {
    const { dir } = withManifest('test-set/m.csv');
    mkdirSync(path.join(dir, 'ci'));
    const config = IMAGE_FOLDER_CONFIG.replace('path: model.onnx', 'path: ../model.onnx').replace(
      '  path: test-set\n',
      '  path: ../test-set\n  manifest: ../test-set/m.csv\n',
    );
    writeFileSync(path.join(dir, 'ci', 'evalgate.yml'), config);
    expect((await runCli(['lock', '--config', 'ci/evalgate.yml'], dir)).code).toBe(0);
    const run = await runCli(['run', '--config', 'ci/evalgate.yml', '--no-baseline', '--out', 'out'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a bare name that exists inside the test-set folder keeps working', async () => {
    const { dir } = withManifest('m.csv');
    expect((await runCli(['lock', '--config', 'my.yml'], dir)).code).toBe(0);
    const run = await runCli(['run', '--config', 'my.yml', '--no-baseline', '--out', 'out'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a name found both beside the config and in the test-set folder, as different files, is an error naming both', async () => {
    const { dir } = withManifest('m.csv');
    writeFileSync(path.join(dir, 'm.csv'), 'path,label\n0/digit-0010.png,0\n');
    const run = await runCli(['run', '--config', 'my.yml', '--no-baseline'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`evalgate: my.yml:9: test-set.manifest 'm.csv' names two different files`);
    expect(run.stderr).toContain(path.join(dir, 'm.csv'));
    expect(run.stderr).toContain(path.join(dir, 'test-set', 'm.csv'));
    expect(run.stderr).toContain('"test-set/m.csv"');
  });
});

describe('the lock of an .npz is named after it', () => {
  it('evalgate lock writes one lock per .npz of a folder, and run checks each against its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-npz-'));
    const fixture = path.join(repoRoot, '__tests__', '__fixtures__', 'testsets', 'arrays.npz');
    cpSync(fixture, path.join(dir, 'digits-test.npz'));
    cpSync(fixture, path.join(dir, 'digits-val.npz'));
    for (const name of ['digits-test', 'digits-val']) {
      const result = await runCli(['lock', `${name}.npz`, '--classes', 'dark,diagonal,square'], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote:  ${name}.evalgate.lock.json`);
    }
    expect(existsSync(path.join(dir, 'digits-test.evalgate.lock.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'digits-val.evalgate.lock.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'evalgate.lock.json'))).toBe(false);
  });
});

describe('evalgate run --lock', () => {
  it('checks the test set against the lock it names, wherever it is', async () => {
    const dir = copyExample();
    writeFileSync(path.join(dir, 'my.yml'), IMAGE_FOLDER_CONFIG);
    const locked = await runCli(['lock', '--config', 'my.yml', '--out', 'locks/digits.lock.json'], dir);
    expect(locked.code).toBe(0);
    rmSync(path.join(dir, 'test-set', 'evalgate.lock.json'), { force: true });
    const run = await runCli(
      ['run', '--config', 'my.yml', '--lock', 'locks/digits.lock.json', '--no-baseline', '--out', 'out'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const missing = await runCli(
      ['run', '--config', 'my.yml', '--lock', 'nope.lock.json', '--no-baseline'],
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${path.join(dir, 'nope.lock.json')}: lock file not found`);
  });

  it('is listed in the help', async () => {
    expect((await runCli(['run', '--help'], copyExample())).stdout).toContain('--lock <file>');
  });
});

describe('evalgate compare reads ./evalgate.yml as evalgate run does', () => {
  // Non-default gates: a per-class tolerance of 20 points lets the regressed class (8, -17.3 points)
  // pass, and a minimum accuracy. The default gates (2 points) would fail it.
  const gates = `gates:
  per-class-recall:
    max-drop: 0.2
  accuracy:
    min: 0.8
`;

  async function twoReports(dir: string): Promise<{ runOut: string; runCode: number }> {
    writeFileSync(path.join(dir, 'evalgate.yml'), `${IMAGE_FOLDER_CONFIG}${gates}`);
    expect((await runCli(['lock', '--config', 'evalgate.yml'], dir)).code).toBe(0);
    const base = await runCli(['run', '--no-baseline', '--out', 'base'], dir);
    expect(base.code).toBe(0);
    const run = await runCli(
      ['run', '--model', 'model-regressed.onnx', '--baseline', 'base/report.json', '--out', 'cand'],
      dir,
    );
    return { runOut: run.stdout, runCode: run.code };
  }

  /** The verdict text `run` prints, without the lines naming its output files. */
  const verdictOf = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => !/^(report|comment): /.test(line))
      .join('\n');

  it('gives the same verdict text and exit code on the same two reports', async () => {
    const dir = copyExample();
    const { runOut, runCode } = await twoReports(dir);
    const compare = await runCli(['compare', 'base/report.json', 'cand/report.json'], dir);
    expect(compare.stderr).toBe('');
    expect(compare.code).toBe(runCode);
    expect(compare.stdout).toBe(verdictOf(runOut));
    expect(runCode).toBe(0); // the configured tolerance, not the default one
  });

  it('without ./evalgate.yml it uses the default gates, which judge these reports otherwise', async () => {
    const dir = copyExample();
    await twoReports(dir);
    rmSync(path.join(dir, 'evalgate.yml'));
    const compare = await runCli(['compare', 'base/report.json', 'cand/report.json'], dir);
    expect(compare.code).toBe(1);
  });

  it('refuses an ./evalgate.yml whose classes are not the reports', async () => {
    const dir = copyExample();
    await twoReports(dir);
    writeFileSync(path.join(dir, 'evalgate.yml'), IMAGE_FOLDER_CONFIG.replace("'8', '9']", "'8', 'nine']"));
    const compare = await runCli(['compare', 'base/report.json', 'cand/report.json'], dir);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain("the candidate report's classes are not the classes of evalgate.yml");
    expect(compare.stderr).toContain('pass --config <file>');
  });
});
