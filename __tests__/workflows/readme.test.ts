// The README is the front page and docs/ holds the reference; these tests keep both true. The README
// pins the two commands of a fresh clone, its minimal workflow (docs/examples/pr-gate.yml itself) and a
// minimal evalgate.yml that runs the bundled example; docs/action.md's inputs and outputs tables are
// generated from action.yml (scripts/readme-action-tables.mjs) and checked here; and every relative link
// of README.md and docs/*.md must lead to a file that exists, and with `#anchor`, to a heading in it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = path.join(repoRoot, 'scripts', 'readme-action-tables.mjs');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const actionDocs = path.join(repoRoot, 'docs', 'action.md');
const actionPage = readFileSync(actionDocs, 'utf8');

function tablesCheck(markdownFile: string, actionFile: string) {
  return spawnSync(process.execPath, [script, '--check', '--readme', markdownFile, '--action', actionFile], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
}

/** Markdown without fenced code blocks and HTML comments, whose text is not prose or links. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/<!--[\s\S]*?-->/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of withoutCode(readFileSync(file, 'utf8')).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(match[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** The relative link targets (links and images) of a markdown file, outside code. */
function relativeLinks(markdown: string): string[] {
  const prose = withoutCode(markdown).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

const docsDir = path.join(repoRoot, 'docs');
const pages = [
  path.join(repoRoot, 'README.md'),
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(docsDir, name)),
];

describe('docs/action.md: Use it in a workflow', () => {
  it('has inputs and outputs tables that match action.yml', () => {
    const result = tablesCheck(actionDocs, path.join(repoRoot, 'action.yml'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails the table check when action.yml gains an input the page does not list', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-readme-'));
    const action = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8').replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new:\n    description: An input nobody documented.\n    default: ""\n',
    );
    writeFileSync(path.join(dir, 'action.yml'), action);
    writeFileSync(path.join(dir, 'action.md'), actionPage);
    const result = tablesCheck(path.join(dir, 'action.md'), path.join(dir, 'action.yml'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the inputs table\(s\) differ from .*action\.yml/);
  });

  it('links only example files that exist', () => {
    const links = [...actionPage.matchAll(/\]\((examples\/[^)#]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(6);
    for (const link of links) expect(existsSync(path.join(docsDir, link)), link).toBe(true);
  });
});

describe('README', () => {
  it('shows the two commands that run the demo and the tests, in its first code block', () => {
    const first = /^```(\w*)\n([\s\S]*?)^```$/m.exec(readme);
    expect(first).not.toBeNull();
    expect(first![1]).toBe('sh');
    expect(first![2]).toBe('npm ci && npm run demo\nnpm test\n');
    expect(readme.indexOf('```')).toBe(first!.index);
  });

  it('shows docs/examples/pr-gate.yml, unchanged, as the minimal workflow', () => {
    const match =
      /<!-- minimal-workflow:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- minimal-workflow:end -->/.exec(readme);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(readFileSync(path.join(repoRoot, 'docs', 'examples', 'pr-gate.yml'), 'utf8'));
  });

  it('shows a picture of a verdict comment, a PNG of reasonable size', () => {
    expect(readme).toMatch(/!\[[^\]]+\]\(docs\/images\/verdict-comment\.png\)/);
    const png = path.join(repoRoot, 'docs', 'images', 'verdict-comment.png');
    expect(readFileSync(png).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(statSync(png).size).toBeLessThan(400_000);
  });

  it('has a minimal evalgate.yml that runs the bundled example, and passes', () => {
    const match = /### A minimal `evalgate\.yml`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme);
    expect(match).not.toBeNull();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-readme-config-'));
    const example = path.join(repoRoot, 'examples', 'digits');
    for (const name of ['model.onnx', 'test-set', 'baseline.json']) {
      cpSync(path.join(example, name), path.join(dir, name), { recursive: true });
    }
    writeFileSync(path.join(dir, 'evalgate.yml'), match![1]);
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'evalgate.js'), 'run', '--config', 'evalgate.yml', '--out', 'out'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'comment.md'), 'utf8')).toContain('passed');
  });
});

