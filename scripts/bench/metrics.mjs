// Benchmark of the metrics stage (issue 2, part 13): all metrics for 1,000,000 predictions over
// 100 classes must take under 1 s. Feeds random probabilities through the pipeline's own evaluation
// state (src/evaluation: scoring, the confusion counts and the per-sample records from which
// calibration is formed) in batches of 10,000, then computes every figure (metrics, intervals, ECE,
// MCE, adaptive ECE, Brier, NLL). Generating the data is not timed.
//
// Uses the compiled code in lib/ (run `npx tsc -p tsconfig.build.json` first; `npm run bench` does).
// Standalone: `node scripts/bench/metrics.mjs`.

import { pathToFileURL } from 'node:url';
import { compute, create, update } from '../../lib/evaluation/evalState.js';
import { createRandom } from '../../lib/stats/random.js';

/** Uniform floats in [0, 1) from the project's seeded generator, so every run scores the same data. */
function seededRandom(seed) {
  const random = createRandom(seed);
  return () => random.next();
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
  const classNames = Array.from({ length: numClasses }, (_, i) => `class${i}`);
  const state = create({ classNames, topK, samples, sumBlock: batchSize });
  let updateNs = 0n;
  for (let done = 0; done < samples; done += batchSize) {
    const size = Math.min(batchSize, samples - done);
    fillBatch(random, probabilities, labels, size, numClasses);
    const indices = Int32Array.from({ length: size }, (_, i) => done + i);
    const start = process.hrtime.bigint();
    update(state, { probabilities, size, labels, indices });
    updateNs += process.hrtime.bigint() - start;
  }
  const start = process.hrtime.bigint();
  const { metrics } = compute(state, { confidence: 0.95 });
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
