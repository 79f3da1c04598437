/**
 * Turning a model's raw class scores into class probabilities, and checking on the way that the
 * scores are what `model.outputs` says they are (docs/config.md, "What the model emits").
 */
import type { OutputKind } from './types.js';

/**
 * Largest |row sum - 1| accepted for a row declared `probabilities` (sum of the values) or
 * `log-probabilities` (sum of their exponentials), for float32 and float64 outputs. A float32
 * softmax sums to 1 within about 1e-6 (K roundings of 2^-24 each); 1e-3 leaves room for softmaxes
 * computed in lower precision inside the graph and cast back.
 */
export const ROW_SUM_TOLERANCE = 1e-3;

/**
 * The same for float16 outputs. Rounding each probability to float16 changes it by at most 2^-11
 * of itself, so a row's sum by at most 2^-11 = 0.00049; rounding a log-probability log p changes
 * p by up to |log p| * 2^-11 of itself, so the row's sum by up to H * 2^-11, H the row's entropy in
 * nats (at most ln K: 0.0011 for 10 classes, 0.0034 for 1,000). 1e-2 covers both for any class
 * count a classifier has (ln K <= 20), with room for a softmax accumulated in float16.
 */
export const FLOAT16_ROW_SUM_TOLERANCE = 1e-2;

/**
 * The negative mass a row of probabilities may hold in all, and how far a log-probability may lie
 * above 0: a softmax computed in floating point gives values in [0, 1] exactly (e / sum with
 * e <= sum), and a log-softmax values <= 0, so this only absorbs conversions outside evalgate's view.
 */
export const VALUE_TOLERANCE = 1e-4;

/** The row-sum tolerance for an output of ONNX element type `type` ('float16', 'float32', ...). */
export function rowSumTolerance(type: string | null | undefined): number {
  return type === 'float16' ? FLOAT16_ROW_SUM_TOLERANCE : ROW_SUM_TOLERANCE;
}

/**
 * One offending row: the smallest and largest raw score and the row's sum (of the scores for
 * `probabilities`, of their exponentials for `log-probabilities`).
 */
export interface OutputRowFigures {
  /** Batch-local row index. */
  row: number;
  min: number;
  max: number;
  sum: number;
}

/** Rows of one batch that do not hold what `model.outputs` declares. */
export interface OutputKindMismatch {
  declared: 'probabilities' | 'log-probabilities';
  /** Rows in the batch. */
  size: number;
  /** Batch-local indices of every offending row, in order. */
  rows: number[];
  /** Figures of the first offending rows (at most MISMATCH_ROWS_SHOWN). */
  first: OutputRowFigures[];
  /**
   * The setting every row of the batch fits: 'probabilities' (values in [0, 1], rows summing to 1),
   * 'log-probabilities' (values <= 0 whose exponentials sum to 1), else 'logits'.
   */
  fits: OutputKind;
  /** Every value of the batch lies in [0, 1] although the rows are no distributions (sigmoid scores?). */
  unitInterval: boolean;
  /** The row-sum tolerance used. */
  tolerance: number;
}

/** What converting one batch gives: the probabilities and what the check found. */
export interface ConvertedOutputs {
  probabilities: Float32Array;
  /** Rows that contradict the declared kind; null when every row fits it (always null for logits). */
  mismatch: OutputKindMismatch | null;
  /**
   * Logits only: every row already looks like a probability distribution (softmax would flatten
   * the confidences, a warning). false for the other kinds and for an empty batch.
   */
  looksLikeProbabilities: boolean;
}

/** Offending rows whose figures a mismatch carries (and the error message shows). */
export const MISMATCH_ROWS_SHOWN = 3;

/**
 * Converts raw scores (`size` rows of `numClasses`, sample-major) to probabilities by `kind`, and
 * checks each row against `kind` in the same pass over the scores:
 * - logits: softmax, made numerically stable by subtracting the row maximum before exp
 *   (Goodfellow et al., Deep Learning, section 4.1), summed in float64; any value is accepted,
 *   and the pass notes whether every row already looks like probabilities;
 * - probabilities: copied as they are; each row must sum to 1 within `tolerance` and hold no
 *   negative mass beyond VALUE_TOLERANCE (so every value lies in [0, 1] within the tolerances);
 * - log-probabilities: exp (a row's -Infinity is probability 0); every value must be <= 0 and the
 *   exponentials of a row must sum to 1 within `tolerance`.
 * The check costs a comparison and an addition per score, on values the conversion reads anyway.
 */
