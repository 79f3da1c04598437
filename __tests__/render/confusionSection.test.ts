import { describe, expect, it } from 'vitest';
import { mostConfusedPairs, renderConfusionSection } from '../../src/render/confusionSection.js';
import { makeReport, matrixFrom } from '../__fixtures__/reports.js';

describe('mostConfusedPairs', () => {
  it('returns the largest off-diagonal cells, largest first, earlier cells first on ties', () => {
    const matrix = [
      [50, 3, 0, 1],
      [0, 40, 7, 0],
      [3, 0, 60, 0],
      [0, 1, 9, 20],
    ];
    expect(mostConfusedPairs(matrix, 3)).toEqual([
      { trueClass: 3, predictedClass: 2, count: 9 },
      { trueClass: 1, predictedClass: 2, count: 7 },
      { trueClass: 0, predictedClass: 1, count: 3 },
    ]);
    expect(mostConfusedPairs(matrix, 10)).toHaveLength(6);
    expect(
      mostConfusedPairs([
        [5, 0],
        [0, 5],
      ]),
    ).toEqual([]);
  });
});

describe('renderConfusionSection', () => {
  it('shows a partial matrix of the regressed and most confused classes when there are many', () => {
    const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const errors = names.map(() => [] as Array<[number, number]>);
    errors[7] = [[30, 12]];
    errors[12] = [[13, 2]];
    const report = makeReport({
      classNames: names,
      matrix: matrixFrom(
        names.map(() => 20),
        errors,
      ),
    });
    const section = renderConfusionSection(report, null, [25])!;
    expect(section.startsWith('<details>')).toBe(true);
    expect(section.endsWith('</details>')).toBe(true);
    expect(section).toContain('Showing 5 of 40 classes');
    const header = section.split('\n').find((l) => l.startsWith('| true'))!;
    expect(header).toBe('| true \\ predicted | c7 | c12 | c13 | c25 | c30 |');
  });

  it('gives nothing for a report whose matrix does not match its classes', () => {
    const report = makeReport({ classNames: ['a', 'b'], matrix: matrixFrom([5, 5], []) });
    expect(renderConfusionSection({ ...report, confusionMatrix: [] }, null, [])).toBeNull();
  });
});
