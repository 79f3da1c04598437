/**
 * The bundled example's slice column `ink` (light|heavy, from each image's brightness): the
 * regressed model's loss of class '8' shows in the slice table, slice by slice, and in the CLI line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, runCli } from '../../helpers/cli.js';

describe('the bundled example, slice by slice', () => {
  it("shows the regressed model's drop of '8' in each ink slice, worst first", async () => {
    const dir = copyExample();
    const result = await runCli(['run', '--model', 'model-regressed.onnx', '--out', 'out'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('slices: ink — light 96.3% (-2.59 pp), heavy 97.4% (-1.11 pp)');
    const comment = readFileSync(path.join(dir, 'out', 'comment.md'), 'utf8');
    expect(comment).toContain('<summary>Slices (2 slices): worst: ink = light 96.3% (❗ −2.59 pp)</summary>');
    const rows = comment.split('\n').filter((line) => line.startsWith('| ➖ not gated | ink = '));
    expect(rows[0]).toContain('| ink = light | 270 | 98.9% | 96.3% |');
    expect(rows[0]).toContain("'8' (14) | 57.1% (32.6–78.6%) | ❗ −42.86 pp |");
    expect(rows[1]).toContain("'8' (38) | 86.8% (72.7–94.2%) | ❗ −7.89 pp |");
  });
});
