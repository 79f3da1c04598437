/**
 * Reading report JSON. It validates every field that comparison, gates and
 * rendering rely on, and fails closed: a damaged or hand-edited baseline whose class list, recalls
 * or identity are wrong must stop the run with a message naming the field (exit 2), never disable
 * a gate silently or crash later.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { fileErrorReason, InputError } from '../shared/errors.js';
import {
  calibrationStateFromJSON,
  calibrationStateProblem,
  computeCalibration,
} from '../metrics/calibration.js';
import type { CalibrationMetrics, CalibrationStateJSON } from '../metrics/types.js';
import type { Interval } from '../stats/types.js';
import { REPORT_SCHEMA, type Report } from './types.js';

/** Reads a report; `role` names it in messages ('baseline', 'candidate'). */
export async function readReport(file: string, role: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the ${role} report: ${fileErrorReason(error)}`, {
      where: file,
      hint:
        role === 'baseline'
          ? 'create one with `evalgate run --out <dir>` on the model you ship, or drop --baseline to set the first baseline'
          : undefined,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the ${role} report is not valid JSON: ${(error as Error).message}`, {
      where: file,
    });
  }
  return validateReport(data, file, role);
}

const REGENERATE =
  'the file may be truncated or hand-edited; regenerate it with `evalgate run` (for a baseline: on the model you ship)';

/** Problems named in one message; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

/**
 * A field check with the requirement as its message ("must be ..."); the value found is added
 * when the message is made. Built on `z.custom` so every field gets one plain-language message.
 */
function field<T>(test: (value: unknown) => boolean, requirement: string) {
  return z.custom<T>(test, { error: requirement });
}

const text = field<string>((v) => typeof v === 'string', 'must be a string');
const count = field<number>(isCount, 'must be an integer >= 0');
const flag = field<boolean>((v) => typeof v === 'boolean', 'must be true or false');
const rateOrNull = field<number | null>(
  (v) => v === null || isRate(v),
  'must be a number between 0 and 1 or null',
);
/** MCC and Cohen's kappa lie in [-1, 1] (kappa's lower bound is -1 for any confusion matrix). */
const correlationOrNull = field<number | null>(
  (v) => v === null || (typeof v === 'number' && v >= -1 && v <= 1),
  'must be a number between -1 and 1 or null',
);

function object<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: 'must be an object' });
}

function isInterval(value: unknown): value is Interval {
  if (value === null || typeof value !== 'object') return false;
  const { low, high } = value as Record<string, unknown>;
  return isRate(low) && isRate(high) && low <= high;
}

/** A Wilson interval: optional (older reports have none), else null or bounds 0 <= low <= high <= 1. */
const intervalField = field<Interval | null>(
  (v) => v === null || isInterval(v),
  'must be null or an interval {low, high} with 0 <= low <= high <= 1',
).optional();

const CLASS_SHAPE = object({
  name: text,
  support: count,
  predicted: count,
  truePositives: count,
  precision: rateOrNull,
  recall: rateOrNull,
  f1: rateOrNull,
  evaluable: flag,
  recallInterval: intervalField,
  precisionInterval: intervalField,
});

/**
 * What readers rely on, except the large arrays (confusionMatrix, samples), which are checked with
 * plain loops below. Only used to check: the parsed copy is discarded and the original returned,
 * so fields not listed here (slices, settings, timing) are carried as they are.
 */