describe('README.md and docs/*.md: running the CLI', () => {
  // evalgate is not on the npm registry and the name there is someone else's: a bare `npx evalgate`
  // outside a project that installed it would fetch and run that package. The docs tell the user to
  // install evalgate into the project (docs/cli.md, "Install the CLI") and run that copy with
  // `npx --no-install evalgate`, which runs an installed bin or stops, and never installs.
  const cliPage = readFileSync(path.join(docsDir, 'cli.md'), 'utf8');

  /** Every `npx [flags] evalgate` and `npm exec|x [flags] evalgate` in a text, with its flags. */
  function npxCalls(text: string): Array<{ call: string; flags: string[] }> {
    return [...text.matchAll(/\b(npx|npm\s+(?:exec|x))((?:\s+-{1,2}[\w-]+(?:=\S+)?)*)\s+evalgate\b/g)].map(
      (m) => ({
        call: m[0],
        flags: m[2].trim().split(/\s+/).filter(Boolean),
      }),
    );
  }

  it('finds the calls, and tells a bare `npx evalgate` from `npx --no-install evalgate`', () => {
    expect(npxCalls('run `npx evalgate run` or npx --yes evalgate')).toEqual([
      { call: 'npx evalgate', flags: [] },
      { call: 'npx --yes evalgate', flags: ['--yes'] },
    ]);
    expect(npxCalls('npx --no-install evalgate lock; npm exec --no-install evalgate')).toHaveLength(2);
    expect(npxCalls(readme).length).toBeGreaterThanOrEqual(2);
    expect(npxCalls(cliPage).length).toBeGreaterThanOrEqual(5);
  });

  for (const page of pages) {
    it(`${path.relative(repoRoot, page)}: runs evalgate only as \`npx --no-install evalgate\``, () => {
      const bare = npxCalls(readFileSync(page, 'utf8')).filter(
        ({ call, flags }) => !call.startsWith('npx') || flags.join(' ') !== '--no-install',
      );
      expect(bare.map(({ call }) => call)).toEqual([]);
    });
  }

  it('says how to install the CLI: a release tarball, a local tarball and a git URL, with the CUDA download skipped', () => {
    const install = /## Install the CLI\n([\s\S]*?)\n## /.exec(cliPage)?.[1] ?? '';
    expect(install).toMatch(
      /npm install --save-dev https:\/\/github\.com\/OWNER\/evalgate\/releases\/download\/v[\d.]+\/evalgate-[\d.]+\.tgz/,
    );
    expect(install).toMatch(/npm install --save-dev \.\/evalgate-[\d.]+\.tgz/);
    expect(install).toMatch(
      /npm install --save-dev "git\+https:\/\/github\.com\/OWNER\/evalgate\.git#v[\d.]+"/,
    );
    expect(install).toContain('"allowScripts": { "onnxruntime-node": false }');
    expect(install).toContain('onnxruntime-node-install=skip');
    // The README sends the reader there before the first CLI command.
    const firstCall = readme.indexOf('npx --no-install evalgate');
    expect(readme.indexOf('(docs/cli.md#install-the-cli)')).toBeGreaterThan(-1);
    expect(readme.indexOf('(docs/cli.md#install-the-cli)')).toBeLessThan(firstCall);
  });
});

describe('README.md and docs/*.md: relative links', () => {
  it('finds the pages and their links', () => {
    expect(pages.map((page) => path.relative(repoRoot, page))).toEqual(
      expect.arrayContaining(['README.md', 'docs/action.md', 'docs/config.md', 'docs/statistics.md']),
    );
    expect(relativeLinks(readme).length).toBeGreaterThanOrEqual(10);
  });

  for (const page of pages) {
    it(`${path.relative(repoRoot, page)}: every relative link leads to a file, and every #anchor to a heading`, () => {
      const broken: string[] = [];
      for (const link of relativeLinks(readFileSync(page, 'utf8'))) {
        const [file, anchor] = link.split('#', 2);
        const target = file === '' ? page : path.resolve(path.dirname(page), decodeURIComponent(file));
        if (!existsSync(target)) broken.push(`${link}: no such file`);
        else if (anchor !== undefined && !(target.endsWith('.md') && anchors(target).has(anchor))) {
          broken.push(`${link}: no heading with that anchor`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
