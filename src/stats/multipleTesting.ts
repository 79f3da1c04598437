/** Multiple-comparison adjustment of p-values (one test per class). */
import { checkProbability } from './checkArguments.js';
import type { PValueAdjustment } from './types.js';

/**
 * Adjusted p-values, in the input order, matching statsmodels.stats.multitest.multipletests:
 * - 'holm' (Holm 1979, step-down, controls the family-wise error rate): with p sorted ascending,
 *   p̃(i) = max over j ≤ i of min(1, (m − j + 1)·p(j));
 * - 'benjamini-hochberg' (Benjamini & Hochberg 1995, step-up, controls the false discovery rate
 *   under independence or positive dependence; statsmodels 'fdr_bh'):
 *   p̃(i) = min over j ≥ i of min(1, m/j·p(j));
 * - 'none': the p-values unchanged.
 * Reject H0 for a test when its adjusted p-value is below α. Ties are ordered stably, which does not
 * change the adjusted values.
 */
export function adjustPValues(pValues: readonly number[], method: PValueAdjustment): number[] {
  pValues.forEach((p, i) => {
    checkProbability(`pValues[${i}]`, p);
  });
  const m = pValues.length;
  if (method === 'none' || m === 0) return [...pValues];
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
  const adjusted = new Array<number>(m);
  if (method === 'holm') {
    let running = 0;
    for (let rank = 0; rank < m; rank++) {
      const index = order[rank];
      running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
      adjusted[index] = running;
    }
    return adjusted;
  }
  if (method === 'benjamini-hochberg') {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
      const index = order[rank];
      running = Math.min(running, (m / (rank + 1)) * pValues[index]);
      adjusted[index] = running;
    }
    return adjusted;
  }
  throw new RangeError(`unknown p-value adjustment '${String(method)}'`);
}
