import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import {
  CALIBRATION_BIN_EDGES,
  CALIBRATION_BINS,
  CALIBRATION_GRID_CELLS,
  CALIBRATION_GRID_EDGES,
  calibrationBin,
  calibrationStateFromJSON,
  calibrationStateProblem,
  formatStateProblem,
  calibrationStateToJSON,
  cellIndex,
  computeCalibration,
  createCalibrationState,
  mergeCalibrationStates,
  NLL_CLIP,
  reliabilityBins,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import type { CalibrationState } from '../../src/metrics/types.js';
import { eceFromSamples } from '../helpers/calibrationOracle.js';
import { seededRandom } from '../helpers/goldenCases.js';

interface CalibrationCase {
  name: string;
  classNames: string[];
  dtype: 'float32' | 'float64';
  labels: number[];
  probabilities: number[];
  expected: {
    predictions: number[];
    correct: number;
    ece: number;
    mce: number;
    adaptiveEce: number;
    adaptiveBins: number;
    adaptiveEceExact: number;
    brier: number;
    nll: number;
    nllSklearn: number | null;
    brierSklearnBinaryTimesTwo?: number;
    bins: { count: number[]; confidenceSum: number[]; correct: number[] };
    /** [cell index, count] of the non-empty fine-grid cells. */
    gridCells: Array<[number, number]>;
  };
}

const golden = JSON.parse(
  readFileSync(new URL('../__fixtures__/golden/calibration.json', import.meta.url), 'utf8'),
) as { bins: number; nllClip: number; gridEdges: number[]; cases: CalibrationCase[] };

const TOLERANCE = 1e-12;

function rows(g: CalibrationCase): Float32Array | Float64Array {
  return g.dtype === 'float32' ? Float32Array.from(g.probabilities) : Float64Array.from(g.probabilities);
}

/** States of consecutive random-sized batches over a case. */
function batchStates(g: CalibrationCase, seed: number, maxBatch: number): CalibrationState[] {
  const random = seededRandom(seed);
  const p = rows(g);
  const c = g.classNames.length;
  const states: CalibrationState[] = [];
  for (let start = 0; start < g.labels.length; ) {
    const size = Math.min(g.labels.length - start, 1 + Math.floor(random() * maxBatch));
    const state = createCalibrationState(c);
    updateCalibrationState(
      state,
      p.subarray(start * c, (start + size) * c),
      g.labels.slice(start, start + size),
      size,
    );
    states.push(state);
    start += size;
  }
  return states;
}

function onePass(g: CalibrationCase): CalibrationState {
  const state = createCalibrationState(g.classNames.length);
  return updateCalibrationState(state, rows(g), Int32Array.from(g.labels), g.labels.length);
}

function expectClose(actual: number | null, expected: number, what: string, tolerance = TOLERANCE): void {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

describe('calibration grid and bins', () => {
  it('uses the same fine-grid edges as the golden script, bit for bit', () => {
    expect(Array.from(CALIBRATION_GRID_EDGES)).toEqual(golden.gridEdges);
    expect(CALIBRATION_GRID_CELLS).toBe(196);
    expect(golden.bins).toBe(CALIBRATION_BINS);
    expect(golden.nllClip).toBe(NLL_CLIP);
  });

  it('has 15 bin edges equal to numpy.linspace(0, 1, 16), ending exactly at 1', () => {
    expect(CALIBRATION_BIN_EDGES).toHaveLength(16);
    expect(CALIBRATION_BIN_EDGES[0]).toBe(0);
    expect(CALIBRATION_BIN_EDGES[15]).toBe(1);
    expect(CALIBRATION_BIN_EDGES[2]).toBe(2 / 15);
  });

  it('puts a value on an edge in the bin it closes (right-closed), 0 in the first and 1 in the last', () => {
    const edges = CALIBRATION_BIN_EDGES;
    expect(cellIndex(edges, 0)).toBe(0);
    expect(cellIndex(edges, 1)).toBe(14);
    expect(cellIndex(edges, 1.5)).toBe(14);
    expect(cellIndex(edges, -0.1)).toBe(0);
    for (let m = 1; m < 15; m++) {
      expect(cellIndex(edges, edges[m]), `edge ${m}`).toBe(m - 1);
      expect(cellIndex(edges, edges[m] + 2 ** -40), `above edge ${m}`).toBe(m);
    }
    // float32(2/15) lies above the float64 edge 2/15, so it belongs to the third bin.
    expect(Math.fround(2 / 15)).toBeGreaterThan(2 / 15);
    expect(cellIndex(edges, Math.fround(2 / 15))).toBe(2);
    expect(cellIndex(edges, 2 / 15)).toBe(1);
  });

  it('keeps confidences of exactly 1.0 apart from the largest float32 below 1 on the fine grid', () => {
    const last = CALIBRATION_GRID_CELLS - 1;
    expect(cellIndex(CALIBRATION_GRID_EDGES, 1)).toBe(last);
    expect(cellIndex(CALIBRATION_GRID_EDGES, Math.fround(1 - 2 ** -24))).toBe(last - 1);
  });
});

describe('calibration agrees with the numpy / scikit-learn golden file', () => {
  it('covers the required edge cases', () => {
    const names = golden.cases.map((c) => c.name);
    for (const required of [
      'realistic-10-classes',
      'overconfident',
      'bin-edges-float32',
      'bin-edges-float64',
      'all-correct',
      'single-sample',
      'empty-bins',
      'binary',
    ]) {
      expect(names).toContain(required);
    }
  });

  describe.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, g) => {
    const state = onePass(g);
    const figures = computeCalibration(state);
    const e = g.expected;

    it('assigns every sample to the same bin and fine-grid cell as numpy', () => {
      expect(Array.from(state.binCount)).toEqual(e.bins.count);
      expect(Array.from(state.binCorrect)).toEqual(e.bins.correct);
      state.binConfidenceSum.forEach((sum, m) => {
        expectClose(sum, e.bins.confidenceSum[m], `bin ${m} confidence sum`);
      });
      const cells: Array<[number, number]> = [];
      state.gridCount.forEach((count, k) => {
        if (count > 0) cells.push([k, count]);
      });
      expect(cells).toEqual(e.gridCells);
      expect(state.count).toBe(g.labels.length);
      expect(state.binCorrect.reduce((a, b) => a + b, 0)).toBe(e.correct);
    });

    it('uses the first maximum as the prediction, as scoreBatch and numpy.argmax', () => {
      if (g.dtype !== 'float32') return;
      const scored = scoreBatch(rows(g) as Float32Array, {
        size: g.labels.length,
        numClasses: g.classNames.length,
        labels: Int32Array.from(g.labels),
        topK: 0,
      });
      expect(Array.from(scored.predictions)).toEqual(e.predictions);
    });

    it('matches ECE and MCE (Guo et al., right-closed bins) to 1e-12', () => {
      expectClose(figures.ece, e.ece, 'ECE');
      expectClose(figures.mce, e.mce, 'MCE');
    });

    it('matches the grid adaptive ECE to 1e-12, close to the exact equal-mass ECE', () => {
      expectClose(figures.adaptiveEce, e.adaptiveEce, 'adaptive ECE');
      // Equal-mass up to the grid's resolution: near the textbook value on realistic data.
      if (g.name === 'realistic-10-classes' || g.name === 'overconfident') {
        expectClose(figures.adaptiveEce, e.adaptiveEceExact, 'adaptive ECE vs exact', 0.005);
      }
    });

    it('matches the multiclass Brier score and the clipped NLL to 1e-12', () => {
      expectClose(figures.brier, e.brier, 'Brier');
      expectClose(figures.nll, e.nll, 'NLL');
      // scikit-learn's log_loss renormalises rows: equal up to float32 row sums.
      if (e.nllSklearn !== null) expectClose(figures.nll, e.nllSklearn, 'NLL vs sklearn log_loss', 1e-6);
      if (e.brierSklearnBinaryTimesTwo !== undefined) {
        expectClose(figures.brier, e.brierSklearnBinaryTimesTwo, 'Brier vs 2 x sklearn brier_score_loss');
      }
    });
  });

  it('clips the NLL of a sample whose true class has probability 0 at -log(1e-15)', () => {
    const state = updateCalibrationState(createCalibrationState(2), Float32Array.from([1, 0]), [1], 1);
    expect(computeCalibration(state).nll).toBeCloseTo(-Math.log(1e-15), 12);
    expect(computeCalibration(state).brier).toBe(2);
    expect(computeCalibration(state).ece).toBe(1);
  });

  it('gives every figure as null without samples, and 0 for a perfectly calibrated certain model', () => {
    expect(computeCalibration(createCalibrationState(3))).toEqual({
      ece: null,
      mce: null,
      adaptiveEce: null,
      brier: null,
      nll: null,
    });
    const certain = updateCalibrationState(
      createCalibrationState(2),
      Float32Array.from([1, 0, 0, 1]),
      [0, 1],
      2,
    );
    expect(computeCalibration(certain)).toEqual({ ece: 0, mce: 0, adaptiveEce: 0, brier: 0, nll: 0 });
  });

  it('forms fewer equal-mass bins when one grid cell holds more than n/15 samples', () => {
    // 300 samples: 139 at exactly 1.0 fall in one cell, so that cell is one bin.
    const g = golden.cases.find((c) => c.name === 'overconfident')!;
    expect(g.expected.adaptiveBins).toBeLessThan(CALIBRATION_BINS);
    expectClose(computeCalibration(onePass(g)).adaptiveEce, g.expected.adaptiveEce, 'adaptive ECE');
  });
});

