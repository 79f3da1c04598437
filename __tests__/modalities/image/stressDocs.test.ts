// docs/stress.md lists every perturbation with its parameters at each severity. The table is
// written from the code (scripts/docs/stress-table.mjs), so a parameter changed in the code without
// the docs fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_PERTURBATIONS } from '../../../src/modalities/image/perturbations/registry.js';
import { END, renderPerturbationTable, START } from '../../../scripts/docs/stress-table.mjs';
import { repoRoot } from '../../helpers/cli.js';

/** Table rows without the padding and dash runs that the markdown formatter (biome) adds. */
function unpadded(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ *\| */g, '|').replace(/-+/g, '-') : line))
    .join('\n');
}

describe('docs/stress.md', () => {
  it('holds the perturbation table the code gives (regenerate: npm run build && node scripts/docs/stress-table.mjs)', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/stress.md'), 'utf8');
    const block = doc.slice(doc.indexOf(START), doc.indexOf(END) + END.length);
    expect(unpadded(block)).toBe(unpadded(renderPerturbationTable(IMAGE_PERTURBATIONS)));
    for (const p of IMAGE_PERTURBATIONS) expect(block).toContain(`#### \`${p.name}\``);
  });
});
