import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EvalgateError } from '../../src/shared/errors.js';
import { computeCost, perSampleCosts } from '../../src/metrics/costs.js';

interface CostCase {
  name: string;
  confusion: number[][];
  matrix: number[][];
  confidence: number;
  expected: {
    mean: number;
    interval: { low: number; high: number } | null;
    sum: number;
    sumOfSquares: number;
    samples: number;
  };
}

const { costs: cases } = JSON.parse(
  readFileSync(new URL('../__fixtures__/golden/calibration.json', import.meta.url), 'utf8'),
) as { costs: CostCase[] };

describe('computeCost', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: matches the mean cost and scipy t interval of the expanded per-sample costs',
    (_name, g) => {
      const cost = computeCost({ matrix: g.matrix, unit: 'USD' }, g.confusion, g.confidence);
      expect(cost.samples).toBe(g.expected.samples);
      expect(cost.sum).toBeCloseTo(g.expected.sum, 12);
      expect(cost.sumOfSquares).toBeCloseTo(g.expected.sumOfSquares, 12);
      expect(cost.expected).toBeCloseTo(g.expected.mean, 12);
      expect(cost.interval).not.toBeNull();
      expect(cost.interval!.low).toBeCloseTo(g.expected.interval!.low, 10);
      expect(cost.interval!.high).toBeCloseTo(g.expected.interval!.high, 10);
      expect(cost.unit).toBe('USD');
      expect(cost.matrix).toEqual(g.matrix);
    },
  );

  it('weighs a missed defect by its cost: 3 misses at 10 and 10 false alarms at 1 over 150 samples', () => {
    const cost = computeCost(
      {
        matrix: [
          [0, 1],
          [10, 0],
        ],
      },
      [
        [90, 10],
        [3, 47],
      ],
    );
    expect(cost.expected).toBeCloseTo(40 / 150, 15);
    expect(cost).not.toHaveProperty('unit');
  });

  it('has no mean without samples and no interval with one sample', () => {
    const none = computeCost(
      {
        matrix: [
          [0, 1],
          [1, 0],
        ],
      },
      [
        [0, 0],
        [0, 0],
      ],
    );
    expect(none).toMatchObject({ expected: null, interval: null, sum: 0, samples: 0 });
    const one = computeCost(
      {
        matrix: [
          [0, 1],
          [1, 0],
        ],
      },
      [
        [0, 1],
        [0, 0],
      ],
    );
    expect(one).toMatchObject({ expected: 1, interval: null, samples: 1 });
  });

  it('copies the matrix, so that later edits of the config do not change the report', () => {
    const matrix = [
      [0, 1],
      [5, 0],
    ];
    const cost = computeCost({ matrix }, [
      [1, 0],
      [0, 1],
    ]);
    matrix[1][0] = 99;
    expect(cost.matrix[1][0]).toBe(5);
  });

  it('refuses a cost matrix that does not match the confusion matrix', () => {
    expect(() =>
      computeCost({ matrix: [[0, 1]] }, [
        [1, 0],
        [0, 1],
      ]),
    ).toThrow(EvalgateError);
    expect(() =>
      computeCost(
        {
          matrix: [
            [0, 1],
            [1, 0],
          ],
        },
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      ),
    ).toThrow(EvalgateError);
    expect(() =>
      computeCost(
        {
          matrix: [
            [0, Number.NaN],
            [1, 0],
          ],
        },
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(EvalgateError);
  });
});

describe('perSampleCosts', () => {
  it('gives matrix[label][prediction] per sample, summing to the confusion-matrix total', () => {
    const matrix = [
      [0, 1, 2.5],
      [4, 0, 1],
      [8, 0.5, 0],
    ];
    const labels = [0, 0, 1, 2, 2, 1];
    const predictions = [0, 2, 0, 0, 1, 1];
    const costs = perSampleCosts(matrix, labels, predictions);
    expect(Array.from(costs)).toEqual([0, 2.5, 4, 8, 0.5, 0]);
    const confusion = [
      [1, 0, 1],
      [1, 1, 0],
      [1, 1, 0],
    ];
    expect(computeCost({ matrix }, confusion).sum).toBe(costs.reduce((a, b) => a + b, 0));
  });

  it('refuses labels or predictions outside the classes, and columns of different lengths', () => {
    const matrix = [
      [0, 1],
      [1, 0],
    ];
    expect(() => perSampleCosts(matrix, [0, 2], [0, 1])).toThrow(EvalgateError);
    expect(() => perSampleCosts(matrix, [0, 1], [0, -1])).toThrow(EvalgateError);
    expect(() => perSampleCosts(matrix, [0, 1], [0])).toThrow(EvalgateError);
  });
});
