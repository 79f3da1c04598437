/**
 * The confusion matrix for the comment, folded in a `<details>` block: rows = true class,
 * columns = predicted class. With many classes a full matrix is unreadable (and too large for a
 * comment), so only the classes involved in the most frequent confusions are shown, with a note.
 */
import { markdownTable } from 'markdown-table';
import type { Report } from '../report/types.js';
import {
  MATRIX_HEADER_NAME_CHARS,
  MATRIX_ROW_NAME_CHARS,
  MAX_CONFUSED_PAIRS,
  MAX_MATRIX_CLASSES,
} from './commentBudget.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import { formatCount } from './formatNumbers.js';

// Largest class count shown as a full matrix, confused pairs listed (they also choose the classes
// of a partial matrix), and the lengths class names are cut to: commentBudget.ts.
export { MAX_CONFUSED_PAIRS, MAX_MATRIX_CLASSES };

export interface ConfusedPair {
  trueClass: number;
  predictedClass: number;
  count: number;
}

/** True when `matrix` is n x n (a report that omitted or mangled it is shown without one). */
export function isSquareMatrix(matrix: ArrayLike<ArrayLike<number>>, n: number): boolean {
  if (!matrix || matrix.length !== n) return false;
  for (let i = 0; i < n; i++) if (!matrix[i] || matrix[i]!.length !== n) return false;
  return true;
}

/**
 * The `limit` largest off-diagonal cells, largest first (ties: lower true class, then lower
 * predicted class). One pass with a small sorted buffer: O(n^2) reads, O(limit) memory.
 */
export function mostConfusedPairs(
  matrix: ArrayLike<ArrayLike<number>>,
  limit = MAX_CONFUSED_PAIRS,
): ConfusedPair[] {
  const counts = new Float64Array(limit);
  const rows = new Int32Array(limit);
  const cols = new Int32Array(limit);
  let size = 0;
  const n = matrix.length;
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    for (let j = 0; j < n; j++) {
      const count = row[j]!;
      if (i === j || count <= 0) continue;
      if (size === limit && count <= counts[size - 1]!) continue;
      let k = size < limit ? size++ : limit - 1;
      // Scanning in (i, j) order keeps earlier cells ahead of later equal ones.
      while (k > 0 && counts[k - 1]! < count) {
        counts[k] = counts[k - 1]!;
        rows[k] = rows[k - 1]!;
        cols[k] = cols[k - 1]!;
        k--;
      }
      counts[k] = count;
      rows[k] = i;
      cols[k] = j;
    }
  }
  const pairs: ConfusedPair[] = [];
  for (let k = 0; k < size; k++)
    pairs.push({ trueClass: rows[k]!, predictedClass: cols[k]!, count: counts[k]! });
  return pairs;
}

/**
 * The folded section, or null when the report has no usable matrix. `focus` lists class indices
 * to keep in a partial matrix before those of the confused pairs (the regressed classes).
 */
export function renderConfusionSection(
  candidate: Report,
  baseline: Report | null,
  focus: number[],
): string | null {
  const n = candidate.classNames.length;
  const matrix = candidate.confusionMatrix;
  if (n === 0 || !isSquareMatrix(matrix, n)) return null;
  const baselineMatrix =
    baseline !== null && isSquareMatrix(baseline.confusionMatrix, n) ? baseline.confusionMatrix : null;

  const pairs = mostConfusedPairs(matrix);
  let shown: number[];
  let note = '';
  if (n <= MAX_MATRIX_CLASSES) {
    shown = Array.from({ length: n }, (_, i) => i);
  } else {
    const chosen = new Set<number>();
    for (const i of focus) {
      if (chosen.size >= Math.ceil(MAX_MATRIX_CLASSES / 2)) break;
      chosen.add(i);
    }
    for (const pair of pairs) {
      if (chosen.size + 2 > MAX_MATRIX_CLASSES) break;
      chosen.add(pair.trueClass);
      chosen.add(pair.predictedClass);
    }
    shown = [...chosen].sort((a, b) => a - b);
    note =
      `Showing ${shown.length} of ${formatCount(n)} classes: the regressed ones and those in the ` +
      `${pairs.length} most frequent confusions. The full matrix is in the report (confusionMatrix).\n\n`;
  }

  const lines = [
    '<details>',
    '<summary>Confusion matrix (rows = true class, columns = predicted class)</summary>',
    '',
  ];
  if (shown.length > 0) {
    const header = [
      'true \\ predicted',
      ...shown.map((j) => escapeMarkdown(candidate.classNames[j]!, MATRIX_HEADER_NAME_CHARS)),
    ];
    const body = shown.map((i) => [
      escapeMarkdown(candidate.classNames[i]!, MATRIX_ROW_NAME_CHARS),
      ...shown.map((j) => {
        const count = matrix[i]![j]!;
        // Zeros as a dot keep the eye on the errors; the diagonal in bold.
        if (i === j) return `**${formatCount(count)}**`;
        return count === 0 ? '·' : formatCount(count);
      }),
    ]);
    lines.push(
      note +
        markdownTable([header, ...body], { alignDelimiters: false, align: ['l', ...shown.map(() => 'r')] }),
    );
    lines.push('');
  }
  if (pairs.length > 0) {
    lines.push('Most frequent confusions:', '');
    const header = ['true class', 'predicted as', 'samples', ...(baselineMatrix ? ['baseline'] : [])];
    const body = pairs.map((p) => [
      escapeMarkdown(candidate.classNames[p.trueClass]!, MATRIX_ROW_NAME_CHARS),
      escapeMarkdown(candidate.classNames[p.predictedClass]!, MATRIX_ROW_NAME_CHARS),
      formatCount(p.count),
      ...(baselineMatrix ? [formatCount(baselineMatrix[p.trueClass]![p.predictedClass]!)] : []),
    ]);
    lines.push(markdownTable([header, ...body], { alignDelimiters: false, align: ['l', 'l', 'r', 'r'] }), '');
  } else {
    lines.push('No sample was misclassified.', '');
  }
  lines.push('</details>');
  return lines.join('\n');
}