const REPORT_SHAPE = object({
  tool: object({ version: text }),
  createdAt: text,
  model: object({
    source: text,
    sha256: text,
    size: count,
    parameterCount: field<number | null>((v) => v === null || isCount(v), 'must be an integer >= 0 or null'),
  }),
  testSet: object({ digest: text, locked: flag, source: text, size: count }),
  classNames: z.array(text, { error: 'must be an array of class names' }),
  metrics: object({
    samples: count,
    accuracy: rateOrNull,
    accuracyInterval: intervalField,
    topK: z
      .object(
        { k: field<number>((v) => isCount(v) && v >= 1, 'must be an integer >= 1'), accuracy: rateOrNull },
        { error: 'must be null or an object with k and accuracy' },
      )
      .nullable(),
    macroPrecision: rateOrNull,
    macroRecall: rateOrNull,
    macroF1: rateOrNull,
    weightedPrecision: rateOrNull,
    weightedRecall: rateOrNull,
    weightedF1: rateOrNull,
    balancedAccuracy: rateOrNull,
    matthewsCorrelation: correlationOrNull,
    cohenKappa: correlationOrNull,
  }),
  classes: z.array(CLASS_SHAPE, { error: 'must be an array with one entry per class' }),
  settings: object({
    confidence: field<number>(
      (v) => typeof v === 'number' && v > 0 && v < 1,
      'must be a number between 0 and 1 (exclusive)',
    ).optional(),
  }).optional(),
  environment: object({
    os: text,
    arch: text,
    cpu: text,
    node: text,
    onnxruntime: text,
    executionProvider: text,
  }),
  warnings: z.array(text, { error: 'must be an array of strings' }),
});

/** `classes[3].recall`, `testSet.digest`. */
function fieldPath(pathParts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of pathParts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'the document' : out;
}

function valueAt(data: unknown, pathParts: ReadonlyArray<PropertyKey>): unknown {
  let value = data;
  for (const part of pathParts) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** A JSON object: not null, not an array. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value found, short: `"x"`, `-1`, `null`, `an array`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}

function problem(pathParts: ReadonlyArray<PropertyKey>, requirement: string, value: unknown): string {
  return `${fieldPath(pathParts)} ${requirement}, got ${describeValue(value)}`;
}

/**
 * One entry per class name, in the same order, with figures that agree with each other: a class
 * with test samples must be evaluable with a recall (else its gate would be skipped silently),
 * a class without must not be.
 */
function checkClasses(report: Report, problems: string[]): void {
  const { classNames, classes } = report;
  const seen = new Set<string>();
  for (let i = 0; i < classNames.length; i++) {
    if (seen.has(classNames[i]!)) {
      problems.push(`classNames[${i}] repeats the class name ${describeValue(classNames[i])}`);
    }
    seen.add(classNames[i]!);
  }
  if (classes.length !== classNames.length) {
    problems.push(
      `classes must have one entry per entry of classNames (${classNames.length}), got ${classes.length}`,
    );
    return;
  }
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i]!;
    const where = `classes[${i}]`;
    if (cls.name !== classNames[i]) {
      problems.push(
        `${where}.name must equal classNames[${i}] (${describeValue(classNames[i])}), got ${describeValue(cls.name)}`,
      );
    }
    const hasSamples = cls.support > 0;
    if (cls.evaluable !== hasSamples) {
      problems.push(
        `${where}.evaluable must be ${hasSamples} for a class with support ${cls.support}, got ${cls.evaluable}`,
      );
    }
    if (hasSamples === (cls.recall === null)) {
      problems.push(
        `${where}.recall must be ${hasSamples ? 'a number' : 'null'} for a class with support ${cls.support}, got ${describeValue(cls.recall)}`,
      );
    }
    if (cls.truePositives > cls.support || cls.truePositives > cls.predicted) {
      problems.push(
        `${where}.truePositives must be at most support (${cls.support}) and predicted (${cls.predicted}), got ${cls.truePositives}`,
      );
      continue;
    }
    // The gates read recall and precision; they must be the ratios of the counts beside them, or a
    // hand-edited figure would be judged while the counts (and the paired tests) say otherwise.
    checkRatio(problems, `${where}.recall`, cls.recall, cls.truePositives, cls.support);
    checkRatio(problems, `${where}.precision`, cls.precision, cls.truePositives, cls.predicted);
  }
}

