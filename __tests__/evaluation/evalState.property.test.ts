/**
 * The one evaluation state merges exactly: a real test set split at random into 2..6 parts (random
 * partitions of the sample indices, fed in random order and random batch sizes), each part evaluated
 * separately and the parts merged in random order, gives the report of the unsplit run, figure for
 * figure and record for record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compute, create, type CreateOptions, merge, update } from '../../src/evaluation/evalState.js';
import { fromJSON, toJSON } from '../../src/evaluation/evalStateJSON.js';
import {
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import { createMetricState, updateMetricState } from '../../src/metrics/metricState.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import type { EvalState, ValueRange } from '../../src/evaluation/types.js';
import { buildReport } from '../../src/report/buildReport.js';
import type { Report } from '../../src/report/types.js';
import { createRandom, type Random } from '../../src/stats/random.js';
import { type RealRun, realRun } from './fixtures.js';

let run: RealRun;
let spec: CreateOptions;

beforeAll(async () => {
  run = await realRun();
  spec = {
    classNames: run.config.classes,
    topK: run.topK,
    samples: run.testSet.samples.length,
    sliceColumns: run.testSet.sliceColumns,
    sumBlock: run.config.batchSize,
  };
}, 60_000);

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
function shuffled(n: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** A random partition of the samples into `parts` non-empty parts, each in random order. */
function randomPartition(parts: number, random: Random): number[][] {
  const order = shuffled(run.testSet.samples.length, random);
  const groups: number[][] = Array.from({ length: parts }, (_, p) => [order[p]]);
  for (const index of order.slice(parts)) groups[random.int(parts)].push(index);
  return groups;
}

/** Evaluates the samples at `indices` into a fresh state, in batches of random sizes (1..97). */
function evaluatePart(indices: number[], random: Random): EvalState {
  const state = create(spec);
  const c = spec.classNames.length;
  for (let start = 0; start < indices.length; ) {
    const batch = indices.slice(start, start + 1 + random.int(97));
    const probabilities = new Float32Array(batch.length * c);
    batch.forEach((index, j) => {
      probabilities.set(run.probabilities.subarray(index * c, (index + 1) * c), j * c);
    });
    update(state, {
      probabilities,
      size: batch.length,
      labels: Int32Array.from(batch, (i) => run.labels[i]),
      indices: batch,
      slices: batch.map((i) => run.testSet.samples[i].slices),
      inputs: rangeOf(batch),
    });
    start += batch.length;
  }
  return state;
}

/** The input range of some samples, from each sample's own (the pipeline measures it per batch). */
function rangeOf(indices: number[]): ValueRange {
  const ranges = indices.map((i) => run.sampleRanges[i]);
  return {
    rawMin: Math.min(...ranges.map((r) => r.rawMin)),
    rawMax: Math.max(...ranges.map((r) => r.rawMax)),
    min: Math.min(...ranges.map((r) => r.min)),
    max: Math.max(...ranges.map((r) => r.max)),
  };
}

/** The report of a state, with the unsplit run's identities and settings. */
function reportOf(state: EvalState): Report {
  const { report, config, testSet } = run;
  return buildReport({
    config,
    testSet,
    digest: report.testSet.digest,
    locked: report.testSet.locked,
    identity: report.model,
    runtimeVersion: report.environment.onnxruntime,
    preprocess: report.settings.preprocess as unknown as Parameters<typeof buildReport>[0]['preprocess'],
    result: compute(state, { confidence: config.statistics.confidence }),
    inferenceSeconds: 0,
    warnings: [],
    threads: { decodeWorkers: report.settings.decodeWorkers, intraOpThreads: report.settings.intraOpThreads },
    totalSeconds: 1,
  });
}

/** A report without what differs between any two runs: its creation time and timings. */
function comparable(report: Report): Omit<Report, 'createdAt' | 'timing'> {
  const { createdAt: _createdAt, timing: _timing, ...rest } = report;
  return rest;
}

