// Writes the perturbation table of docs/stress.md (between its stress-table markers) from the
// perturbations themselves, so the documented parameters are the ones the code uses:
//   npm run build && node scripts/docs/stress-table.mjs && npx biome format --write docs/stress.md
// __tests__/modalities/image/stressDocs.test.ts checks, from the TypeScript sources, that the
// table is current (ignoring the padding the formatter adds to table rows).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const START = '<!-- stress-table:start -->';
export const END = '<!-- stress-table:end -->';

/** The sizes whose parameters the table shows: an 8×8 digit, a CIFAR-sized and an ImageNet-sized image. */
const SIZES = [
  { label: '8×8', width: 8, height: 8 },
  { label: '32×32', width: 32, height: 32 },
  { label: '224×224', width: 224, height: 224 },
];

function formatValue(value) {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
  if (typeof value === 'string') return value;
  return `[${value.map(formatValue).join(', ')}]`;
}

function formatParameters(parameters) {
  return Object.entries(parameters)
    .map(([key, value]) => `${key} ${formatValue(value)}`)
    .join(', ');
}

/** The markdown between the markers: one section per perturbation, parameters per severity and size. */
export function renderPerturbationTable(perturbations) {
  const lines = [START, ''];
  for (const p of perturbations) {
    lines.push(`#### \`${p.name}\` (${p.family})`, '', p.summary, '');
    if (p.grayBehaviour) lines.push(`Gray images: ${p.grayBehaviour}`, '');
    lines.push(
      `| severity | ${SIZES.map((s) => s.label).join(' | ')} |`,
      `| -: | ${SIZES.map(() => ':-').join(' | ')} |`,
    );
    for (const severity of [1, 2, 3, 4, 5]) {
      lines.push(
        `| ${severity} | ${SIZES.map((s) => formatParameters(p.parameters(severity, s)).replaceAll('|', '\\|')).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

/** `doc` with the text between the markers replaced by `table`. */
export function withTable(doc, table) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/stress.md has no ${START} … ${END} block`);
  return doc.slice(0, start) + table + doc.slice(end + END.length);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const { IMAGE_PERTURBATIONS } = await import(
    pathToFileURL(path.join(root, 'lib/modalities/image/perturbations/registry.js')).href
  );
  const file = path.join(root, 'docs/stress.md');
  const doc = readFileSync(file, 'utf8');
  const next = withTable(doc, renderPerturbationTable(IMAGE_PERTURBATIONS));
  writeFileSync(file, next);
}
