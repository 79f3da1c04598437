/**
 * An EvalState as plain JSON and back, for storing shards and merging them elsewhere. Reading
 * validates every field and names the first one that is wrong, so a corrupt file is refused with a
 * message, not turned into wrong figures.
 */
import { isCount } from '../shared/valueChecks.js';
import { describeJsonValue } from '../shared/describeJsonValue.js';
import { CALIBRATION_GRID_ID, NLL_CLIP } from '../metrics/calibration.js';
import { metricStateFromJSON, metricStateToJSON } from '../metrics/metricState.js';
import type { MetricState, MetricStateJSON } from '../metrics/types.js';
import { InputError } from '../shared/errors.js';
import { create, emptyInputRange, emptyRecords, INPUT_RANGE_FIELDS, RECORD_FIELDS } from './evalState.js';
import type { EvalSpec, EvalState, SampleRecords, ValueRange } from './types.js';

export const EVAL_STATE_FORMAT = 'evalgate.eval-state/v1';

export interface EvalStateJSON {
  format: typeof EVAL_STATE_FORMAT;
  spec: EvalSpec;
  metrics: MetricStateJSON;
  slices: Array<{ column: string; value: string; state: MetricStateJSON }>;
  records: { [K in keyof SampleRecords]: number[] };
  /** The input value range; null for an extreme not seen yet (JSON has no infinities). Absent in older states. */
  inputs?: { [K in keyof ValueRange]: number | null };
}