/** `value` must equal `numerator / denominator` (to float rounding) when the denominator is positive. */
function checkRatio(
  problems: string[],
  where: string,
  value: number | null,
  numerator: number,
  denominator: number,
): void {
  if (denominator <= 0 || value === null) return;
  const expected = numerator / denominator;
  if (Math.abs(value - expected) > 1e-9) {
    problems.push(
      `${where} must equal ${numerator}/${denominator} = ${expected} (the counts beside it), got ${describeValue(value)}`,
    );
  }
}

/** C x C counts whose rows sum to each class's support and whose diagonal is its true positives. */
function checkConfusionMatrix(report: Report, problems: string[]): void {
  const matrix: unknown = report.confusionMatrix;
  const n = report.classNames.length;
  if (!Array.isArray(matrix) || matrix.length !== n) {
    problems.push(
      `confusionMatrix must be an array of ${n} rows (one per class), got ${describeValue(matrix)}`,
    );
    return;
  }
  for (let i = 0; i < n; i++) {
    const row: unknown = matrix[i];
    if (!Array.isArray(row) || row.length !== n) {
      problems.push(`confusionMatrix[${i}] must be an array of ${n} counts, got ${describeValue(row)}`);
      return;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const cell: unknown = row[j];
      if (!isCount(cell)) {
        problems.push(`confusionMatrix[${i}][${j}] must be an integer >= 0, got ${describeValue(cell)}`);
        return;
      }
      sum += cell;
    }
    const cls = report.classes[i]!;
    if (sum !== cls.support || row[i] !== cls.truePositives) {
      problems.push(
        `confusionMatrix[${i}] must sum to classes[${i}].support (${cls.support}) with ` +
          `classes[${i}].truePositives (${cls.truePositives}) on the diagonal, got sum ${sum} and ${row[i]}`,
      );
      return;
    }
  }
}

/**
 * Per-sample records, when present: four columns of equal length. Checked with plain loops: a
 * report may hold 50,000 samples or more, and nothing here copies them.
 */
function checkSamples(report: Report, problems: string[]): void {
  const samples: unknown = (report as { samples?: unknown }).samples;
  if (samples === undefined) return;
  if (!isJsonObject(samples)) {
    problems.push(`samples must be an object of per-sample columns, got ${describeValue(samples)}`);
    return;
  }
  const { ids, labels, predictions, confidences } = samples;
  const columns = { ids, labels, predictions, confidences };
  for (const [name, column] of Object.entries(columns)) {
    if (!Array.isArray(column)) {
      problems.push(`samples.${name} must be an array, got ${describeValue(column)}`);
      return;
    }
  }
  const n = (ids as unknown[]).length;
  for (const [name, column] of Object.entries(columns)) {
    if ((column as unknown[]).length !== n) {
      problems.push(
        `samples.${name} must have one entry per sample id (${n}), got ${(column as unknown[]).length}`,
      );
      return;
    }
  }
  const classes = report.classNames.length;
  const idColumn = ids as unknown[];
  const labelColumn = labels as unknown[];
  const predictionColumn = predictions as unknown[];
  const confidenceColumn = confidences as unknown[];
  for (let i = 0; i < n; i++) {
    const id = idColumn[i];
    if (typeof id !== 'string') {
      problems.push(`samples.ids[${i}] must be a string, got ${describeValue(id)}`);
      return;
    }
    const label = labelColumn[i];
    if (!isCount(label) || label >= classes) {
      problems.push(
        `samples.labels[${i}] must be a class index from 0 to ${classes - 1}, got ${describeValue(label)}`,
      );
      return;
    }
    const prediction = predictionColumn[i];
    if (!isCount(prediction) || prediction >= classes) {
      problems.push(
        `samples.predictions[${i}] must be a class index from 0 to ${classes - 1}, got ${describeValue(prediction)}`,
      );
      return;
    }
    if (!isRate(confidenceColumn[i])) {
      problems.push(
        `samples.confidences[${i}] must be a number between 0 and 1, got ${describeValue(confidenceColumn[i])}`,
      );
      return;
    }
  }
}
/**
 * Wilson intervals, when present, must belong to their proportion: null exactly when it has no
 * denominator (no samples; a class without support; a class never predicted), else holding the
 * point estimate (a Wilson interval always contains p̂).
 */
