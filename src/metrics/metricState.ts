/**
 * Mergeable metric state: a confusion matrix of counts, a top-k hit count and a sample count.
 * Every metric is computed from these sums at the end (`computeMetrics`), never from running means,
 * so batches, slices, stress variants and shards all combine by the reducers its fields declare
 * (METRIC_FIELDS; the torchmetrics design: state = sums, merge = add).
 */

import { isCount } from '../shared/valueChecks.js';
import { type FieldSpecs, reduceFields } from '../shared/reducers.js';
import { type EvalgateError, InputError, InternalError } from '../shared/errors.js';
import type { MetricState, MetricStateJSON, ScoredBatch } from './types.js';

/**
 * How each field of a metric state merges (src/shared/reducers.ts): the counts add; numClasses and
 * topK are settings that both sides must share. Batches, slices, stress cells and shards all merge
 * by these declarations, here and in the evaluation state.
 */
export const METRIC_FIELDS: FieldSpecs<MetricState> = {
  numClasses: 'setting',
  topK: 'setting',
  confusion: 'sum',
  topKHits: 'sum',
  count: 'sum',
};

/** An empty state for `numClasses` classes; `topK` = 0 turns top-k accuracy off. */
export function createMetricState(numClasses: number, topK: number): MetricState {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InternalError(`a metric state needs at least 1 class, got ${numClasses}`);
  }
  if (!Number.isInteger(topK) || topK < 0) {
    throw new InternalError(`top-k must be an integer >= 0, got ${topK}`);
  }
  return { numClasses, topK, confusion: new Float64Array(numClasses * numClasses), topKHits: 0, count: 0 };
}

/**
 * Adds the first `size` samples of a scored batch to `state` (in place, for streaming) and returns it.
 * `labels[i]` is the true class index of sample i.
 */
export function updateMetricState(
  state: MetricState,
  labels: Int32Array | number[],
  scored: ScoredBatch,
  size: number,
): MetricState {
  const { predictions, topKHits } = scored;
  if (labels.length < size || predictions.length < size || topKHits.length < size) {
    throw new InternalError(
      `updateMetricState: ${size} samples, but ${labels.length} labels and ${predictions.length} predictions`,
    );
  }
  const c = state.numClasses;
  const confusion = state.confusion;
  let hits = 0;
  for (let i = 0; i < size; i++) {
    const label = labels[i];
    const prediction = predictions[i];
    // `(x | 0) === x` also rejects fractional labels from a plain number[] at no measurable cost.
    if (!((label | 0) === label && label >= 0 && label < c && prediction >= 0 && prediction < c)) {
      throw outOfRange(label, prediction, c);
    }
    confusion[label * c + prediction] += 1;
    hits += topKHits[i];
  }
  state.topKHits += hits;
  state.count += size;
  return state;
}

/** Adds one sample (used for slices, where samples of a batch go to different states). */
export function addSample(
  state: MetricState,
  label: number,
  prediction: number,
  topKHit: boolean | number,
): MetricState {
  const c = state.numClasses;
  if (!isClassPair(label, prediction, c)) {
    throw outOfRange(label, prediction, c);
  }
  state.confusion[label * c + prediction] += 1;
  if (topKHit) state.topKHits += 1;
  state.count += 1;
  return state;
}

/**
 * Sum of two states, as a new state (neither input is changed), by METRIC_FIELDS. Merging is
 * associative and commutative because every field is a count. States of different class counts or top-k settings
 * describe different evaluations and are refused.
 */
export function mergeMetricStates(a: MetricState, b: MetricState): MetricState {
  if (a.numClasses !== b.numClasses || a.topK !== b.topK) {
    throw new InputError(
      `metric states cannot be merged: one has ${a.numClasses} classes (top-${a.topK}), ` +
        `the other ${b.numClasses} classes (top-${b.topK})`,
      {
        code: 'E_INPUT',
        where: 'metric state',
        hint: 'merge only states computed with the same class list and the same top-k setting',
      },
    );
  }
  return reduceFields(METRIC_FIELDS, a, b);
}

/** Plain-JSON form of a state (confusion flattened row-major). */
export function metricStateToJSON(state: MetricState): MetricStateJSON {
  return {
    numClasses: state.numClasses,
    topK: state.topK,
    confusion: Array.from(state.confusion),
    topKHits: state.topKHits,
    count: state.count,
  };
}

/**
 * Reads a stored state back, checking that it is a consistent set of counts: non-negative integers,
 * C*C confusion cells, a sample count equal to the confusion total, and no more top-k hits than samples.
 */
export function metricStateFromJSON(value: unknown, where = 'metric state'): MetricState {
  const fail = (what: string): never => {
    throw new InputError(`invalid metric state: ${what}`, {
      code: 'E_REPORT_INVALID',
      where,
      hint: 'use a state written by metricStateToJSON, unchanged',
    });
  };
  if (typeof value !== 'object' || value === null) fail('expected an object');
  const v = value as Record<string, unknown>;
  const { numClasses, topK, confusion, topKHits, count } = v;
  if (!isCount(numClasses) || numClasses < 1)
    fail(`numClasses must be an integer >= 1, got ${String(numClasses)}`);
  if (!isCount(topK)) fail(`topK must be an integer >= 0, got ${String(topK)}`);
  if (!isCount(topKHits)) fail(`topKHits must be an integer >= 0, got ${String(topKHits)}`);
  if (!isCount(count)) fail(`count must be an integer >= 0, got ${String(count)}`);
  const c = numClasses as number;
  if (!Array.isArray(confusion) || confusion.length !== c * c) {
    fail(`confusion must be an array of ${c}x${c} = ${c * c} counts`);
  }
  const state = createMetricState(c, topK as number);
  let total = 0;
  (confusion as unknown[]).forEach((cell, i) => {
    if (!isCount(cell)) fail(`confusion[${i}] must be an integer >= 0, got ${String(cell)}`);
    state.confusion[i] = cell as number;
    total += cell as number;
  });
  if (total !== count) fail(`count ${String(count)} differs from the confusion total ${total}`);
  if ((topKHits as number) > (count as number))
    fail(`topKHits ${String(topKHits)} exceeds count ${String(count)}`);
  if (topK === 0 && topKHits !== 0) fail(`topKHits must be 0 when topK is 0`);
  state.topKHits = topKHits as number;
  state.count = count as number;
  return state;
}

/** Whether `label` and `prediction` are both class indices in [0, numClasses). */
export function isClassPair(label: number, prediction: number, numClasses: number): boolean {
  return (
    Number.isInteger(label) &&
    Number.isInteger(prediction) &&
    label >= 0 &&
    label < numClasses &&
    prediction >= 0 &&
    prediction < numClasses
  );
}

function outOfRange(label: number, prediction: number, numClasses: number): EvalgateError {
  return new InternalError(
    `label ${label} / prediction ${prediction} outside the ${numClasses} classes of the metric state`,
  );
}
