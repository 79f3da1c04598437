/** Turning a model's raw class scores into class probabilities, and checks on those scores. */
import type { OutputKind } from './types.js';

/**
 * Converts raw scores (`size` rows of `numClasses`, sample-major) to probabilities by `kind`:
 * - logits: softmax, made numerically stable by subtracting the row maximum before exp
 *   (Goodfellow et al., Deep Learning, section 4.1), summed in float64;
 * - probabilities: copied as they are;
 * - log-probabilities: exp (a row's -Infinity is probability 0).
 */
export function toProbabilities(
  raw: Float32Array,
  size: number,
  numClasses: number,
  kind: OutputKind,
): Float32Array {
  const out = new Float32Array(size * numClasses);
  if (kind === 'probabilities') {
    out.set(raw.subarray(0, size * numClasses));
    return out;
  }
  for (let row = 0; row < size; row++) {
    const start = row * numClasses;
    if (kind === 'log-probabilities') {
      for (let c = 0; c < numClasses; c++) out[start + c] = Math.exp(raw[start + c]);
      continue;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) if (raw[start + c] > max) max = raw[start + c];
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
  return out;
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
 * sums to 1 within `tolerance`. Callers use it on raw scores to warn that `model.outputs: logits`
 * is probably wrong (softmax over probabilities flattens every confidence).
 */
export function looksLikeProbabilities(
  values: Float32Array,
  size: number,
  numClasses: number,
  tolerance = 1e-3,
): boolean {
  if (size === 0) return false;
  for (let row = 0; row < size; row++) {
    const start = row * numClasses;
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = values[start + c];
      if (!(v >= 0 && v <= 1)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > tolerance) return false;
  }
  return true;
}