export function toJSON(state: EvalState): EvalStateJSON {
  const slices: EvalStateJSON['slices'] = [];
  for (const [column, byValue] of state.slices) {
    for (const [value, slice] of byValue) slices.push({ column, value, state: metricStateToJSON(slice) });
  }
  const records = {} as EvalStateJSON['records'];
  for (const name of recordNames()) records[name] = Array.from(state.records[name]);
  return {
    format: EVAL_STATE_FORMAT,
    spec: {
      ...state.spec,
      classNames: [...state.spec.classNames],
      sliceColumns: [...state.spec.sliceColumns],
    },
    metrics: metricStateToJSON(state.metrics),
    slices,
    records,
    inputs: {
      rawMin: finiteOrNull(state.inputs.rawMin),
      rawMax: finiteOrNull(state.inputs.rawMax),
      min: finiteOrNull(state.inputs.min),
      max: finiteOrNull(state.inputs.max),
    },
  };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

const WHERE = 'evaluation state';

function fail(field: string, problem: string): never {
  throw new InputError(`invalid evaluation state: ${field} ${problem}`, {
    code: 'E_REPORT_INVALID',
    where: WHERE,
    hint: 'use a state written by toJSON (src/evaluation/evalStateJSON.ts), unchanged',
  });
}

/** Reads a stored state back, refusing anything inconsistent with a clear message naming the field. */
export function fromJSON(value: unknown): EvalState {
  const v = asObject(value, 'the state');
  if (v.format !== EVAL_STATE_FORMAT)
    fail('format', `must be "${EVAL_STATE_FORMAT}", got ${describeJsonValue(v.format)}`);
  const spec = specFromJSON(v.spec);
  const state = create(spec);
  const numClasses = spec.classNames.length;
  state.metrics = metricFromJSON(v.metrics, 'metrics', spec);
  if (!Array.isArray(v.slices)) fail('slices', `must be an array, got ${describeJsonValue(v.slices)}`);
  (v.slices as unknown[]).forEach((entry, i) => {
    const e = asObject(entry, `slices[${i}]`);
    if (typeof e.column !== 'string' || !spec.sliceColumns.includes(e.column)) {
      fail(
        `slices[${i}].column`,
        `must be one of the slice columns [${spec.sliceColumns.join(', ')}], got ${describeJsonValue(e.column)}`,
      );
    }
    if (typeof e.value !== 'string')
      fail(`slices[${i}].value`, `must be a string, got ${describeJsonValue(e.value)}`);
    const column = e.column as string;
    let byValue = state.slices.get(column);
    if (!byValue) {
      byValue = new Map();
      state.slices.set(column, byValue);
    }
    if (byValue.has(e.value as string))
      fail(`slices[${i}]`, `repeats the slice ${column} = ${describeJsonValue(e.value)}`);
    byValue.set(e.value as string, metricFromJSON(e.state, `slices[${i}].state`, spec));
  });
  for (const [column, byValue] of state.slices) {
    let total = 0;
    for (const slice of byValue.values()) total += slice.count;
    if (total !== state.metrics.count) {
      fail(
        'slices',
        `of column ${describeJsonValue(column)} must hold ${state.metrics.count} samples in all, got ${total}`,
      );
    }
  }
  state.records = recordsFromJSON(v.records, state.metrics.count, spec.samples, numClasses);
  if (v.inputs !== undefined) state.inputs = inputsFromJSON(v.inputs);
  return state;
}

/** The input range back: each extreme a finite number, or null for one not seen (an empty state's). */
function inputsFromJSON(value: unknown): ValueRange {
  const r = asObject(value, 'inputs');
  const range = emptyInputRange();
  for (const name of Object.keys(INPUT_RANGE_FIELDS) as Array<keyof ValueRange>) {
    const x = r[name];
    if (x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      fail(`inputs.${name}`, `must be a finite number or null, got ${describeJsonValue(x)}`);
    }
    range[name] = x;
  }
  return range;
}

function specFromJSON(value: unknown): EvalSpec {
  const s = asObject(value, 'spec');
  const { classNames, topK, samples, sliceColumns, sumBlock, calibrationGrid } = s;
  if (!isStringArray(classNames) || classNames.length < 1) {
    fail('spec.classNames', `must be a non-empty array of class names, got ${describeJsonValue(classNames)}`);
  }
  if (!isCount(topK)) fail('spec.topK', `must be an integer >= 0, got ${describeJsonValue(topK)}`);
  if (!isCount(samples)) fail('spec.samples', `must be an integer >= 0, got ${describeJsonValue(samples)}`);
  if (!isStringArray(sliceColumns))
    fail('spec.sliceColumns', `must be an array of column names, got ${describeJsonValue(sliceColumns)}`);
  if (!isCount(sumBlock) || sumBlock < 1)
    fail('spec.sumBlock', `must be an integer >= 1, got ${describeJsonValue(sumBlock)}`);
  if (calibrationGrid !== CALIBRATION_GRID_ID) {
    fail(
      'spec.calibrationGrid',
      `must be "${CALIBRATION_GRID_ID}" (this evalgate's grid), got ${describeJsonValue(calibrationGrid)}`,
    );
  }
  return {
    classNames: classNames as string[],
    topK: topK as number,
    samples: samples as number,
    sliceColumns: sliceColumns as string[],
    sumBlock: sumBlock as number,
    calibrationGrid: CALIBRATION_GRID_ID,
  };
}

function metricFromJSON(value: unknown, field: string, spec: EvalSpec): MetricState {
  // metricStateFromJSON checks the counts (and names the sub-field); `where` names this field.
  const state = metricStateFromJSON(value, `${WHERE} ${field}`);
  if (state.numClasses !== spec.classNames.length || state.topK !== spec.topK) {
    fail(
      field,
      `has ${state.numClasses} classes (top-${state.topK}), but the spec ${spec.classNames.length} (top-${spec.topK})`,
    );
  }
  return state;
}

/** Per column: what each value must be (null when it is fine), for the message. */
type ValueCheck = (x: number) => string | null;

function recordsFromJSON(value: unknown, count: number, samples: number, numClasses: number): SampleRecords {
  const r = asObject(value, 'records');
  const classIndex: ValueCheck = (x) =>
    Number.isInteger(x) && x >= 0 && x < numClasses
      ? null
      : `must be a class index from 0 to ${numClasses - 1}`;
  const maxNll = -Math.log(NLL_CLIP);
  const checks: Record<keyof SampleRecords, ValueCheck> = {
    index: (x) =>
      Number.isInteger(x) && x >= 0 && x < samples ? null : `must be a sample index from 0 to ${samples - 1}`,
    label: classIndex,
    prediction: classIndex,
    confidence: (x) =>
      Number.isFinite(x) && Math.fround(x) === x ? null : 'must be a finite float32 number',
    brier: (x) => (Number.isFinite(x) ? null : 'must be a finite number'),
    nll: (x) => (x >= 0 && x <= maxNll ? null : `must be a number from 0 to ${maxNll}`),
  };
  const records = emptyRecords(count);
  for (const name of recordNames()) {
    const column = r[name];
    if (!Array.isArray(column) || column.length !== count) {
      fail(
        `records.${name}`,
        `must be an array of ${count} numbers (metrics.count), got ${describeJsonValue(column)}`,
      );
    }
    const out = records[name];
    (column as unknown[]).forEach((x, i) => {
      const problem = typeof x === 'number' ? checks[name](x) : 'must be a number';
      if (problem !== null) fail(`records.${name}[${i}]`, `${problem}, got ${describeJsonValue(x)}`);
      out[i] = x as number;
    });
  }
  return records;
}

function recordNames(): Array<keyof SampleRecords> {
  return Object.keys(RECORD_FIELDS) as Array<keyof SampleRecords>;
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, `must be an object, got ${describeJsonValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}
