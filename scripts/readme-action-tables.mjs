// Writes the inputs and outputs tables of docs/action.md (the action's reference page, once part of the
// README) from action.yml, so the documentation cannot drift from the action. The tables sit between
// marker comments in docs/action.md:
//   <!-- action-inputs:start -->  …  <!-- action-inputs:end -->
//   <!-- action-outputs:start --> …  <!-- action-outputs:end -->
//
//   node scripts/readme-action-tables.mjs           rewrites the tables in docs/action.md
//   node scripts/readme-action-tables.mjs --check   exits 1 when they differ from action.yml
//   --readme <file> --action <file>                 other files (the test uses copies); --readme names
//                                                   the markdown file, whatever it is called
//
// The check compares cell text, not padding, so `biome format` may realign the tables freely.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { markdownTable } from 'markdown-table';
import { parse } from 'yaml';

const { values: options } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    readme: { type: 'string', default: 'docs/action.md' },
    action: { type: 'string', default: 'action.yml' },
  },
});

/** One line of table text: whitespace collapsed, `|` escaped so it cannot end the cell. */
function cell(text) {
  return String(text).replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
}

function code(text) {
  return `\`${text}\``;
}

function tables(action) {
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) => [
    code(name),
    input.default === undefined || input.default === '' ? '—' : code(input.default),
    cell(input.description ?? ''),
  ]);
  const outputs = Object.entries(action.outputs ?? {}).map(([name, output]) => [
    code(name),
    cell(output.description ?? ''),
  ]);
  return {
    inputs: markdownTable([['input', 'default', 'description'], ...inputs]),
    outputs: markdownTable([['output', 'description'], ...outputs]),
  };
}

function markers(name) {
  return { start: `<!-- action-${name}:start -->`, end: `<!-- action-${name}:end -->` };
}

/** The text between a pair of markers, or an error naming the missing marker. */
function section(readme, name) {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from)
    throw new Error(`${options.readme}: missing '${start}' … '${end}'; add both around the ${name} table`);
  return { from: from + start.length, to };
}

/** Table text without alignment padding: what the check compares. */
function normalise(table) {
  return table
    .trim()
    .split('\n')
    .map((line) => line.trim().replace(/-{3,}/g, '---').replace(/\s+/g, ' '))
    .join('\n');
}

const action = parse(readFileSync(options.action, 'utf8'));
let readme = readFileSync(options.readme, 'utf8');
const generated = tables(action);
const stale = [];
for (const name of ['inputs', 'outputs']) {
  const { from, to } = section(readme, name);
  if (normalise(readme.slice(from, to)) !== normalise(generated[name])) stale.push(name);
  readme = `${readme.slice(0, from)}\n\n${generated[name]}\n\n${readme.slice(to)}`;
}

if (options.check) {
  if (stale.length > 0) {
    console.error(
      `${options.readme}: the ${stale.join(' and ')} table(s) differ from ${options.action}; ` +
        'run `node scripts/readme-action-tables.mjs && npx biome format --write docs/action.md`',
    );
    process.exit(1);
  }
  console.log(`${options.readme}: the action tables match ${options.action}`);
} else {
  writeFileSync(options.readme, readme);
  console.log(
    `${options.readme}: ${stale.length > 0 ? `rewrote ${stale.join(' and ')}` : 'tables up to date'}`,
  );
}
