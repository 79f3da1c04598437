import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import {
  addSample,
  createMetricState,
  mergeMetricStates,
  metricStateFromJSON,
  metricStateToJSON,
  updateMetricState,
} from '../../src/metrics/metricState.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import type { MetricState } from '../../src/metrics/types.js';
import { type GoldenCase, goldenScores, loadGoldenCases, seededRandom } from '../helpers/goldenCases.js';

const cases = loadGoldenCases();
const golden = cases.find((c) => c.name === 'random-10-classes')!;
const classes = golden.classNames.length;

/** States of consecutive random-sized batches (1..maxBatch samples) over the golden case. */
function batchStates(g: GoldenCase, seed: number, maxBatch: number): MetricState[] {
  const random = seededRandom(seed);
  const scores = goldenScores(g);
  const c = g.classNames.length;
  const states: MetricState[] = [];
  for (let start = 0; start < g.labels.length; ) {
    const size = Math.min(g.labels.length - start, 1 + Math.floor(random() * maxBatch));
    const labels = Int32Array.from(g.labels.slice(start, start + size));
    const scored = scoreBatch(scores.subarray(start * c, (start + size) * c), {
      size,
      numClasses: c,
      labels,
      topK: g.topK,
    });
    states.push(updateMetricState(createMetricState(c, g.topK), labels, scored, size));
    start += size;
  }
  return states;
}

function onePass(g: GoldenCase): MetricState {
  const [state] = batchStates(g, 1, g.labels.length * 2);
  return state;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('metric state', () => {
  it('gives identical metrics from random batches merged in any order as from one pass', () => {
    for (const g of cases) {
      const whole = computeMetrics(onePass(g), g.classNames);
      for (const seed of [2, 3, 4]) {
        const random = seededRandom(seed * 101);
        const parts = shuffle(batchStates(g, seed, 37), random);
        const merged = parts.reduce(mergeMetricStates);
        expect(computeMetrics(merged, g.classNames), `${g.name} seed ${seed}`).toEqual(whole);
      }
    }
  });

  it('gives identical metrics from shards merged as a tree and as a chain', () => {
    const shards = batchStates(golden, 9, 60);
    const chain = shards.reduce(mergeMetricStates);
    let level = shards;
    while (level.length > 1) {
      const next: MetricState[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? mergeMetricStates(level[i], level[i + 1]) : level[i]);
      }
      level = next;
    }
    expect(level[0]).toEqual(chain);
    expect(computeMetrics(level[0], golden.classNames)).toEqual(
      computeMetrics(onePass(golden), golden.classNames),
    );
  });

  it('merges associatively and commutatively, without changing its inputs', () => {
    const [a, b, c] = batchStates(golden, 5, 200);
    const before = metricStateToJSON(a);
    expect(mergeMetricStates(mergeMetricStates(a, b), c)).toEqual(
      mergeMetricStates(a, mergeMetricStates(b, c)),
    );
    expect(mergeMetricStates(a, b)).toEqual(mergeMetricStates(b, a));
    expect(metricStateToJSON(a)).toEqual(before);
    expect(mergeMetricStates(a, b)).not.toBe(a);
  });

  it('treats an empty state as the identity of merge', () => {
    const [a] = batchStates(golden, 6, 100);
    expect(mergeMetricStates(a, createMetricState(classes, golden.topK))).toEqual(a);
  });

  it('refuses to merge states of different class counts or top-k settings', () => {
    expect(() => mergeMetricStates(createMetricState(10, 5), createMetricState(12, 5))).toThrow(
      /10 classes .* 12 classes/,
    );
    expect(() => mergeMetricStates(createMetricState(10, 5), createMetricState(10, 1))).toThrow(
      /top-5.*top-1/,
    );
  });

  it('builds the same state sample by sample (slices) as batch by batch', () => {
    const scored = scoreBatch(goldenScores(golden), {
      size: golden.labels.length,
      numClasses: classes,
      labels: golden.labels,
      topK: golden.topK,
    });
    const bySample = createMetricState(classes, golden.topK);
    golden.labels.forEach((label, i) => {
      addSample(bySample, label, scored.predictions[i], scored.topKHits[i] === 1);
    });
    expect(bySample).toEqual(onePass(golden));
  });

  it('round-trips through plain JSON and merges the restored states', () => {
    const shards = batchStates(golden, 8, 150);
    const restored = shards.map((s) => metricStateFromJSON(JSON.parse(JSON.stringify(metricStateToJSON(s)))));
    expect(restored).toEqual(shards);
    expect(restored.reduce(mergeMetricStates)).toEqual(onePass(golden));
    const json = metricStateToJSON(shards[0]);
    expect(Array.isArray(json.confusion)).toBe(true);
    expect(json.confusion.length).toBe(classes * classes);
  });

  it('rejects stored states that are not consistent counts, naming the problem', () => {
    const good = metricStateToJSON(onePass(golden));
    expect(() => metricStateFromJSON(null)).toThrow(/expected an object/);
    expect(() => metricStateFromJSON({ ...good, confusion: good.confusion.slice(1) })).toThrow(/10x10 = 100/);
    expect(() => metricStateFromJSON({ ...good, count: good.count + 1 })).toThrow(
      /differs from the confusion total/,
    );
    expect(() => metricStateFromJSON({ ...good, topKHits: good.count + 1 })).toThrow(/exceeds count/);
    const negative = good.confusion.slice();
    negative[3] = -1;
    expect(() => metricStateFromJSON({ ...good, confusion: negative }, 'shard-2.json')).toThrow(
      /confusion\[3\]/,
    );
    expect(() => metricStateFromJSON({ ...good, numClasses: 0 })).toThrow(/numClasses/);
  });

  it('refuses labels or predictions outside the classes of the state', () => {
    const state = createMetricState(3, 1);
    expect(() => addSample(state, 3, 0, false)).toThrow(/outside the 3 classes/);
    expect(() => addSample(state, 0, 1.5, false)).toThrow(/outside the 3 classes/);
    const scored = {
      predictions: Int32Array.from([0]),
      confidences: Float32Array.from([1]),
      topKHits: Uint8Array.of(1),
    };
    expect(() => updateMetricState(state, [5], scored, 1)).toThrow(/outside the 3 classes/);
    expect(state.count).toBe(0);
  });
});
