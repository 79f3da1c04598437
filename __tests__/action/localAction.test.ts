// Runs the action's TypeScript source through @github/local-action, GitHub's tool for running a
// JavaScript action on a workstation: it reads action.yml, loads the inputs from a .env file, replaces
// @actions/core with its own implementation and calls the exported run().
//
// @github/local-action is not a dependency of this repository (about 350 packages and 330 MB for one
// check that the dist/ end-to-end tests already cover more faithfully). This test runs where it is
// installed: in node_modules, or under the prefix named by LOCAL_ACTION_PREFIX, e.g.
//   npm install --prefix /tmp/local-action @github/local-action@7.0.1
//   LOCAL_ACTION_PREFIX=/tmp/local-action npx vitest run __tests__/action/localAction.test.ts
// and is skipped elsewhere. The .env it writes follows .env.example.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The folder whose node_modules holds @github/local-action and its tsx, if any. */
function localActionPrefix(): string | undefined {
  const candidates = [process.env.LOCAL_ACTION_PREFIX, repoRoot].filter((p): p is string => !!p);
  return candidates.find((prefix) =>
    existsSync(path.join(prefix, 'node_modules', '@github', 'local-action', 'src', 'index.ts')),
  );
}

const prefix = localActionPrefix();
// A skipped file says why in the test output (vitest itself only counts skipped tests).
const skipReason =
  'skipped: @github/local-action is not installed; `npm install --prefix /tmp/local-action @github/local-action@7.0.1` and set LOCAL_ACTION_PREFIX=/tmp/local-action';
if (prefix === undefined) console.warn(`localAction.test.ts: ${skipReason}`);

/** `.env.example`'s variables with the given overrides, written as a .env file. */
function writeEnv(dir: string, overrides: Record<string, string>): string {
  const variables = new Map<string, string>();
  for (const line of readFileSync(path.join(repoRoot, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z_-]+)=(.*)$/.exec(line);
    if (match) variables.set(match[1]!, match[2]!);
  }
  for (const [name, value] of Object.entries(overrides)) variables.set(name, value);
  const file = path.join(dir, '.env');
  writeFileSync(file, [...variables].map(([name, value]) => `${name}=${value}\n`).join(''));
  return file;
}

function runLocalAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-local-action-'));
  const example = path.join(dir, 'digits');
  cpSync(path.join(repoRoot, 'examples', 'digits'), example, { recursive: true });
  const summary = path.join(dir, 'summary.md');
  writeFileSync(summary, '');
  const env = writeEnv(dir, {
    'INPUT_WORKING-DIRECTORY': example,
    INPUT_CONFIG: 'evalgate.yml',
    'INPUT_OUTPUT-DIR': path.join(dir, 'out'),
    INPUT_COMMENT: 'false',
    GITHUB_STEP_SUMMARY: summary,
    ...inputs,
  });
  const modules = path.join(prefix!, 'node_modules');
  // What `local-action run` does, minus its `npm exec tsx` (which would ask the registry for tsx).
  const result = spawnSync(
    path.join(modules, '.bin', 'tsx'),
    [
      path.join(modules, '@github', 'local-action', 'src', 'index.ts'),
      'run',
      repoRoot,
      'src/action/run.ts',
      env,
    ],
    {
      cwd: repoRoot, // local-action finds our @actions/* packages with `npm ls` here
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        TARGET_ACTION_PATH: repoRoot,
        NODE_PACKAGE_MANAGER: 'npm',
        NODE_NO_WARNINGS: '1',
      },
    },
  );
  return { ...result, dir, summary: readFileSync(summary, 'utf8') };
}

describe.skipIf(prefix === undefined)(
  `the action run through @github/local-action${prefix === undefined ? ` (${skipReason})` : ''}`,
  () => {
    it('passes the example model, sets the outputs and writes the report and the job summary', () => {
      const run = runLocalAction({});
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('::set-output name=verdict::pass');
      expect(run.stdout).toContain('::set-output name=passed::true');
      const report = JSON.parse(readFileSync(path.join(run.dir, 'out', 'report.json'), 'utf8'));
      expect(report.schema).toBe('evalgate.report/v1');
      expect(run.summary).toContain('evalgate');
    });

    it('fails the regressed model with verdict fail and names class 8', () => {
      const run = runLocalAction({ INPUT_MODEL: 'model-regressed.onnx' });
      expect(run.stdout).toContain('::set-output name=verdict::fail');
      expect(run.stdout).toMatch(/::set-output name=regressions::.*"gate":"per-class-recall","subject":"8"/);
      expect(run.stdout).toMatch(/::error title=evalgate: per-class-recall::recall of '8'/);
    });
  },
);