function checkIntervals(report: Report, problems: string[]): void {
  const check = (where: string, interval: Interval | null | undefined, k: number, n: number) => {
    if (interval === undefined) return;
    if (n === 0) {
      if (interval !== null)
        problems.push(`${where} must be null when there is nothing to measure (0 samples), got an object`);
      return;
    }
    const p = k / n;
    if (interval === null || interval.low > p + 1e-12 || interval.high < p - 1e-12) {
      problems.push(
        `${where} must be an interval containing ${p} (${k} of ${n}), got ${interval === null ? 'null' : `[${interval.low}, ${interval.high}]`}`,
      );
    }
  };
  let correct = 0;
  report.classes.forEach((cls, i) => {
    correct += cls.truePositives;
    check(`classes[${i}].recallInterval`, cls.recallInterval, cls.truePositives, cls.support);
    check(`classes[${i}].precisionInterval`, cls.precisionInterval, cls.truePositives, cls.predicted);
  });
  check('metrics.accuracyInterval', report.metrics.accuracyInterval, correct, report.metrics.samples);
}

const CALIBRATION_FIGURES = ['ece', 'mce', 'adaptiveEce', 'brier', 'nll'] as const;

/**
 * `calibration`, when present: a valid state over this report's classes and samples (as many
 * correct as the confusion matrix's diagonal), and figures equal to the ones its state gives: the
 * ECE gate reads `calibration.ece`, so a hand-edited figure must not pass.
 */
function checkCalibration(report: Report, problems: string[]): void {
  const calibration: unknown = (report as { calibration?: unknown }).calibration;
  if (calibration === undefined) return;
  if (!isJsonObject(calibration)) {
    problems.push(`calibration must be an object, got ${describeValue(calibration)}`);
    return;
  }
  const stateValue = calibration.state;
  const stateProblem = calibrationStateProblem(stateValue);
  if (stateProblem !== null) {
    problems.push(`calibration.state${stateProblem === 'must be an object' ? ' ' : '.'}${stateProblem}`);
    return;
  }
  const stored = stateValue as CalibrationStateJSON;
  const correct = report.classes.reduce((sum, cls) => sum + cls.truePositives, 0);
  const storedCorrect = stored.bins.correct.reduce((sum, x) => sum + x, 0);
  if (stored.numClasses !== report.classNames.length) {
    problems.push(
      `calibration.state.numClasses must equal the number of classes (${report.classNames.length}), got ${stored.numClasses}`,
    );
  } else if (stored.count !== report.metrics.samples) {
    problems.push(
      `calibration.state.count must equal metrics.samples (${report.metrics.samples}), got ${stored.count}`,
    );
  } else if (storedCorrect !== correct) {
    problems.push(
      `calibration.state.bins.correct must total the correct predictions of the confusion matrix (${correct}), got ${storedCorrect}`,
    );
  }
  if (problems.length > 0) return;
  const expected = computeCalibration(calibrationStateFromJSON(stored));
  const figures = calibration as Partial<Record<keyof CalibrationMetrics, unknown>>;
  for (const name of CALIBRATION_FIGURES) {
    const want = expected[name];
    const got = figures[name];
    const ok =
      want === null
        ? got === null
        : typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
    if (!ok) {
      problems.push(
        `calibration.${name} must be ${want === null ? 'null' : want} as its state gives, got ${describeValue(got)}`,
      );
    }
  }
}

/**
 * `cost`, when present: a C x C matrix of finite numbers, and sums, mean and interval that agree
 * with that matrix and the confusion matrix (the cost gate reads `cost.expected`).
 */
