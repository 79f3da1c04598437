/**
 * The folder layers of src/ (docs/contributing.md, "Layers"): a folder imports only folders below
 * it, so there are no cycles between folders, and the core never reaches the adapters. A new
 * folder fails here until it is given its place.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sourceScan.js';

const srcRoot = path.resolve(import.meta.dirname, '../../src');

/**
 * Bottom to top. Folders of one rank may not import each other; each imports only lower ranks.
 * github/ is beside the core: it may import shared/ only, and only the action adapter imports it.
 */
const RANK: Record<string, number> = {
  shared: 0,
  stats: 1,
  metrics: 2,
  evaluation: 3,
  runtime: 4,
  dataset: 5,
  modalities: 6,
  config: 7,
  artifacts: 8,
  report: 9,
  compare: 10,
  stress: 10,
  perf: 10,
  render: 11,
  pipeline: 12,
  cli: 13,
  action: 13,
};
const ADAPTERS = new Set(['cli', 'action']);

interface Import {
  file: string;
  from: string;
  to: string;
  specifier: string;
}

/** The top folder under src/ of a file, or `(root)` for src/index.ts and the like. */
function folderOf(file: string): string {
  const parts = path.relative(srcRoot, file).split(path.sep);
  return parts.length === 1 ? '(root)' : parts[0];
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    const target = path.resolve(path.dirname(file), match[1]);
    const from = folderOf(file);
    const to = folderOf(target);
    if (from !== to) found.push({ file: path.relative(srcRoot, file), from, to, specifier: match[1] });
  }
  return found;
}

const allImports = sourceFiles(srcRoot).flatMap(importsOf);

function describeImports(imports: Import[]): string[] {
  return imports.map((i) => `${i.file} imports ${i.specifier} (${i.from} -> ${i.to})`);
}

describe('folder layers of src/', () => {
  it('gives every folder of src/ a layer', () => {
    const folders = readdirSync(srcRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const unplaced = folders.filter((folder) => !(folder in RANK) && folder !== 'github');
    expect(unplaced, 'add new folders to RANK in this test and to docs/contributing.md').toEqual([]);
  });

  it('has no folder that imports a folder of its own layer or above it', () => {
    const upward = allImports.filter(
      (i) => i.from in RANK && i.to in RANK && RANK[i.to] >= RANK[i.from] && !ADAPTERS.has(i.from),
    );
    expect(describeImports(upward)).toEqual([]);
  });

  it('keeps the core free of the adapters and of the GitHub clients', () => {
    const intoAdapters = allImports.filter(
      (i) => i.from !== '(root)' && !ADAPTERS.has(i.from) && (ADAPTERS.has(i.to) || i.to === 'github'),
    );
    expect(describeImports(intoAdapters)).toEqual([]);
  });

  it('keeps the two adapters apart: the CLI never imports the action, nor the action the CLI', () => {
    const across = allImports.filter((i) => ADAPTERS.has(i.from) && ADAPTERS.has(i.to));
    expect(describeImports(across)).toEqual([]);
  });

  it('lets github/ import only the shared helpers', () => {
    const fromGithub = allImports.filter((i) => i.from === 'github' && i.to !== 'shared');
    expect(describeImports(fromGithub)).toEqual([]);
  });

  it('keeps shared/ a leaf that imports nothing of ours', () => {
    expect(describeImports(allImports.filter((i) => i.from === 'shared'))).toEqual([]);
  });

  it('keeps @actions and @octokit packages in the adapters and github/', () => {
    const offenders = sourceFiles(srcRoot)
      .filter((file) => !['action', 'github', '(root)'].includes(folderOf(file)))
      .filter((file) => /from\s+['"]@(actions|octokit)\//.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(srcRoot, file));
    expect(offenders).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of allImports) {
      if (!edges.has(i.from)) edges.set(i.from, new Set());
      edges.get(i.from)!.add(i.to);
    }
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (trail.includes(next)) cycles.push([...trail.slice(trail.indexOf(next)), next].join(' -> '));
        else visit(next, [...trail, next]);
      }
    };
    for (const node of edges.keys()) visit(node, [node]);
    expect(cycles).toEqual([]);
  });

  it('keeps the core free of hidden inputs: no process.env, process.cwd() or home folder outside the adapters', () => {
    const offenders = sourceFiles(srcRoot)
      .filter((file) => !['action', 'cli', '(root)'].includes(folderOf(file)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${path.relative(srcRoot, file)}:${i + 1}` }))
          // Comments may name them (to say that the adapters pass them in); code may not read them.
          .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line))
          .filter(({ line }) => /\bprocess\.env\b|\bprocess\.cwd\(|\bhomedir\(/.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps the config defaults pure values: their module loads no parser or schema', () => {
    const text = readFileSync(path.join(srcRoot, 'config/defaults.ts'), 'utf8');
    const valueImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+['"]([^'"]+)['"]/gm)].map(
      (m) => m[1],
    );
    expect(valueImports).toEqual([]);
  });
});
