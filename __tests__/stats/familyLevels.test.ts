import { describe, expect, it } from 'vitest';
import { familyLevels } from '../../src/stats/familyLevels.js';
import { adjustPValues } from '../../src/stats/multipleTesting.js';
import type { PValueAdjustment } from '../../src/stats/types.js';
import { seededRandom } from '../helpers/goldenCases.js';

describe('familyLevels: the interval level that agrees with the corrected decision', () => {
  it("gives the bundled example's '8' α/10 under Holm and every unrejected class α/(m − r) = α/9", () => {
    const { alphas, rejected } = familyLevels([0.00390625, 1, 1, 0.5, 1, 1, 0.5, 1, 1, 1], 0.05, 'holm');
    expect(rejected).toEqual([true, false, false, false, false, false, false, false, false, false]);
    expect(alphas[0]).toBeCloseTo(0.005, 15);
    for (const a of alphas.slice(1)) expect(a).toBeCloseTo(0.05 / 9, 15);
  });

  it('gives Holm’s k-th rejected test α/(m − k + 1)', () => {
    // Holm rejects the smallest at α/4 (4·0.00049 < 0.05), then stops (3·0.03 ≥ 0.05); the three
    // others (tied) get α/(m − r) = α/3, and 0.03 ≥ 0.05/3 keeps 0 in their intervals.
    const { alphas, rejected } = familyLevels([0.03, 0.00048828125, 0.03, 0.03], 0.05, 'holm');
    expect(rejected).toEqual([false, true, false, false]);
    expect(alphas[1]).toBeCloseTo(0.05 / 4, 15);
    expect(alphas[0]).toBeCloseTo(0.05 / 3, 15);
  });

  it('gives every test R·α/m under Benjamini–Hochberg (α/m when nothing is rejected)', () => {
    const bh = familyLevels(
      [0.0078125, 0.0078125, 0.0078125, 1, 1, 1, 1, 1, 1, 1],
      0.05,
      'benjamini-hochberg',
    );
    expect(bh.rejected.filter(Boolean)).toHaveLength(3);
    for (const a of bh.alphas) expect(a).toBeCloseTo((3 * 0.05) / 10, 15);
    const none = familyLevels([0.3, 0.9], 0.05, 'benjamini-hochberg');
    for (const a of none.alphas) expect(a).toBeCloseTo(0.025, 15);
  });

  it('gives α itself without a correction, and for a family of one', () => {
    expect(familyLevels([0.01, 0.2], 0.05, 'none').alphas).toEqual([0.05, 0.05]);
    expect(familyLevels([0.01], 0.05, 'holm').alphas).toEqual([0.05]);
  });

  it('p < α′ exactly when the adjusted p < α, for random families with ties and α at the steps (property)', () => {
    const random = seededRandom(23);
    const problems: string[] = [];
    const methods: PValueAdjustment[] = ['holm', 'benjamini-hochberg', 'none'];
    for (let t = 0; t < 3000; t++) {
      const m = 1 + Math.floor(random() * 30);
      const p: number[] = [];
      for (let i = 0; i < m; i++) {
        const u = random();
        p.push(i > 0 && u < 0.2 ? p[Math.floor(random() * i)]! : u < 0.5 ? random() * 0.01 : random());
      }
      const method = methods[t % 3]!;
      // α at a step of the procedure (p exactly at the boundary) half the time.
      const adjusted = adjustPValues(p, method);
      const pick = adjusted[Math.floor(random() * m)]!;
      const alpha = random() < 0.5 && pick > 0 && pick < 1 ? pick : 0.001 + random() * 0.3;
      const levels = familyLevels(p, alpha, method);
      p.forEach((value, i) => {
        if (value < levels.alphas[i]! !== adjusted[i]! < alpha)
          problems.push(`${method} α=${alpha} [${p}] at ${i}`);
        // The level is the formula's, up to a rounding difference.
        if (!(levels.alphas[i]! <= alpha * (1 + 1e-12))) problems.push(`level above α: ${method} [${p}]`);
      });
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