function checkCost(report: Report, problems: string[]): void {
  const cost: unknown = (report as { cost?: unknown }).cost;
  if (cost === undefined) return;
  if (!isJsonObject(cost)) {
    problems.push(`cost must be an object, got ${describeValue(cost)}`);
    return;
  }
  const { unit, matrix, expected, interval, sum, sumOfSquares, samples } = cost;
  const c = report.classNames.length;
  if (unit !== undefined && typeof unit !== 'string') {
    problems.push(`cost.unit must be a string, got ${describeValue(unit)}`);
  }
  const square =
    Array.isArray(matrix) &&
    matrix.length === c &&
    matrix.every(
      (row: unknown) =>
        Array.isArray(row) &&
        row.length === c &&
        row.every((x: unknown) => typeof x === 'number' && Number.isFinite(x)),
    );
  if (!square) {
    problems.push(
      `cost.matrix must be ${c}x${c} finite numbers (rows = true class), got ${describeValue(matrix)}`,
    );
    return;
  }
  const costs = matrix as number[][];
  let wantSum = 0;
  let wantSquares = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const n = report.confusionMatrix[i][j];
      wantSum += n * costs[i][j];
      wantSquares += n * costs[i][j] * costs[i][j];
    }
  }
  const near = (got: unknown, want: number) =>
    typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  if (samples !== report.metrics.samples) {
    problems.push(
      `cost.samples must equal metrics.samples (${report.metrics.samples}), got ${describeValue(samples)}`,
    );
    return;
  }
  if (!near(sum, wantSum)) {
    problems.push(
      `cost.sum must be ${wantSum} (the confusion matrix times cost.matrix), got ${describeValue(sum)}`,
    );
  }
  if (!near(sumOfSquares, wantSquares)) {
    problems.push(`cost.sumOfSquares must be ${wantSquares}, got ${describeValue(sumOfSquares)}`);
  }
  const mean = report.metrics.samples > 0 ? wantSum / report.metrics.samples : null;
  if (mean === null ? expected !== null : !near(expected, mean)) {
    problems.push(`cost.expected must be ${mean} (cost.sum / cost.samples), got ${describeValue(expected)}`);
  }
  if (interval !== null) {
    const { low, high } = (interval ?? {}) as Record<string, unknown>;
    const valid =
      typeof low === 'number' &&
      typeof high === 'number' &&
      Number.isFinite(low) &&
      Number.isFinite(high) &&
      mean !== null &&
      low <= mean + 1e-9 * Math.max(1, Math.abs(mean)) &&
      high >= mean - 1e-9 * Math.max(1, Math.abs(mean));
    if (!valid) {
      problems.push(
        `cost.interval must be null or an interval {low, high} containing cost.expected, got ${describeValue(interval)}`,
      );
    }
  }
}

/** Checks the fields that comparison and rendering rely on; anything else is carried as it is. */
export function validateReport(data: unknown, file: string, role: string): Report {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`the ${role} report is not a JSON object`, { where: file, hint: REGENERATE });
  }
  const schema = (data as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `the ${role} report has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"`,
      { where: file, hint: 'pass a report.json written by `evalgate run`' },
    );
  }
  const problems: string[] = [];
  const parsed = REPORT_SHAPE.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(problem(issue.path, issue.message, valueAt(data, issue.path)));
    }
  } else {
    // The shape is right: now the checks that relate fields to each other, and the large arrays.
    const report = data as Report;
    checkClasses(report, problems);
    if (problems.length === 0) checkConfusionMatrix(report, problems);
    if (problems.length === 0) checkIntervals(report, problems);
    if (problems.length === 0) checkCalibration(report, problems);
    if (problems.length === 0) checkCost(report, problems);
    checkSamples(report, problems);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
    const rest = problems.length - shown.length;
    throw new InputError(
      `the ${role} report is damaged or was edited by hand: ${shown.join('; ')}` +
        (rest > 0 ? `; and ${rest} more ${rest === 1 ? 'problem' : 'problems'}` : ''),
      { where: file, hint: REGENERATE },
    );
  }
  return data as Report;
}