describe('EvalState merge over random splits of the digits test set (real model outputs)', () => {
  it('is the unsplit run: every metric, interval, slice, calibration figure, record and the input range', () => {
    expect(run.report.slices.length).toBeGreaterThan(0); // the slices are exercised
    expect(run.report.inputRange).toMatchObject({ rawMin: 0, rawMax: 255, min: -1, max: 1 }); // and the range
    const unsplit = comparable(run.report);
    const random = createRandom(20261204);
    for (let trial = 0; trial < 40; trial++) {
      const parts = randomPartition(2 + random.int(5), random).map((part) => evaluatePart(part, random));
      // Merged in random order, as a random binary tree.
      const pool = shuffled(parts.length, random).map((p) => parts[p]);
      while (pool.length > 1) {
        const i = random.int(pool.length - 1);
        pool.splice(i, 2, merge(pool[i], pool[i + 1]));
      }
      const report = comparable(reportOf(pool[0]));
      expect(report, `trial ${trial}: ${parts.length} parts`).toEqual(unsplit);
      // Bit for bit: toEqual treats +0 and -0 alike, JSON does not lose digits.
      expect(JSON.stringify(report)).toBe(JSON.stringify(unsplit));
    }
  });

  it('gives the figures of the separate metric and calibration states fed batch by batch (the code before EvalState)', () => {
    const { config, probabilities, labels } = run;
    const c = config.classes.length;
    const metrics = createMetricState(c, run.topK);
    const calibration = createCalibrationState(c);
    for (let start = 0; start < labels.length; start += config.batchSize) {
      const size = Math.min(config.batchSize, labels.length - start);
      const rows = probabilities.subarray(start * c, (start + size) * c);
      const batchLabels = labels.subarray(start, start + size);
      const scored = scoreBatch(rows, { size, numClasses: c, labels: batchLabels, topK: run.topK });
      updateMetricState(metrics, batchLabels, scored, size);
      updateCalibrationState(calibration, rows, batchLabels, size);
    }
    const { classes, confusionMatrix, ...headline } = computeMetrics(
      metrics,
      config.classes,
      config.statistics.confidence,
    );
    expect(run.report.metrics).toEqual(headline);
    expect(run.report.classes).toEqual(classes);
    expect(run.report.confusionMatrix).toEqual(confusionMatrix);
    const { state: _state, ...figures } = run.report.calibration!;
    expect(JSON.stringify(figures)).toBe(JSON.stringify(computeCalibration(calibration)));
  });

  it('merges associatively and commutatively', () => {
    const random = createRandom(7);
    for (let trial = 0; trial < 10; trial++) {
      const [a, b, c] = randomPartition(3, random).map((part) => evaluatePart(part, random));
      const left = compute(merge(merge(a, b), c));
      expect(compute(merge(a, merge(b, c)))).toEqual(left);
      expect(compute(merge(merge(c, a), b))).toEqual(left);
      expect(compute(merge(b, merge(c, a)))).toEqual(left);
    }
  });

  it('leaves its inputs unchanged', () => {
    const random = createRandom(11);
    const [a, b] = randomPartition(2, random).map((part) => evaluatePart(part, random));
    const before = [JSON.stringify(toJSON(a)), JSON.stringify(toJSON(b))];
    const merged = merge(a, b);
    expect(merged).not.toBe(a);
    expect([JSON.stringify(toJSON(a)), JSON.stringify(toJSON(b))]).toEqual(before);
    // And shares no buffer with them: changing an input afterwards leaves the merged state as it was.
    const mergedBefore = JSON.stringify(toJSON(merged));
    a.metrics.confusion.fill(0);
    a.records.label.fill(0);
    b.slices.clear();
    expect(JSON.stringify(toJSON(merged))).toBe(mergedBefore);
  });

  it('round-trips partial and merged states through JSON, figures unchanged', () => {
    const random = createRandom(3);
    const parts = randomPartition(4, random).map((part) => evaluatePart(part, random));
    const restored = parts.map((part) => fromJSON(JSON.parse(JSON.stringify(toJSON(part)))));
    for (const [i, state] of restored.entries()) expect(toJSON(state)).toEqual(toJSON(parts[i]));
    expect(comparable(reportOf(restored.reduce(merge)))).toEqual(comparable(run.report));
  });
});