export function convertOutputs(
  raw: Float32Array,
  size: number,
  numClasses: number,
  kind: OutputKind,
  tolerance = ROW_SUM_TOLERANCE,
): ConvertedOutputs {
  const out = new Float32Array(size * numClasses);
  const bad: number[] = [];
  if (kind === 'logits') {
    let allDistributions = size > 0;
    for (let row = 0; row < size; row++) {
      const start = row * numClasses;
      let max = Number.NEGATIVE_INFINITY;
      let rawSum = 0;
      let absSum = 0;
      for (let c = 0; c < numClasses; c++) {
        const v = raw[start + c];
        if (v > max) max = v;
        rawSum += v;
        absSum += Math.abs(v);
      }
      if (allDistributions && !isDistribution(rawSum, absSum, tolerance)) allDistributions = false;
      // exp once per logit: the exponentials go into `out` (float32) and are then divided by their
      // float64 sum; max - max = 0 gives exp(0) = 1, so the sum is at least 1 and never overflows.
      let sum = 0;
      for (let c = 0; c < numClasses; c++) {
        const e = Math.exp(raw[start + c] - max);
        out[start + c] = e;
        sum += e;
      }
      for (let c = 0; c < numClasses; c++) out[start + c] /= sum;
    }
    return { probabilities: out, mismatch: null, looksLikeProbabilities: allDistributions };
  }
  if (kind === 'probabilities') {
    out.set(raw.subarray(0, size * numClasses));
    for (let row = 0; row < size; row++) {
      const start = row * numClasses;
      // Two sums instead of a minimum and a maximum (half the time per score): the row's sum, and
      // the sum of its absolute values, which exceeds the sum by twice the negative mass. A row
      // whose sum is 1 and whose negative mass is at most VALUE_TOLERANCE has every value in
      // [-VALUE_TOLERANCE, 1 + tolerance + VALUE_TOLERANCE]: no value can exceed the sum by more.
      let sum = 0;
      let absSum = 0;
      for (let c = start, end = start + numClasses; c < end; c++) {
        const v = raw[c];
        sum += v;
        absSum += Math.abs(v);
      }
      // Written as "not inside" so that a NaN counts as outside.
      if (!isDistribution(sum, absSum, tolerance)) bad.push(row);
    }
  } else {
    for (let row = 0; row < size; row++) {
      const start = row * numClasses;
      let max = Number.NEGATIVE_INFINITY;
      let sum = 0;
      for (let c = 0; c < numClasses; c++) {
        const v = raw[start + c];
        const e = Math.exp(v);
        out[start + c] = e;
        if (v > max) max = v;
        sum += e;
      }
      if (!(max <= VALUE_TOLERANCE && Math.abs(sum - 1) <= tolerance)) bad.push(row);
    }
  }
  const mismatch = bad.length === 0 ? null : describeMismatch(raw, size, numClasses, kind, bad, tolerance);
  return { probabilities: out, mismatch, looksLikeProbabilities: false };
}

/**
 * A row that sums to 1 within `tolerance` with at most VALUE_TOLERANCE of negative mass, from its
 * sum and the sum of its absolute values (see the probabilities branch of convertOutputs). Written
 * as one "inside" test so that a NaN is never inside.
 */
function isDistribution(sum: number, absSum: number, tolerance: number): boolean {
  return Math.abs(sum - 1) <= tolerance && absSum - sum <= 2 * VALUE_TOLERANCE;
}

/**
 * The mismatch of a batch, once some rows are known to contradict the declared kind: the figures of
 * the first offending rows and the setting the whole batch fits. A second pass over the batch, run
 * only on the way to an error.
 */
function describeMismatch(
  raw: Float32Array,
  size: number,
  numClasses: number,
  declared: 'probabilities' | 'log-probabilities',
  rows: number[],
  tolerance: number,
): OutputKindMismatch {
  let allProbabilities = size > 0;
  let allLogProbabilities = size > 0;
  let unitInterval = size > 0;
  const figures = new Map<number, OutputRowFigures>();
  const shown = new Set(rows.slice(0, MISMATCH_ROWS_SHOWN));
  for (let row = 0; row < size; row++) {
    const start = row * numClasses;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let absSum = 0;
    let expSum = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = raw[start + c];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      absSum += Math.abs(v);
      expSum += Math.exp(v);
    }
    if (!isDistribution(sum, absSum, tolerance)) allProbabilities = false;
    if (!(max <= VALUE_TOLERANCE && Math.abs(expSum - 1) <= tolerance)) allLogProbabilities = false;
    if (!(min >= -VALUE_TOLERANCE && max <= 1 + VALUE_TOLERANCE)) unitInterval = false;
    if (shown.has(row)) figures.set(row, { row, min, max, sum: declared === 'probabilities' ? sum : expSum });
  }
  const fits: OutputKind = allProbabilities
    ? 'probabilities'
    : allLogProbabilities
      ? 'log-probabilities'
      : 'logits';
  return {
    declared,
    size,
    rows,
    first: [...shown].map((row) => figures.get(row)!),
    fits,
    unitInterval: unitInterval && fits === 'logits',
    tolerance,
  };
}

/**
 * Converts raw scores to probabilities by `kind` (convertOutputs without looking at its checks):
 * for callers that checked the scores already, or do not need to.
 */
export function toProbabilities(
  raw: Float32Array,
  size: number,
  numClasses: number,
  kind: OutputKind,
): Float32Array {
  return convertOutputs(raw, size, numClasses, kind).probabilities;
}

/**
 * Batch-local indices of the rows whose raw scores cannot be turned into probabilities: any NaN or
 * infinity, except that log-probabilities may hold -Infinity (probability 0) as long as the row
 * has at least one finite value.
 */
export function findNonFiniteRows(
  raw: Float32Array,
  size: number,
  numClasses: number,
  kind: OutputKind,
): number[] {
  const rows: number[] = [];
  for (let row = 0; row < size; row++) {
    const start = row * numClasses;
    let bad = false;
    let finite = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = raw[start + c];
      if (Number.isFinite(v)) finite++;
      else if (!(kind === 'log-probabilities' && v === Number.NEGATIVE_INFINITY)) bad = true;
    }
    if (bad || finite === 0) rows.push(row);
  }
  return rows;
}

/**
 * True when every row looks like a probability distribution: all values in [0, 1] and the row
 * sums to 1 within `tolerance`. The test convertOutputs applies to logits (for the warning that
 * `model.outputs: logits` is probably wrong: softmax over probabilities flattens every confidence).
 */
export function looksLikeProbabilities(
  values: Float32Array,
  size: number,
  numClasses: number,
  tolerance = ROW_SUM_TOLERANCE,
): boolean {
  if (size === 0) return false;
  for (let row = 0; row < size; row++) {
    const start = row * numClasses;
    let sum = 0;
    let absSum = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = values[start + c];
      sum += v;
      absSum += Math.abs(v);
    }
    if (!isDistribution(sum, absSum, tolerance)) return false;
  }
  return true;
}
