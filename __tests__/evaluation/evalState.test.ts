import { describe, expect, it } from 'vitest';
import {
  calibrationStateToJSON,
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import { createMetricState, updateMetricState } from '../../src/metrics/metricState.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import { compute, create, merge, mergeInto, update } from '../../src/evaluation/evalState.js';
import { fromJSON, toJSON } from '../../src/evaluation/evalStateJSON.js';
import { reduceFields, reduceKeyed } from '../../src/shared/reducers.js';
import type { EvalState } from '../../src/evaluation/types.js';
import { InputError, InternalError } from '../../src/shared/errors.js';
import { createRandom } from '../../src/stats/random.js';

const CLASSES = ['a', 'b', 'c', 'd', 'e', 'f'];
const C = CLASSES.length;
const N = 50;
const BATCH = 8;

/** Random probability rows (normalised float32, some exact ties and ones) and labels. */
function data(seed: number) {
  const random = createRandom(seed);
  const probabilities = new Float32Array(N * C);
  for (let i = 0; i < N; i++) {
    let total = 0;
    const row = Array.from({ length: C }, () => (random.int(4) === 0 ? 0 : random.next()));
    if (i % 17 === 0) row.fill(0).splice(random.int(C), 1, 1);
    for (const x of row) total += x;
    row.forEach((x, k) => {
      probabilities[i * C + k] = total > 0 ? x / total : 1 / C;
    });
  }
  const labels = Int32Array.from({ length: N }, () => random.int(C));
  const slices = Array.from({ length: N }, (_, i) => ({ site: ['x', 'y'][i % 2], kind: i % 3 ? 'k' : '' }));
  return { probabilities, labels, slices };
}

function stateOf(seed: number, indices: number[] = Array.from({ length: N }, (_, i) => i)): EvalState {
  const { probabilities, labels, slices } = data(seed);
  const state = create({
    classNames: CLASSES,
    topK: 3,
    samples: N,
    sliceColumns: ['site', 'kind'],
    sumBlock: BATCH,
  });
  for (let start = 0; start < indices.length; start += BATCH) {
    const batch = indices.slice(start, start + BATCH);
    const rows = new Float32Array(batch.length * C);
    for (const [j, index] of batch.entries())
      rows.set(probabilities.subarray(index * C, (index + 1) * C), j * C);
    update(state, {
      probabilities: rows,
      size: batch.length,
      labels: Int32Array.from(batch, (i) => labels[i]),
      indices: batch,
      slices: batch.map((i) => slices[i]),
    });
  }
  return state;
}

describe('reducers', () => {
  it('sum, min and max numbers and typed arrays element-wise, concat appends, inputs unchanged', () => {
    const fields = {
      total: 'sum',
      low: 'min',
      high: 'max',
      cells: 'sum',
      seen: 'concat',
      name: 'setting',
    } as const;
    const a = {
      total: 2,
      low: 3,
      high: 3,
      cells: Float64Array.from([1, 2]),
      seen: Int32Array.from([7]),
      name: 'x',
    };
    const b = {
      total: 5,
      low: 1,
      high: 9,
      cells: Float64Array.from([10, 20]),
      seen: Int32Array.from([8, 9]),
      name: 'x',
    };
    const merged = reduceFields(fields, a, b);
    expect(merged).toEqual({
      total: 7,
      low: 1,
      high: 9,
      cells: Float64Array.from([11, 22]),
      seen: Int32Array.from([7, 8, 9]),
      name: 'x',
    });
    expect(a.cells).toEqual(Float64Array.from([1, 2]));
    expect(b.seen).toEqual(Int32Array.from([8, 9]));
  });

  it('merges keyed groups key by key, a key on one side only against the empty value', () => {
    const sum = (x: { n: number }, y: { n: number }) => reduceFields({ n: 'sum' }, x, y);
    const merged = reduceKeyed(
      new Map([
        ['p', { n: 1 }],
        ['q', { n: 2 }],
      ]),
      new Map([
        ['q', { n: 3 }],
        ['r', { n: 4 }],
      ]),
      sum,
      () => ({ n: 0 }),
    );
    expect([...merged]).toEqual([
      ['p', { n: 1 }],
      ['q', { n: 5 }],
      ['r', { n: 4 }],
    ]);
  });

  it('refuses to sum typed arrays of different lengths and to concatenate numbers', () => {
    expect(() => reduceFields({ x: 'sum' }, { x: new Float64Array(2) }, { x: new Float64Array(3) })).toThrow(
      InternalError,
    );
    expect(() => reduceFields({ x: 'concat' }, { x: 1 }, { x: 2 })).toThrow(/cannot be concatenated/);
    expect(() => reduceFields({ k: 'setting', n: 'sum' }, { k: 3, n: 1 }, { k: 5, n: 1 })).toThrow(
      /setting 'k' differs: 3 and 5/,
    );
  });
});

describe('EvalState', () => {
  it('gives bit for bit the figures of the metric and calibration states fed batch by batch', () => {
    const { probabilities, labels } = data(1);
    const metrics = createMetricState(C, 3);
    const calibration = createCalibrationState(C);
    for (let start = 0; start < N; start += BATCH) {
      const size = Math.min(BATCH, N - start);
      const rows = probabilities.subarray(start * C, (start + size) * C);
      const batchLabels = labels.subarray(start, start + size);
      updateMetricState(
        metrics,
        batchLabels,
        scoreBatch(rows, { size, numClasses: C, labels: batchLabels, topK: 3 }),
        size,
      );
      updateCalibrationState(calibration, rows, batchLabels, size);
    }
    const result = compute(stateOf(1), { confidence: 0.9 });
    const { classes, confusionMatrix, ...headline } = computeMetrics(metrics, CLASSES, 0.9);
    expect(result.metrics).toEqual(headline);
    expect(result.classes).toEqual(classes);
    expect(result.confusionMatrix).toEqual(confusionMatrix);
    expect(JSON.stringify(result.calibration)).toBe(
      JSON.stringify({ ...computeCalibration(calibration), state: calibrationStateToJSON(calibration) }),
    );
    expect(result.slices.map((s) => [s.column, s.value, s.samples])).toEqual([
      ['site', 'x', 25],
      ['site', 'y', 25],
      ['kind', '', 17],
      ['kind', 'k', 33],
    ]);
  });

  it('puts the records of a merged state back in sample order', () => {
    const odd = Array.from({ length: N / 2 }, (_, i) => 2 * i + 1);
    const even = Array.from({ length: N / 2 }, (_, i) => 2 * i).reverse();
    const merged = compute(merge(stateOf(2, odd), stateOf(2, even)));
    expect(merged.records).toEqual(compute(stateOf(2)).records);
  });

  it('adds a part into a running total in place (mergeInto) with the figures of merge, the part unchanged', () => {
    const parts = [
      Array.from({ length: 7 }, (_, i) => i),
      Array.from({ length: 30 }, (_, i) => 7 + i),
      Array.from({ length: 13 }, (_, i) => 37 + i),
    ];
    const total = stateOf(4, parts[0]);
    const middle = stateOf(4, parts[1]);
    const middleBefore = toJSON(middle);
    expect(mergeInto(total, middle)).toBe(total);
    mergeInto(total, stateOf(4, parts[2]));
    expect(toJSON(middle)).toEqual(middleBefore);
    const merged = merge(merge(stateOf(4, parts[0]), stateOf(4, parts[1])), stateOf(4, parts[2]));
    expect(compute(total)).toEqual(compute(merged));
    expect(compute(total)).toEqual(compute(stateOf(4)));
    // The total owns its arrays: changing the part afterwards does not reach it.
    middle.metrics.confusion.fill(0);
    expect(compute(total)).toEqual(compute(stateOf(4)));
  });

  it('refuses to merge states of other classes, top-k or calibration grid, naming the difference', () => {
    const state = stateOf(3);
    const other = (spec: Partial<EvalState['spec']>): EvalState => ({
      ...state,
      spec: { ...state.spec, ...spec },
    });
    expect(() => merge(state, other({ classNames: ['a', 'b'] }))).toThrow(/6 classes against 2/);
    expect(() => merge(state, other({ topK: 1 }))).toThrow(/top-3 against top-1/);
    expect(() => merge(state, other({ calibrationGrid: 'old-grid' }))).toThrow(/calibration grid/);
    expect(() => merge(state, other({ topK: 1 }))).toThrow(InputError);
  });

  it('treats a sample scored twice or never as an internal error', () => {
    const first = Array.from({ length: 30 }, (_, i) => i);
    const overlapping = Array.from({ length: 30 }, (_, i) => i + 20);
    expect(() => compute(merge(stateOf(4, first), stateOf(4, overlapping)))).toThrow(/sample 20 twice/);
    expect(() => compute(stateOf(4, first))).toThrow(/30 of 50 samples; sample 30/);
    expect(() => compute(stateOf(4, first))).toThrow(InternalError);
  });

  it('round-trips through JSON and refuses a corrupt state, naming the field', () => {
    const json = JSON.parse(JSON.stringify(toJSON(stateOf(5))));
    expect(toJSON(fromJSON(json))).toEqual(json);
    const corrupt = (edit: (j: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      return () => fromJSON(copy);
    };
    expect(corrupt((j) => (j.records.label[3] = 12))).toThrow(
      /invalid evaluation state: records.label\[3\] must be a class index from 0 to 5, got 12/,
    );
    expect(corrupt((j) => j.records.nll.pop())).toThrow(/records.nll must be an array of 50 numbers/);
    expect(corrupt((j) => (j.spec.topK = -1))).toThrow(/spec.topK must be an integer >= 0/);
    expect(corrupt((j) => (j.spec.calibrationGrid = 'old'))).toThrow(/spec.calibrationGrid/);
    expect(corrupt((j) => (j.metrics.confusion[0] += 1))).toThrow(/metric state: count 50 differs/);
    expect(corrupt((j) => (j.slices[0].column = 'nope'))).toThrow(/slices\[0\].column must be one of/);
    expect(corrupt((j) => (j.format = 'x'))).toThrow(/format must be/);
    expect(corrupt((j) => (j.records.label[3] = 12))).toThrow(InputError);
  });
});
