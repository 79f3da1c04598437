/**
 * Turns one batch of class scores into per-sample predictions, confidences and top-k hits.
 *
 * Tie rules follow the reference implementations the golden files come from:
 * - prediction: the FIRST maximum, as `numpy.argmax`;
 * - top-k: scikit-learn's `top_k_accuracy_score` sorts each row with a stable ascending
 *   mergesort and reverses it, so among equal scores the HIGHER class index ranks first.
 *   The true class t is therefore a hit when
 *   `#{j : s_j > s_t} + #{j > t : s_j == s_t} < k`,
 *   which is counted here in O(C) per sample, without sorting and without allocating.
 */

import { InternalError } from '../shared/errors.js';
import type { ScoredBatch } from './types.js';

/** What scoreBatch needs besides the scores: one options object per batch, never per sample. */
export interface ScoreBatchOptions {
  /** Samples in the batch (rows of `probabilities` used). */
  size: number;
  numClasses: number;
  /** True class index of each sample. */
  labels: Int32Array | number[];
  /** k of top-k accuracy; 0 turns it off. */
  topK: number;
}

/**
 * Scores `size` samples whose `numClasses` scores lie row-major in `probabilities`. `labels` must be
 * class indices: they are checked once, where the batch is added to a metric state
 * (updateMetricState / addSample), not here as well; a label outside the classes only makes its
 * own top-k hit meaningless until that check refuses it.
 * `topK` = 0 turns top-k off (every hit is 0); `topK` >= `numClasses` makes every sample a hit,
 * as in scikit-learn.
 */
export function scoreBatch(probabilities: Float32Array, batch: ScoreBatchOptions): ScoredBatch {
  checkShape(probabilities, batch);
  const { size, numClasses, labels, topK } = batch;
  const predictions = new Int32Array(size);
  const confidences = new Float32Array(size);
  const topKHits = new Uint8Array(size);
  const c = numClasses;

  for (let i = 0; i < size; i++) {
    const base = i * c;
    const label = labels[i];
    let best = probabilities[base];
    let bestIndex = 0;
    if (topK > 0) {
      // One pass computes both the argmax and the rank of the true class. Classes before the label
      // outrank it with a strictly greater score, classes after it with an equal one too (sklearn's
      // tie order). The second loop also counts the label itself (v === trueScore), hence rank = -1.
      const trueScore = probabilities[base + label];
      let rank = -1;
      for (let j = 1; j < label; j++) {
        const v = probabilities[base + j];
        if (v > best) {
          best = v;
          bestIndex = j;
        }
        if (v > trueScore) rank++;
      }
      if (label > 0 && probabilities[base] > trueScore) rank++;
      for (let j = label; j < c; j++) {
        const v = probabilities[base + j];
        if (v > best) {
          best = v;
          bestIndex = j;
        }
        if (v >= trueScore) rank++;
      }
      topKHits[i] = rank < topK ? 1 : 0;
    } else {
      for (let j = 1; j < c; j++) {
        const v = probabilities[base + j];
        if (v > best) {
          best = v;
          bestIndex = j;
        }
      }
    }
    predictions[i] = bestIndex;
    confidences[i] = best;
  }
  return { predictions, confidences, topKHits };
}

function checkShape(
  probabilities: Float32Array,
  { size, numClasses, labels, topK }: ScoreBatchOptions,
): void {
  const problems: string[] = [];
  if (!Number.isInteger(numClasses) || numClasses < 1) problems.push(`numClasses ${numClasses} is not >= 1`);
  if (!Number.isInteger(size) || size < 0) problems.push(`size ${size} is not a count`);
  if (!Number.isInteger(topK) || topK < 0) problems.push(`topK ${topK} is not >= 0`);
  if (problems.length === 0 && probabilities.length < size * numClasses) {
    problems.push(`${probabilities.length} scores for ${size} samples x ${numClasses} classes`);
  }
  if (problems.length === 0 && labels.length < size)
    problems.push(`${labels.length} labels for ${size} samples`);
  if (problems.length > 0) {
    throw new InternalError(`scoreBatch: ${problems.join('; ')}`, { where: 'scoreBatch' });
  }
}