describe('eceFromSamples', () => {
  it('gives the ECE of the state from the per-sample confidences and correct flags', () => {
    for (const g of golden.cases) {
      const p = rows(g);
      const c = g.classNames.length;
      const confidences = g.expected.predictions.map((k, i) => p[i * c + k]);
      const correct = g.expected.predictions.map((k, i) => k === g.labels[i]);
      expectClose(eceFromSamples(confidences, correct), g.expected.ece, g.name);
      expect(confidences.map(calibrationBin).filter((b) => b === 14)).toHaveLength(g.expected.bins.count[14]);
    }
  });

  it('counts each sample as often as its weight, as a bootstrap resample would repeat it', () => {
    const confidences = [0.95, 0.6, 0.81, 0.99, 0.3];
    const correct = [1, 0, 1, 1, 0];
    const weights = [2, 0, 1, 3, 1];
    const repeated = weights.flatMap((w, i) => Array.from({ length: w }, () => i));
    expectClose(
      eceFromSamples(confidences, correct, weights),
      eceFromSamples(
        repeated.map((i) => confidences[i]),
        repeated.map((i) => correct[i]),
      ) as number,
      'weighted vs repeated',
    );
    expect(eceFromSamples(confidences, correct, [0, 0, 0, 0, 0])).toBeNull();
  });
});

