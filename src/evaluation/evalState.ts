/**
 * The one mergeable evaluation state (torchmetrics' Metric: add_state / update / merge / compute).
 * The clean run, every slice and every shard is an EvalState; partial states of any split of the
 * samples merge into the state of the whole, and compute gives the same figures to the last bit.
 *
 * Fields and their reducers (the declarations below drive `merge`):
 * - headline counts and per-slice counts (confusion matrix, top-k hits, samples): sum;
 * - per-sample records (index, label, prediction, confidence, Brier and NLL terms): concat;
 * - the input value range (raw and fed, smallest and largest): min and max.
 * Float sums are order-dependent, so the calibration sums are not reduced field by field: compute
 * forms them from the records in sample order (calibrationStateFromRecords), which every split of
 * the samples agrees on. Counts are integers and add exactly in any order.
 */
import {
  brierTerm,
  CALIBRATION_GRID_ID,
  calibrationStateFromRecords,
  calibrationStateToJSON,
  computeCalibration,
  nllTerm,
} from '../metrics/calibration.js';
import { computeMetrics } from '../metrics/computeMetrics.js';
import { addSample, createMetricState, METRIC_FIELDS, updateMetricState } from '../metrics/metricState.js';
import { scoreBatch } from '../metrics/scoreBatch.js';
import type { MetricState } from '../metrics/types.js';
import { InputError, InternalError } from '../shared/errors.js';
import {
  accumulateFields,
  type FieldSpecs,
  lengthened,
  reduceFields,
  reduceKeyed,
} from '../shared/reducers.js';
import type {
  EvalBatch,
  EvalResult,
  EvalSpec,
  EvalState,
  SampleRecords,
  SliceResult,
  ValueRange,
} from './types.js';

/** Reducers of the per-sample records. */
export const RECORD_FIELDS: FieldSpecs<SampleRecords> = {
  index: 'concat',
  label: 'concat',
  prediction: 'concat',
  confidence: 'concat',
  brier: 'concat',
  nll: 'concat',
};

/** Reducers of the input value range: extremes merge exactly in any order. */
export const INPUT_RANGE_FIELDS: FieldSpecs<ValueRange> = {
  rawMin: 'min',
  rawMax: 'max',
  min: 'min',
  max: 'max',
};

