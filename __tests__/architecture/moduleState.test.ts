// Module-level state outlives a call: a cache, a scratch buffer, a memo. Each one must be known,
// so docs/module-state.md lists every module-level `let` and every module-level Map, Set, WeakMap,
// WeakSet or typed array in src/, with what it holds, why it exists and what bounds its size.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles, topLevelStatements } from '../helpers/sourceScan.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const CONTAINER =
  /^(?:export\s+)?const\s+(\w+)\s*(?::[^=]+)?=\s*new\s+(?:Map|Set|WeakMap|WeakSet|\w+Array)\b/;
const LET = /^(?:export\s+)?let\s+([\s\S]+?)(?:;|$)/;

/** `module variable` for each piece of module-level state in src/. */
function moduleState(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
    const module = path.relative(repoRoot, file).split(path.sep).join('/');
    for (const statement of topLevelStatements(readFileSync(file, 'utf8'))) {
      const container = CONTAINER.exec(statement.text);
      if (container) found.push(`${module} ${container[1]}`);
      const declared = LET.exec(statement.text);
      if (declared) {
        for (const part of declared[1]!.split(',')) {
          const name = /^\s*(\w+)/.exec(part)?.[1];
          if (name) found.push(`${module} ${name}`);
        }
      }
    }
  }
  return found.sort();
}

/** `module variable` for each row of docs/module-state.md's table. */
function documented(): string[] {
  const page = readFileSync(path.join(repoRoot, 'docs', 'module-state.md'), 'utf8');
  return [...page.matchAll(/^\|\s*`(src\/[^`]+)`\s*\|\s*`(\w+)`\s*\|([^|]+)\|([^|]+)\|([^|]+)\|/gm)].map(
    (m) => {
      for (const cell of [m[3], m[4], m[5]]) expect(cell?.trim(), `${m[1]} ${m[2]}`).not.toBe('');
      return `${m[1]} ${m[2]}`;
    },
  );
}

describe('module-level state', () => {
  it('finds module-level state the way the docs table names it', () => {
    expect(moduleState().length).toBeGreaterThan(0);
  });

  it('is all listed in docs/module-state.md, and the page lists nothing that is gone', () => {
    expect(documented().sort()).toEqual(moduleState());
  });
});
