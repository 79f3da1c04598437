import { describe, expect, it } from 'vitest';
import {
  findNonFiniteRows,
  looksLikeProbabilities,
  toProbabilities,
} from '../../src/runtime/outputProbabilities.js';

describe('toProbabilities', () => {
  it('applies softmax to logits, stable for large values', () => {
    const logits = Float32Array.from([1, 2, 3, 1000, 1001, 1002]);
    const p = toProbabilities(logits, 2, 3, 'logits');
    // softmax([1,2,3]) = exp(x - 3) / sum, the same for any shift of the row.
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    for (let row = 0; row < 2; row++) {
      for (let c = 0; c < 3; c++) expect(p[row * 3 + c]).toBeCloseTo(e[c] / s, 7);
    }
  });

  it('passes probabilities through unchanged and exponentiates log-probabilities', () => {
    const probs = Float32Array.from([0.2, 0.3, 0.5]);
    expect(Array.from(toProbabilities(probs, 1, 3, 'probabilities'))).toEqual(Array.from(probs));
    const logs = Float32Array.from([
      Math.log(0.2),
      Math.log(0.3),
      Math.log(0.5),
      Number.NEGATIVE_INFINITY,
      0,
      -50,
    ]);
    const p = toProbabilities(logs, 2, 3, 'log-probabilities');
    expect(p[0]).toBeCloseTo(0.2, 6);
    expect(p[2]).toBeCloseTo(0.5, 6);
    expect(p[3]).toBe(0);
    expect(p[4]).toBe(1);
  });
});

describe('findNonFiniteRows', () => {
  it('names the rows holding NaN or infinity', () => {
    const raw = Float32Array.from([0, 1, Number.NaN, 2, 3, 4, 5, Number.POSITIVE_INFINITY, 0]);
    expect(findNonFiniteRows(raw, 3, 3, 'logits')).toEqual([0, 2]);
  });

  it('accepts -Infinity in log-probabilities unless the whole row is -Infinity', () => {
    const ninf = Number.NEGATIVE_INFINITY;
    const raw = Float32Array.from([0, ninf, ninf, ninf, ninf, ninf]);
    expect(findNonFiniteRows(raw, 2, 3, 'log-probabilities')).toEqual([1]);
    expect(findNonFiniteRows(raw, 2, 3, 'logits')).toEqual([0, 1]);
  });
});

describe('looksLikeProbabilities', () => {
  it('is true for rows in [0, 1] that sum to 1 within 1e-3', () => {
    expect(looksLikeProbabilities(Float32Array.from([0.1, 0.9, 0.5, 0.5005]), 2, 2)).toBe(true);
  });

  it('is false for logits, for rows that do not sum to 1 and for values outside [0, 1]', () => {
    expect(looksLikeProbabilities(Float32Array.from([2.5, -1]), 1, 2)).toBe(false);
    expect(looksLikeProbabilities(Float32Array.from([0.1, 0.9, 0.5, 0.49]), 2, 2)).toBe(false);
    expect(looksLikeProbabilities(Float32Array.from([1.5, -0.5]), 1, 2)).toBe(false);
    expect(looksLikeProbabilities(Float32Array.from([Number.NaN, 1]), 1, 2)).toBe(false);
  });
});