/** The identity of the range reducers: nothing seen yet. */
export function emptyInputRange(): ValueRange {
  return {
    rawMin: Number.POSITIVE_INFINITY,
    rawMax: Number.NEGATIVE_INFINITY,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

export interface CreateOptions {
  classNames: string[];
  topK: number;
  samples: number;
  sliceColumns?: string[];
  /** See EvalSpec.sumBlock; the batch size of the run. */
  sumBlock: number;
}

/** An empty state. */
export function create(options: CreateOptions): EvalState {
  const spec: EvalSpec = {
    classNames: [...options.classNames],
    topK: options.topK,
    samples: options.samples,
    sliceColumns: [...(options.sliceColumns ?? [])],
    sumBlock: options.sumBlock,
    calibrationGrid: CALIBRATION_GRID_ID,
  };
  if (!Number.isInteger(spec.samples) || spec.samples < 0) {
    throw new InternalError(`an evaluation state needs a sample count >= 0, got ${spec.samples}`);
  }
  if (!Number.isInteger(spec.sumBlock) || spec.sumBlock < 1) {
    throw new InternalError(`an evaluation state needs a sum block >= 1, got ${spec.sumBlock}`);
  }
  return {
    spec,
    metrics: createMetricState(spec.classNames.length, spec.topK),
    slices: new Map(),
    records: emptyRecords(),
    inputs: emptyInputRange(),
  };
}

/** Scores one batch and adds it to every field of `state`, in place (streaming); returns the state. */
export function update(state: EvalState, batch: EvalBatch): EvalState {
  const { classNames, topK, samples, sliceColumns } = state.spec;
  const numClasses = classNames.length;
  const { probabilities, size, labels, indices } = batch;
  if (indices.length !== size || (sliceColumns.length > 0 && (batch.slices?.length ?? 0) < size)) {
    throw new InternalError(
      `update: ${size} samples, but ${indices.length} indices and ${batch.slices?.length ?? 'no'} slice values`,
    );
  }
  const scored = scoreBatch(probabilities, { size, numClasses, labels, topK });
  if (batch.inputs) accumulateFields(INPUT_RANGE_FIELDS, state.inputs, batch.inputs);
  updateMetricState(state.metrics, labels, scored, size);
  const offset = state.records.index.length;
  const records = growRecords(state.records, size);
  state.records = records;
  for (let j = 0; j < size; j++) {
    const index = indices[j];
    if (!(Number.isInteger(index) && index >= 0 && index < samples)) {
      throw new InternalError(`update: sample index ${index} outside the ${samples} samples of the state`);
    }
    const at = offset + j;
    const label = labels[j];
    records.index[at] = index;
    records.label[at] = label;
    records.prediction[at] = scored.predictions[j];
    records.confidence[at] = scored.confidences[j];
    records.brier[at] = brierTerm(probabilities, j * numClasses, numClasses, label);
    records.nll[at] = nllTerm(probabilities[j * numClasses + label]);
    for (const column of sliceColumns) {
      const slice = sliceState(state, column, batch.slices![j][column] ?? '');
      addSample(slice, label, scored.predictions[j], scored.topKHits[j]);
    }
  }
  return state;
}

/**
 * The state of the union of two disjoint sets of samples, as a new state (inputs unchanged), by the
 * declared reducers. Associative and commutative up to the order of records, which compute undoes.
 */
export function merge(a: EvalState, b: EvalState): EvalState {
  checkMergeable(a.spec, b.spec);
  const { classNames, topK } = a.spec;
  const emptyMetrics = () => createMetricState(classNames.length, topK);
  const mergeMetrics = (x: MetricState, y: MetricState) => reduceFields(METRIC_FIELDS, x, y);
  return {
    spec: a.spec,
    metrics: mergeMetrics(a.metrics, b.metrics),
    slices: reduceKeyed(
      a.slices,
      b.slices,
      (x, y) => reduceKeyed(x, y, mergeMetrics, emptyMetrics),
      () => new Map(),
    ),
    records: reduceFields(RECORD_FIELDS, a.records, b.records),
    inputs: reduceFields(INPUT_RANGE_FIELDS, a.inputs, b.inputs),
  };
}

/**
 * Adds `source` into `target` in place, by the same declared reducers as merge (accumulateFields),
 * and returns `target`; `source` is unchanged. The pipeline's running total takes its partial
 * states this way, so that no new total, and no new confusion matrix per slice, is allocated per part.
 */
export function mergeInto(target: EvalState, source: EvalState): EvalState {
  checkMergeable(target.spec, source.spec);
  accumulateFields(METRIC_FIELDS, target.metrics, source.metrics);
  for (const [column, byValue] of source.slices) {
    for (const [value, slice] of byValue) {
      accumulateFields(METRIC_FIELDS, sliceState(target, column, value), slice);
    }
  }
  target.records = accumulateFields(RECORD_FIELDS, target.records, source.records);
  accumulateFields(INPUT_RANGE_FIELDS, target.inputs, source.inputs);
  return target;
}

export interface ComputeOptions {
  /** Confidence level of the intervals, e.g. 0.95. */
  confidence?: number;
}

/** Every figure of the state, and its records in sample order. */
export function compute(state: EvalState, options: ComputeOptions = {}): EvalResult {
  const { spec } = state;
  const { confidence } = options;
  const ordered = recordsInSampleOrder(state);
  const { classes, confusionMatrix, ...metrics } = computeMetrics(state.metrics, spec.classNames, confidence);
  const slices: SliceResult[] = [];
  for (const column of spec.sliceColumns) {
    const byValue = state.slices.get(column);
    if (!byValue) continue;
    for (const value of [...byValue.keys()].sort()) {
      const slice = byValue.get(value)!;
      const {
        classes: sliceClasses,
        confusionMatrix: _matrix,
        ...sliceMetrics
      } = computeMetrics(slice, spec.classNames, confidence);
      slices.push({ column, value, samples: slice.count, metrics: sliceMetrics, classes: sliceClasses });
    }
  }
  const calibration = calibrationStateFromRecords(
    spec.classNames.length,
    {
      labels: ordered.label,
      predictions: ordered.prediction,
      confidences: ordered.confidence,
      brier: ordered.brier,
      nll: ordered.nll,
    },
    spec.sumBlock,
  );
  return {
    spec,
    metrics,
    classes,
    confusionMatrix,
    slices,
    calibration: { ...computeCalibration(calibration), state: calibrationStateToJSON(calibration) },
    records: { labels: ordered.label, predictions: ordered.prediction, confidences: ordered.confidence },
    inputs: state.inputs.min <= state.inputs.max ? { ...state.inputs } : null,
  };
}

/** The records sorted by sample index; every index 0..samples-1 must be there exactly once. */
function recordsInSampleOrder(state: EvalState): SampleRecords {
  const { samples } = state.spec;
  const records = state.records;
  const n = records.index.length;
  const position = new Int32Array(samples).fill(-1);
  for (let r = 0; r < n; r++) {
    const index = records.index[r];
    if (position[index] !== -1) {
      throw new InternalError(
        `the evaluation state holds sample ${index} twice; it was scored more than once`,
      );
    }
    position[index] = r;
  }
  const missing = position.indexOf(-1);
  if (missing !== -1) {
    throw new InternalError(
      `the evaluation state holds ${n} of ${samples} samples; sample ${missing} (at least) was never scored`,
    );
  }
  const ordered = emptyRecords(samples);
  for (const name of Object.keys(RECORD_FIELDS) as Array<keyof SampleRecords>) {
    const from = records[name];
    const to = ordered[name];
    for (let i = 0; i < samples; i++) to[i] = from[position[i]];
  }
  return ordered;
}

function checkMergeable(a: EvalSpec, b: EvalSpec): void {
  const differences: string[] = [];
  if (a.classNames.length !== b.classNames.length) {
    differences.push(`${a.classNames.length} classes against ${b.classNames.length}`);
  } else if (a.classNames.some((name, i) => name !== b.classNames[i])) {
    differences.push('different class names');
  }
  if (a.topK !== b.topK) differences.push(`top-${a.topK} against top-${b.topK}`);
  if (a.calibrationGrid !== b.calibrationGrid) {
    differences.push(`calibration grid '${a.calibrationGrid}' against '${b.calibrationGrid}'`);
  }
  if (a.samples !== b.samples) differences.push(`test sets of ${a.samples} and ${b.samples} samples`);
  if (a.sliceColumns.join('\u0000') !== b.sliceColumns.join('\u0000')) {
    differences.push(`slice columns [${a.sliceColumns.join(', ')}] against [${b.sliceColumns.join(', ')}]`);
  }
  if (a.sumBlock !== b.sumBlock) differences.push(`sum blocks of ${a.sumBlock} and ${b.sumBlock} samples`);
  if (differences.length > 0) {
    throw new InputError(`evaluation states cannot be merged: ${differences.join('; ')}`, {
      code: 'E_INPUT',
      where: 'evaluation state',
      hint: 'merge only states of the same evaluation: same classes, top-k, test set, slices, batch size and evalgate version',
    });
  }
}

function sliceState(state: EvalState, column: string, value: string): MetricState {
  let byValue = state.slices.get(column);
  if (!byValue) {
    byValue = new Map();
    state.slices.set(column, byValue);
  }
  let slice = byValue.get(value);
  if (!slice) {
    slice = createMetricState(state.spec.classNames.length, state.spec.topK);
    byValue.set(value, slice);
  }
  return slice;
}

export function emptyRecords(length = 0): SampleRecords {
  return {
    index: new Int32Array(length),
    label: new Int32Array(length),
    prediction: new Int32Array(length),
    confidence: new Float32Array(length),
    brier: new Float64Array(length),
    nll: new Float64Array(length),
  };
}

/**
 * The records lengthened by `extra` entries (to be filled by the caller). A streaming state keeps
 * spare capacity behind its columns, doubling it when full, so that updating costs amortised O(1)
 * copies per sample; each column stays a view of exactly its length. Only `update` grows records,
 * and only in a state's own buffers (merge and fromJSON allocate fresh ones; mergeInto grows the
 * target's as update does).
 */
function growRecords(records: SampleRecords, extra: number): SampleRecords {
  const grown = {} as Record<keyof SampleRecords, SampleRecords[keyof SampleRecords]>;
  for (const name of Object.keys(RECORD_FIELDS) as Array<keyof SampleRecords>) {
    grown[name] = lengthened(records[name], extra);
  }
  return grown as SampleRecords;
}
