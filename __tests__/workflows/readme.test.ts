// The README's "Use it in a workflow" section must stay true to action.yml and to the example files:
// the inputs and outputs tables are generated (scripts/readme-action-tables.mjs) and checked here, and
// the minimal workflow shown is the example file itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = path.join(repoRoot, 'scripts', 'readme-action-tables.mjs');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

function tablesCheck(readmeFile: string, actionFile: string) {
  return spawnSync(process.execPath, [script, '--check', '--readme', readmeFile, '--action', actionFile], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
}

describe('README: Use it in a workflow', () => {
  it('has inputs and outputs tables that match action.yml', () => {
    const result = tablesCheck(path.join(repoRoot, 'README.md'), path.join(repoRoot, 'action.yml'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails the table check when action.yml gains an input the README does not list', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-readme-'));
    const action = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8').replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new:\n    description: An input nobody documented.\n    default: ""\n',
    );
    writeFileSync(path.join(dir, 'action.yml'), action);
    writeFileSync(path.join(dir, 'README.md'), readme);
    const result = tablesCheck(path.join(dir, 'README.md'), path.join(dir, 'action.yml'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the inputs table\(s\) differ from .*action\.yml/);
  });

  it('shows docs/examples/pr-gate.yml, unchanged, as the minimal workflow', () => {
    const match =
      /<!-- minimal-workflow:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- minimal-workflow:end -->/.exec(readme);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(readFileSync(path.join(repoRoot, 'docs', 'examples', 'pr-gate.yml'), 'utf8'));
  });

  it('links only example files that exist', () => {
    const links = [...readme.matchAll(/\]\((docs\/examples\/[^)#]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(6);
    for (const link of links) expect(existsSync(path.join(repoRoot, link)), link).toBe(true);
  });

  it('still starts with the two commands that run the demo and the tests', () => {
    expect(readme.startsWith('# evalgate\n\n```sh\nnpm ci && npm run demo\nnpm test\n```\n')).toBe(true);
  });
});
