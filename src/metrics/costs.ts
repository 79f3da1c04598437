/**
 * Expected misclassification cost under a cost matrix (`costs` in evalgate.yml; rows = true class,
 * columns = predicted class, class-list order): the cost of a sample is matrix[true][predicted],
 * the expected cost per sample is their mean. The confusion matrix is a sufficient statistic:
 *   Σ cost = Σ_ij confusion[i][j]·matrix[i][j],   Σ cost² = Σ_ij confusion[i][j]·matrix[i][j]²,
 * so the mean and its t interval (src/stats meanInterval) need no per-sample records. Costs are in
 * the configured unit per sample.
 */

import { isClassPair } from './metricState.js';
import { InternalError } from '../shared/errors.js';
import { meanInterval } from '../stats/meanTests.js';
import type { CostMatrix, CostSummary } from './types.js';

/** The cost summary of a confusion matrix (rows = true class), with a t interval at `confidence`. */
export function computeCost(
  costs: CostMatrix,
  confusionMatrix: ArrayLike<ArrayLike<number>>,
  confidence = 0.95,
): CostSummary {
  const { matrix } = costs;
  const c = matrix.length;
  checkSquare(matrix, c, 'computeCost: the cost matrix');
  checkSquare(confusionMatrix, c, 'computeCost: the confusion matrix');
  let sum = 0;
  let sumOfSquares = 0;
  let samples = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const count = confusionMatrix[i][j];
      if (count === 0) continue;
      const cost = matrix[i][j];
      sum += count * cost;
      sumOfSquares += count * cost * cost;
      samples += count;
    }
  }
  return {
    ...(costs.unit !== undefined ? { unit: costs.unit } : {}),
    matrix: matrix.map((row) => [...row]),
    expected: samples > 0 ? sum / samples : null,
    interval: meanInterval(sum, sumOfSquares, samples, confidence),
    sum,
    sumOfSquares,
    samples,
  };
}

/**
 * Per-sample costs matrix[labels[i]][predictions[i]], for paired comparisons of two reports on the
 * same samples (the cost gate's paired t-test on differences).
 */
export function perSampleCosts(
  matrix: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
): Float64Array {
  const c = matrix.length;
  checkSquare(matrix, c, 'perSampleCosts: the cost matrix');
  if (labels.length !== predictions.length) {
    throw new InternalError(`perSampleCosts: ${labels.length} labels for ${predictions.length} predictions`);
  }
  const out = new Float64Array(labels.length);
  for (let i = 0; i < out.length; i++) {
    const label = labels[i];
    const prediction = predictions[i];
    if (!isClassPair(label, prediction, c)) {
      throw new InternalError(
        `perSampleCosts: label ${label} / prediction ${prediction} outside the ${c} classes of the cost matrix`,
      );
    }
    out[i] = matrix[label][prediction];
  }
  return out;
}

function checkSquare(matrix: ArrayLike<ArrayLike<number>>, c: number, what: string): void {
  let ok = matrix.length === c && c > 0;
  for (let i = 0; ok && i < c; i++) {
    const row = matrix[i];
    ok = row !== undefined && row.length === c;
    for (let j = 0; ok && j < c; j++) ok = Number.isFinite(row[j]);
  }
  if (!ok) {
    throw new InternalError(`${what} must be ${c}x${c} finite numbers`);
  }
}
