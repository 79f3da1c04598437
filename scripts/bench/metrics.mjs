// Benchmark of the metrics stage (issue 2, part 13): all metrics for 1,000,000 predictions over
// 100 classes must take under 1 s. Feeds random probabilities through scoreBatch + updateMetricState
// + updateCalibrationState (issue 4: ECE, MCE, adaptive ECE, Brier, NLL) in batches of 10,000, then
// computeMetrics + computeCalibration. Generating the data is not timed.
//
// Uses the compiled code in lib/ (run `npx tsc -p tsconfig.build.json` first; `npm run bench` does).
// Standalone: `node scripts/bench/metrics.mjs`.

import { pathToFileURL } from 'node:url';
import {
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../lib/metrics/calibration.js';
import { computeMetrics } from '../../lib/metrics/computeMetrics.js';
import { createMetricState, updateMetricState } from '../../lib/metrics/metricState.js';
import { scoreBatch } from '../../lib/metrics/scoreBatch.js';

/** mulberry32: a small seeded generator, so every run scores the same data. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills one batch: random scores with extra mass on the true class (~70% accuracy), rows normalised. */
function fillBatch(random, probabilities, labels, size, numClasses) {
  for (let i = 0; i < size; i++) {
    const label = Math.floor(random() * numClasses);
    labels[i] = label;
    const base = i * numClasses;
    for (let j = 0; j < numClasses; j++) probabilities[base + j] = random() * random();
    probabilities[base + label] += random() < 0.7 ? 1 : 0;
    let total = 0;
    for (let j = 0; j < numClasses; j++) total += probabilities[base + j];
    for (let j = 0; j < numClasses; j++) probabilities[base + j] /= total;
  }
}

/**
 * Runs the benchmark and returns its figures (seconds). Options let a caller shrink it.
 * @param {{ samples?: number, numClasses?: number, batchSize?: number, topK?: number, seed?: number }} [options]
 */
export function benchMetrics(options = {}) {
  const { samples = 1_000_000, numClasses = 100, batchSize = 10_000, topK = 5, seed = 1 } = options;
  const random = seededRandom(seed);
  const probabilities = new Float32Array(batchSize * numClasses);
  const labels = new Int32Array(batchSize);
  const state = createMetricState(numClasses, topK);
  const calibration = createCalibrationState(numClasses);
  let updateNs = 0n;
  for (let done = 0; done < samples; done += batchSize) {
    const size = Math.min(batchSize, samples - done);
    fillBatch(random, probabilities, labels, size, numClasses);
    const start = process.hrtime.bigint();
    const scored = scoreBatch(probabilities, { size, numClasses, labels, topK });
    updateMetricState(state, labels, scored, size);
    updateCalibrationState(calibration, probabilities, labels, size);
    updateNs += process.hrtime.bigint() - start;
  }
  const start = process.hrtime.bigint();
  const classNames = Array.from({ length: numClasses }, (_, i) => `class${i}`);
  const metrics = computeMetrics(state, classNames);
  computeCalibration(calibration);
  const computeNs = process.hrtime.bigint() - start;
  const scoreAndUpdateSeconds = Number(updateNs) / 1e9;
  const computeSeconds = Number(computeNs) / 1e9;
  return {
    samples,
    numClasses,
    batchSize,
    topK,
    scoreAndUpdateSeconds,
    computeSeconds,
    totalSeconds: scoreAndUpdateSeconds + computeSeconds,
    accuracy: metrics.accuracy,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = benchMetrics();
  console.log(
    `metrics: ${r.samples.toLocaleString('en')} predictions x ${r.numClasses} classes (batches of ${r.batchSize}, top-${r.topK}): ` +
      `score+update ${r.scoreAndUpdateSeconds.toFixed(3)} s, compute ${r.computeSeconds.toFixed(4)} s, ` +
      `total ${r.totalSeconds.toFixed(3)} s (target < 1 s; accuracy ${r.accuracy?.toFixed(3)})`,
  );
}