describe('calibration state', () => {
  it('gives the same figures from random batches merged in any order as from one pass', () => {
    for (const g of golden.cases) {
      const whole = computeCalibration(onePass(g));
      for (const seed of [5, 6]) {
        const parts = batchStates(g, seed, 29);
        const random = seededRandom(seed * 7);
        parts.sort(() => random() - 0.5);
        const merged = parts.reduce(mergeCalibrationStates);
        const figures = computeCalibration(merged);
        expect(Array.from(merged.binCount)).toEqual(g.expected.bins.count);
        expect(Array.from(merged.gridCount)).toEqual(Array.from(onePass(g).gridCount));
        for (const key of ['ece', 'mce', 'adaptiveEce', 'brier', 'nll'] as const) {
          expectClose(figures[key], whole[key] as number, `${g.name} seed ${seed} ${key}`, 1e-12);
        }
      }
    }
  });

  it('does not change the states it merges', () => {
    const g = golden.cases[0];
    const [a, b] = batchStates(g, 9, 200);
    const before = calibrationStateToJSON(a);
    mergeCalibrationStates(a, b);
    expect(calibrationStateToJSON(a)).toEqual(before);
  });

  it('refuses to merge states of different class counts', () => {
    expect(() => mergeCalibrationStates(createCalibrationState(3), createCalibrationState(4))).toThrow(
      InputError,
    );
  });

  it('round-trips through JSON exactly', () => {
    for (const g of golden.cases) {
      const state = onePass(g);
      const back = calibrationStateFromJSON(JSON.parse(JSON.stringify(calibrationStateToJSON(state))));
      expect(back).toEqual(state);
      expect(computeCalibration(back)).toEqual(computeCalibration(state));
    }
  });

  it('refuses damaged states with a message naming the field', () => {
    const g = golden.cases.find((c) => c.name === 'realistic-10-classes')!;
    const good = () => JSON.parse(JSON.stringify(calibrationStateToJSON(onePass(g))));
    expect(calibrationStateProblem(good())).toBeNull();

    const cases: Array<[string, (s: ReturnType<typeof good>) => void, string]> = [
      ['14 bins', (s) => s.bins.count.pop(), 'bins.count must be an array of 15 numbers'],
      ['negative count', (s) => (s.bins.count[5] = -1), 'bins.count[5] must be an integer >= 0'],
      [
        'more correct than samples',
        (s) => (s.bins.correct[5] = s.bins.count[5] + 1),
        'bins.correct[5] must be',
      ],
      [
        'mean outside its bin',
        (s) => (s.bins.confidenceSum[5] = s.bins.count[5] * 0.9),
        'bins.confidenceSum[5] must lie',
      ],
      ['count off', (s) => (s.count += 1), 'bins.count must total count'],
      ['other grid', (s) => (s.grid.id = 'other'), 'grid.id must be'],
      [
        'grid total off',
        (s) => {
          // One more sample at the cell's mean confidence: consistent within the cell, not in total.
          const k = s.grid.count.findIndex((x: number) => x > 0);
          s.grid.confidenceSum[k] += s.grid.confidenceSum[k] / s.grid.count[k];
          s.grid.count[k] += 1;
        },
        'grid.count must total count',
      ],
      [
        'grid correct off',
        (s) => (s.grid.correct[s.grid.correct.findIndex((x: number) => x > 0)] -= 1),
        'grid.correct must total the same as bins.correct',
      ],
      ['negative Brier', (s) => (s.brierSum = -1), 'brierSum must be a finite number >= 0'],
      ['NLL above its clip', (s) => (s.nllSum = 40 * s.count), 'nllSum must be a number from 0'],
      ['no classes', (s) => (s.numClasses = 0), 'numClasses must be an integer >= 1'],
    ];
    for (const [what, damage, message] of cases) {
      const s = good();
      damage(s);
      const problem = calibrationStateProblem(s);
      expect(problem && formatStateProblem(problem), what).toContain(message);
      expect(() => calibrationStateFromJSON(s, 'shard-3.json')).toThrow(InputError);
    }
    let thrown: unknown;
    try {
      calibrationStateFromJSON({ ...good(), count: 'x' }, 'shard-3.json');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).where).toBe('shard-3.json');
    expect((thrown as InputError).message).toBe(
      'invalid calibration state: count must be an integer >= 0, got "x"',
    );
  });

  it('describes the 15 bins for a reliability diagram: bounds, counts, mean confidence and accuracy', () => {
    const g = golden.cases.find((c) => c.name === 'empty-bins')!;
    const bins = reliabilityBins(onePass(g));
    expect(bins).toHaveLength(15);
    expect(bins[0]).toEqual({ low: 0, high: 1 / 15, count: 0, confidence: null, accuracy: null });
    expect(bins[14].high).toBe(1);
    const last = bins[14];
    expect(last.count).toBe(g.expected.bins.count[14]);
    expectClose(last.accuracy, g.expected.bins.correct[14] / last.count, 'accuracy');
    expectClose(last.confidence, g.expected.bins.confidenceSum[14] / last.count, 'confidence');
  });
});
