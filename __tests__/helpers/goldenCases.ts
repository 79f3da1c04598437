/** Loads the scikit-learn golden cases written by scripts/golden/make_metric_goldens.py. */

import { readFileSync } from 'node:fs';

export interface GoldenExpected {
  accuracy: number;
  topKAccuracy: number;
  topKHits: number;
  /** 1 where sklearn's top_k_accuracy_score counts the sample as a hit. */
  topKHitsPerSample: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedPrecision: number;
  weightedRecall: number;
  weightedF1: number;
  balancedAccuracy: number | null;
  matthewsCorrelation: number | null;
  cohenKappa: number | null;
  confusionMatrix: number[][];
}

export interface GoldenCase {
  name: string;
  description: string;
  classNames: string[];
  topK: number;
  probabilityScale: number;
  labels: number[];
  predictions: number[];
  /** Integers over probabilityScale, row-major. */
  probabilities: number[];
  expected: GoldenExpected;
}

export function loadGoldenCases(): GoldenCase[] {
  const url = new URL('../__fixtures__/golden/metrics.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** float32(int / scale), exactly as the generator builds the scores (Float32Array stores round once). */
export function goldenScores(golden: GoldenCase): Float32Array {
  const scores = new Float32Array(golden.probabilities.length);
  for (let i = 0; i < scores.length; i++) scores[i] = golden.probabilities[i] / golden.probabilityScale;
  return scores;
}

/** Small seeded generator (mulberry32) so that test splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
