/**
 * Reading TypeScript source as text, for tests that check conventions across src/ (error codes,
 * module-level state): the full text of calls, and the statements at a module's top level.
 * A small scanner that knows strings, template literals and comments; not a parser.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every .ts file below `dir`, depth first. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** Index just past the string, template literal or comment that starts at `i`, else `i`. */
function skipLiteral(text: string, i: number): number {
  const c = text[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === '`') return skipTemplate(text, i + 1);
  if (c === '/' && text[i + 1] === '/') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

function skipTemplate(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    if (text[j] === '\\') j += 2;
    else if (text[j] === '`') return j + 1;
    else if (text[j] === '$' && text[j + 1] === '{') j = skipBalanced(text, j + 2, '}');
    else j += 1;
  }
  return j;
}

/** Index just past the `close` that balances an opening bracket before `i`. */
function skipBalanced(text: string, i: number, close: string): number {
  let depth = 1;
  let j = i;
  while (j < text.length) {
    const skipped = skipLiteral(text, j);
    if (skipped !== j) {
      j = skipped;
      continue;
    }
    const c = text[j]!;
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
    j += 1;
    void close;
  }
  return j;
}

/** Each occurrence of `opening` (ending with `(`), with its line and the whole call's text. */
export function callsOf(text: string, opening: string): Array<{ line: number; text: string }> {
  const calls: Array<{ line: number; text: string }> = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(opening, from);
    if (start < 0) return calls;
    const end = skipBalanced(text, start + opening.length, ')');
    calls.push({ line: text.slice(0, start).split('\n').length, text: text.slice(start, end) });
    from = start + opening.length;
  }
}

/** The statements at the top level of a module, each with its first line (comments left out). */
export function topLevelStatements(text: string): Array<{ line: number; text: string }> {
  const statements: Array<{ line: number; text: string }> = [];
  let start = -1;
  let i = 0;
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  while (i < text.length) {
    const c = text[i]!;
    const comment = c === '/' && (text[i + 1] === '/' || text[i + 1] === '*');
    const skipped = skipLiteral(text, i);
    if (skipped !== i) {
      if (!comment && start < 0) start = i;
      i = skipped;
      continue;
    }
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (start < 0) start = i;
    if ('([{'.includes(c)) {
      i = skipBalanced(text, i + 1, ')');
      // A function or class body ends its declaration without a semicolon.
      if (
        c === '{' &&
        /^\s*(export\s+)?(default\s+)?(async\s+)?(function|class|interface|enum|namespace)\b/.test(
          text.slice(start, i),
        )
      ) {
        statements.push({ line: lineAt(start), text: text.slice(start, i) });
        start = -1;
      }
      continue;
    }
    if (c === ';') {
      statements.push({ line: lineAt(start), text: text.slice(start, i + 1) });
      start = -1;
    }
    i += 1;
  }
  return statements;
}
