import { describe, expect, it } from 'vitest';
import { createMetricState, updateMetricState } from '../../src/metrics/metricState.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import { seededRandom } from '../helpers/goldenCases.js';

/**
 * sklearn's top_k_accuracy_score, written out literally: a stable ascending sort of the class
 * indices by score, reversed, and the first k taken. Independent of scoreBatch's counting rule.
 */
function sklearnTopKHit(row: number[], label: number, k: number): boolean {
  const ascending = row.map((_, j) => j).sort((a, b) => row[a] - row[b]); // Array.prototype.sort is stable
  return ascending.reverse().slice(0, k).includes(label);
}

describe('scoreBatch', () => {
  it('predicts the first of equal maxima, as numpy.argmax, and reports its probability', () => {
    const probs = Float32Array.from([0.25, 0.25, 0.25, 0.25, 0.1, 0.4, 0.4, 0.1, 0.0, 0.0, 0.2, 0.8]);
    const scored = scoreBatch(probs, { size: 3, numClasses: 4, labels: [0, 0, 0], topK: 1 });
    expect(Array.from(scored.predictions)).toEqual([0, 1, 3]);
    expect(Array.from(scored.confidences)).toEqual([0.25, Math.fround(0.4), Math.fround(0.8)]);
  });

  it('ranks the higher class index first among equal scores for top-k, as sklearn does', () => {
    const row = [0.25, 0.25, 0.25, 0.25];
    const probs = Float32Array.from([...row, ...row, ...row, ...row]);
    // With all four tied, class 3 ranks first, then 2, 1, 0.
    const hitsAt = (k: number) =>
      Array.from(scoreBatch(probs, { size: 4, numClasses: 4, labels: [0, 1, 2, 3], topK: k }).topKHits);
    expect(hitsAt(1)).toEqual([0, 0, 0, 1]);
    expect(hitsAt(2)).toEqual([0, 0, 1, 1]);
    expect(hitsAt(3)).toEqual([0, 1, 1, 1]);
    expect(hitsAt(4)).toEqual([1, 1, 1, 1]);
  });

  it('makes top-1 differ from argmax exactly when the top score is tied', () => {
    const scored = scoreBatch(Float32Array.from([0.5, 0.5, 0.0]), {
      size: 1,
      numClasses: 3,
      labels: [0],
      topK: 1,
    });
    expect(scored.predictions[0]).toBe(0); // argmax: first maximum
    expect(scored.topKHits[0]).toBe(0); // sklearn top-1: class 1 ranks above class 0
  });

  it('agrees with a literal stable-sort implementation of sklearn top-k on tie-heavy random scores', () => {
    const random = seededRandom(7);
    const n = 400;
    const c = 9;
    const probs = new Float32Array(n * c);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = Math.floor(random() * c);
      for (let j = 0; j < c; j++) probs[i * c + j] = Math.floor(random() * 4) / 4; // many exact ties
    }
    for (const k of [1, 2, 3, 5, 8, 9, 12]) {
      const scored = scoreBatch(probs, { size: n, numClasses: c, labels, topK: k });
      for (let i = 0; i < n; i++) {
        const row = Array.from(probs.subarray(i * c, (i + 1) * c));
        expect(scored.topKHits[i] === 1, `sample ${i}, k=${k}`).toBe(sklearnTopKHit(row, labels[i], k));
      }
    }
  });

  it('scores every sample as a hit when k >= the number of classes', () => {
    const scored = scoreBatch(Float32Array.from([0.9, 0.1, 0.0, 0.2, 0.3, 0.5]), {
      size: 2,
      numClasses: 3,
      labels: [2, 0],
      topK: 3,
    });
    expect(Array.from(scored.topKHits)).toEqual([1, 1]);
  });

  it('leaves top-k hits at 0 when top-k is off (k = 0) but still predicts', () => {
    const scored = scoreBatch(Float32Array.from([0.1, 0.9, 0.7, 0.3]), {
      size: 2,
      numClasses: 2,
      labels: [1, 0],
      topK: 0,
    });
    expect(Array.from(scored.topKHits)).toEqual([0, 0]);
    expect(Array.from(scored.predictions)).toEqual([1, 0]);
  });

  it('reads only the first `size` rows of a larger, reused buffer', () => {
    const probs = Float32Array.from([0.2, 0.8, 0.6, 0.4, 0.9, 0.1]);
    const scored = scoreBatch(probs, { size: 2, numClasses: 2, labels: [1, 1, 0], topK: 1 });
    expect(scored.predictions.length).toBe(2);
    expect(Array.from(scored.topKHits)).toEqual([1, 0]);
  });

  it('leaves a label outside the classes to the metric state, which refuses it', () => {
    for (const label of [2, -1, 0.5]) {
      const scored = scoreBatch(Float32Array.from([0.5, 0.5]), {
        size: 1,
        numClasses: 2,
        labels: [label],
        topK: 1,
      });
      expect(() => updateMetricState(createMetricState(2, 1), [label], scored, 1)).toThrow(
        new RegExp(`label ${label} / prediction 0 outside the 2 classes`),
      );
    }
  });

  it('refuses a buffer too short for the batch', () => {
    expect(() =>
      scoreBatch(Float32Array.from([0.5, 0.5, 0.1]), { size: 2, numClasses: 2, labels: [0, 1], topK: 1 }),
    ).toThrow(/3 scores for 2 samples/);
    expect(() =>
      scoreBatch(Float32Array.from([0.5, 0.5]), { size: 1, numClasses: 2, labels: [], topK: 1 }),
    ).toThrow(/0 labels for 1 samples/);
  });
});
