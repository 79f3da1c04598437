/**
 * The input value range in the evaluation state (issue 9, item 4): extremes reduce by min and max,
 * exactly in any split, an empty state has none (compute gives null), and JSON carries the range
 * (null for an extreme not seen: JSON has no infinities) and reads states written before it.
 */
import { describe, expect, it } from 'vitest';
import { compute, create, merge, mergeInto, update } from '../../src/evaluation/evalState.js';
import { fromJSON, toJSON } from '../../src/evaluation/evalStateJSON.js';
import type { ValueRange } from '../../src/evaluation/types.js';

const spec = { classNames: ['a', 'b'], topK: 0, samples: 4, sumBlock: 2 };

function batch(indices: number[], inputs?: ValueRange) {
  return {
    probabilities: Float32Array.from(indices.flatMap(() => [0.8, 0.2])),
    size: indices.length,
    labels: Int32Array.from(indices.map((i) => i % 2)),
    indices,
    inputs,
  };
}

describe('the input range of the evaluation state', () => {
  it('reduces batches and parts by min and max, whatever the split', () => {
    const r1 = { rawMin: 3, rawMax: 200, min: -0.9, max: 0.6 };
    const r2 = { rawMin: 0, rawMax: 120, min: -1, max: 0.1 };
    const whole = update(update(create(spec), batch([0, 1], r1)), batch([2, 3], r2));
    const expected = { rawMin: 0, rawMax: 200, min: -1, max: 0.6 };
    expect(compute(whole).inputs).toEqual(expected);
    const a = update(create(spec), batch([2, 3], r2));
    const b = update(create(spec), batch([0, 1], r1));
    expect(compute(merge(a, b)).inputs).toEqual(expected);
    expect(compute(mergeInto(create(spec), merge(b, a))).inputs).toEqual(expected);
  });

  it('is null for a state whose batches carried no range, and survives JSON either way', () => {
    const none = update(create(spec), batch([0, 1, 2, 3]));
    expect(compute(none).inputs).toBeNull();
    const json = JSON.parse(JSON.stringify(toJSON(none)));
    expect(json.inputs).toEqual({ rawMin: null, rawMax: null, min: null, max: null });
    expect(compute(fromJSON(json)).inputs).toBeNull();
    const some = update(create(spec), batch([0, 1, 2, 3], { rawMin: 0, rawMax: 1, min: 0, max: 1 }));
    expect(compute(fromJSON(JSON.parse(JSON.stringify(toJSON(some))))).inputs).toEqual({
      rawMin: 0,
      rawMax: 1,
      min: 0,
      max: 1,
    });
    // A state written before the range was recorded reads as one without it.
    const { inputs: _inputs, ...older } = JSON.parse(JSON.stringify(toJSON(some)));
    expect(compute(fromJSON(older)).inputs).toBeNull();
    expect(() => fromJSON({ ...json, inputs: { ...json.inputs, min: 'low' } })).toThrow(
      'invalid evaluation state: inputs.min must be a finite number or null',
    );
  });
});
