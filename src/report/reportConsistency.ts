/**
 * The report schema's root refinement: checks that relate fields to each other, and the large
 * per-sample arrays, run once every field has the right type (zod skips a refinement while
 * the fields have issues). Each check yields `ReportProblem`s; figures derived from counts or
 * states are recomputed by the metrics stage's own functions (computeMetrics for per-class recall
 * and precision, computeCalibration, computeCost), never re-derived here, so each formula has one
 * implementation.
 */

import type { z } from 'zod';
import {
  calibrationStateFromJSON,
  calibrationStateProblem,
  computeCalibration,
} from '../metrics/calibration.js';
import { computeMetrics } from '../metrics/computeMetrics.js';
import { computeCost } from '../metrics/costs.js';
import { createMetricState } from '../metrics/metricState.js';
import type { CalibrationMetrics, CalibrationStateJSON } from '../metrics/types.js';
import type { Interval } from '../stats/types.js';
import { describeValue, type ReportProblem } from './reportProblems.js';
import type { Report } from './schema.js';
import { isCount, isJsonObject, isRate } from '../shared/valueChecks.js';

/** Relative tolerance for stored figures against recomputed ones (JSON round trips, summation order). */
function near(got: unknown, want: number): boolean {
  return typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
}

/**
 * The problems of a report whose fields are all of the right type, in the order they are reported:
 * the class table; then, when it is right, the confusion matrix, the per-class figures, the
 * intervals, calibration and cost, each only while nothing before it is wrong; and the per-sample records in any case.
 */
export function consistencyProblems(report: Report): ReportProblem[] {
  const problems: ReportProblem[] = [];
  checkClasses(report, problems);
  if (problems.length === 0) checkConfusionMatrix(report, problems);
  if (problems.length === 0) checkClassFigures(report, problems);
  if (problems.length === 0) checkIntervals(report, problems);
  if (problems.length === 0) checkCalibration(report, problems);
  if (problems.length === 0) checkCost(report, problems);
  checkSamples(report, problems);
  return problems;
}

/** The refinement itself: each problem becomes a zod issue at its path, carrying the problem. */
export function reportConsistency(report: Report, ctx: z.RefinementCtx): void {
  for (const problem of consistencyProblems(report)) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.requirement, params: { problem } });
  }
}

/**
 * One entry per class name, in the same order, with figures that agree with each other: a class
 * with test samples must be evaluable with a recall (else its gate would be skipped silently),
 * a class without must not be.
 */
function checkClasses(report: Report, problems: ReportProblem[]): void {
  const { classNames, classes } = report;
  const seen = new Set<string>();
  for (let i = 0; i < classNames.length; i++) {
    if (seen.has(classNames[i]!)) {
      problems.push({
        code: 'duplicate-class',
        path: ['classNames', i],
        requirement: `repeats the class name ${describeValue(classNames[i])}`,
      });
    }
    seen.add(classNames[i]!);
  }
  if (classes.length !== classNames.length) {
    problems.push({
      code: 'class-table',
      path: ['classes'],
      requirement: `must have one entry per entry of classNames (${classNames.length})`,
      value: classes.length,
    });
    return;
  }
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i]!;
    if (cls.name !== classNames[i]) {
      problems.push({
        code: 'class-table',
        path: ['classes', i, 'name'],
        requirement: `must equal classNames[${i}] (${describeValue(classNames[i])})`,
        value: cls.name,
      });
    }
    const hasSamples = cls.support > 0;
    if (cls.evaluable !== hasSamples) {
      problems.push({
        code: 'class-table',
        path: ['classes', i, 'evaluable'],
        requirement: `must be ${hasSamples} for a class with support ${cls.support}`,
        value: cls.evaluable,
      });
    }
    if (hasSamples === (cls.recall === null)) {
      problems.push({
        code: 'class-table',
        path: ['classes', i, 'recall'],
        requirement: `must be ${hasSamples ? 'a number' : 'null'} for a class with support ${cls.support}`,
        value: cls.recall,
      });
    }
    if (cls.truePositives > cls.support || cls.truePositives > cls.predicted) {
      problems.push({
        code: 'class-table',
        path: ['classes', i, 'truePositives'],
        requirement: `must be at most support (${cls.support}) and predicted (${cls.predicted})`,
        value: cls.truePositives,
      });
    }
  }
}

/**
 * The gates read recall and precision; they must be the figures the metrics code computes from the
 * confusion matrix (whose rows, columns and diagonal are the counts beside them, see
 * checkConfusionMatrix), or a hand-edited figure would be judged while the counts (and the paired
 * tests) say otherwise. Compared where the ratio has a denominator and a figure is stored.
 */
function checkClassFigures(report: Report, problems: ReportProblem[]): void {
  const c = report.classNames.length;
  if (c === 0) return;
  const state = createMetricState(c, 0);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) state.confusion[i * c + j] = report.confusionMatrix[i][j];
    state.count += report.classes[i]!.support;
  }
  const computed = computeMetrics(state, report.classNames).classes;
  /** A stored rate against the metric code's own figure from the counts `ratio` (numerator/denominator). */
  const check = (
    path: ReportProblem['path'],
    value: number | null,
    want: number | null,
    ratio: { numerator: number; denominator: number },
  ) => {
    if (ratio.denominator <= 0 || value === null || want === null) return;
    if (Math.abs(value - want) > 1e-9) {
      problems.push({
        code: 'derived-figure',
        path,
        requirement: `must equal ${ratio.numerator}/${ratio.denominator} = ${want} (the counts beside it)`,
        value,
      });
    }
  };
  report.classes.forEach((cls, i) => {
    const want = computed[i]!;
    check(['classes', i, 'recall'], cls.recall, want.recall, {
      numerator: cls.truePositives,
      denominator: cls.support,
    });
    check(['classes', i, 'precision'], cls.precision, want.precision, {
      numerator: cls.truePositives,
      denominator: cls.predicted,
    });
  });
}

/**
 * C x C counts whose rows sum to each class's support, whose columns sum to each class's
 * predicted count and whose diagonal is its true positives.
 */
function checkConfusionMatrix(report: Report, problems: ReportProblem[]): void {
  const matrix: unknown = report.confusionMatrix;
  const n = report.classNames.length;
  if (!Array.isArray(matrix) || matrix.length !== n) {
    problems.push({
      code: 'confusion-matrix',
      path: ['confusionMatrix'],
      requirement: `must be an array of ${n} rows (one per class)`,
      value: matrix,
    });
    return;
  }
  for (let i = 0; i < n; i++) {
    const row: unknown = matrix[i];
    if (!Array.isArray(row) || row.length !== n) {
      problems.push({
        code: 'confusion-matrix',
        path: ['confusionMatrix', i],
        requirement: `must be an array of ${n} counts`,
        value: row,
      });
      return;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const cell: unknown = row[j];
      if (!isCount(cell)) {
        problems.push({
          code: 'confusion-matrix',
          path: ['confusionMatrix', i, j],
          requirement: 'must be an integer >= 0',
          value: cell,
        });
        return;
      }
      sum += cell;
    }
    const cls = report.classes[i]!;
    if (sum !== cls.support || row[i] !== cls.truePositives) {
      problems.push({
        code: 'confusion-matrix',
        path: ['confusionMatrix', i],
        requirement:
          `must sum to classes[${i}].support (${cls.support}) with ` +
          `classes[${i}].truePositives (${cls.truePositives}) on the diagonal`,
        found: `sum ${sum} and ${row[i]}`,
      });
      return;
    }
  }
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (matrix[i] as number[])[j]!;
    if (sum !== report.classes[j]!.predicted) {
      problems.push({
        code: 'confusion-matrix',
        path: ['classes', j, 'predicted'],
        requirement: `must equal the sum of confusionMatrix column ${j} (${sum})`,
        value: report.classes[j]!.predicted,
      });
      return;
    }
  }
  // Every figure that divides by the sample count (accuracy, cost, calibration) reads metrics.samples.
  const total = report.classes.reduce((sum, cls) => sum + cls.support, 0);
  if (report.metrics.samples !== total) {
    problems.push({
      code: 'confusion-matrix',
      path: ['metrics', 'samples'],
      requirement: `must equal the confusion matrix total (${total})`,
      value: report.metrics.samples,
    });
  }
}

/**
 * Per-sample records, when present: four columns of equal length. Checked with plain loops: a
 * report may hold 50,000 samples or more, and nothing here copies them.
 */
function checkSamples(report: Report, problems: ReportProblem[]): void {
  const samples: unknown = report.samples;
  if (samples === undefined) return;
  const problem = (path: ReportProblem['path'], requirement: string, value: unknown) => {
    problems.push({ code: 'samples', path: ['samples', ...path], requirement, value });
  };
  if (!isJsonObject(samples)) {
    problem([], 'must be an object of per-sample columns', samples);
    return;
  }
  const { ids, labels, predictions, confidences } = samples;
  const columns = { ids, labels, predictions, confidences };
  for (const [name, column] of Object.entries(columns)) {
    if (!Array.isArray(column)) {
      problem([name], 'must be an array', column);
      return;
    }
  }
  const n = (ids as unknown[]).length;
  for (const [name, column] of Object.entries(columns)) {
    if ((column as unknown[]).length !== n) {
      problem([name], `must have one entry per sample id (${n})`, (column as unknown[]).length);
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
      problem(['ids', i], 'must be a string', id);
      return;
    }
    const label = labelColumn[i];
    if (!isCount(label) || label >= classes) {
      problem(['labels', i], `must be a class index from 0 to ${classes - 1}`, label);
      return;
    }
    const prediction = predictionColumn[i];
    if (!isCount(prediction) || prediction >= classes) {
      problem(['predictions', i], `must be a class index from 0 to ${classes - 1}`, prediction);
      return;
    }
    if (!isRate(confidenceColumn[i])) {
      problem(['confidences', i], 'must be a number between 0 and 1', confidenceColumn[i]);
      return;
    }
  }
  checkSampleSlices((samples as { slices?: unknown }).slices, n, problem);
}

/** `samples.slices`, when present: column -> one string per sample id (read by the slice gates). */
function checkSampleSlices(
  slices: unknown,
  n: number,
  problem: (path: ReportProblem['path'], requirement: string, value: unknown) => void,
): void {
  if (slices === undefined) return;
  if (!isJsonObject(slices)) {
    problem(['slices'], 'must be an object: slice column -> one value per sample', slices);
    return;
  }
  for (const [column, values] of Object.entries(slices)) {
    if (!Array.isArray(values) || values.length !== n) {
      problem(
        ['slices', column],
        `must be an array with one value per sample id (${n})`,
        Array.isArray(values) ? values.length : values,
      );
      return;
    }
    for (let i = 0; i < n; i++) {
      if (typeof values[i] !== 'string') {
        problem(['slices', column, i], 'must be a string', values[i]);
        return;
      }
    }
  }
}

/**
 * Wilson intervals, when present, must belong to their proportion: null exactly when it has no
 * denominator (no samples; a class without support; a class never predicted), else holding the
 * point estimate (a Wilson interval always contains p̂).
 */
function checkIntervals(report: Report, problems: ReportProblem[]): void {
  const check = (
    path: ReportProblem['path'],
    interval: Interval | null | undefined,
    k: number,
    n: number,
  ) => {
    if (interval === undefined) return;
    if (n === 0) {
      if (interval !== null) {
        problems.push({
          code: 'interval',
          path,
          requirement: 'must be null when there is nothing to measure (0 samples)',
          value: interval,
        });
      }
      return;
    }
    const p = k / n;
    if (interval === null || interval.low > p + 1e-12 || interval.high < p - 1e-12) {
      problems.push({
        code: 'interval',
        path,
        requirement: `must be an interval containing ${p} (${k} of ${n})`,
        found: interval === null ? 'null' : `[${interval.low}, ${interval.high}]`,
      });
    }
  };
  let correct = 0;
  report.classes.forEach((cls, i) => {
    correct += cls.truePositives;
    check(['classes', i, 'recallInterval'], cls.recallInterval, cls.truePositives, cls.support);
    check(['classes', i, 'precisionInterval'], cls.precisionInterval, cls.truePositives, cls.predicted);
  });
  check(['metrics', 'accuracyInterval'], report.metrics.accuracyInterval, correct, report.metrics.samples);
}

const CALIBRATION_FIGURES = ['ece', 'mce', 'adaptiveEce', 'brier', 'nll'] as const;

/**
 * `calibration`, when present: a valid state over this report's classes and samples (as many
 * correct as the confusion matrix's diagonal), and figures equal to the ones the metrics code
 * computes from that state: the ECE gate reads `calibration.ece`, so a hand-edited figure must not pass.
 */
function checkCalibration(report: Report, problems: ReportProblem[]): void {
  const calibration: unknown = report.calibration;
  if (calibration === undefined) return;
  if (!isJsonObject(calibration)) {
    problems.push({
      code: 'calibration',
      path: ['calibration'],
      requirement: 'must be an object',
      value: calibration,
    });
    return;
  }
  const stateValue = calibration.state;
  const stateProblem = calibrationStateProblem(stateValue);
  if (stateProblem !== null) {
    const { path, requirement } = stateProblem;
    problems.push({ code: 'calibration', path: ['calibration', 'state', ...path], requirement });
    return;
  }
  const stored = stateValue as CalibrationStateJSON;
  const correct = report.classes.reduce((sum, cls) => sum + cls.truePositives, 0);
  const storedCorrect = stored.bins.correct.reduce((sum, x) => sum + x, 0);
  if (stored.numClasses !== report.classNames.length) {
    problems.push({
      code: 'calibration',
      path: ['calibration', 'state', 'numClasses'],
      requirement: `must equal the number of classes (${report.classNames.length})`,
      value: stored.numClasses,
    });
    return;
  }
  if (stored.count !== report.metrics.samples) {
    problems.push({
      code: 'calibration',
      path: ['calibration', 'state', 'count'],
      requirement: `must equal metrics.samples (${report.metrics.samples})`,
      value: stored.count,
    });
    return;
  }
  if (storedCorrect !== correct) {
    problems.push({
      code: 'calibration',
      path: ['calibration', 'state', 'bins', 'correct'],
      requirement: `must total the correct predictions of the confusion matrix (${correct})`,
      value: storedCorrect,
    });
    return;
  }
  const expected = computeCalibration(calibrationStateFromJSON(stored));
  const figures = calibration as Partial<Record<keyof CalibrationMetrics, unknown>>;
  for (const name of CALIBRATION_FIGURES) {
    const want = expected[name];
    const got = figures[name];
    if (want === null ? got !== null : !near(got, want)) {
      problems.push({
        code: 'derived-figure',
        path: ['calibration', name],
        requirement: `must be ${want === null ? 'null' : want} as its state gives`,
        value: got,
      });
    }
  }
}

/**
 * `cost`, when present: a C x C matrix of finite numbers, and sums, mean and interval equal to the
 * ones the metrics code computes from that matrix and the confusion matrix (the cost gate reads
 * `cost.expected`).
 */
function checkCost(report: Report, problems: ReportProblem[]): void {
  const cost: unknown = report.cost;
  if (cost === undefined) return;
  const problem = (
    name: string | null,
    requirement: string,
    value: unknown,
    code: ReportProblem['code'] = 'cost',
  ) => {
    problems.push({ code, path: name === null ? ['cost'] : ['cost', name], requirement, value });
  };
  if (!isJsonObject(cost)) {
    problem(null, 'must be an object', cost);
    return;
  }
  const { unit, matrix, expected, interval, sum, sumOfSquares, samples } = cost;
  const c = report.classNames.length;
  if (unit !== undefined && typeof unit !== 'string') {
    problem('unit', 'must be a string', unit);
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
    problem('matrix', `must be ${c}x${c} finite numbers (rows = true class)`, matrix);
    return;
  }
  if (samples !== report.metrics.samples) {
    problem('samples', `must equal metrics.samples (${report.metrics.samples})`, samples);
    return;
  }
  // The metrics stage's own sums (computeCost refuses an empty matrix: no classes, no cost).
  const want =
    c > 0
      ? computeCost({ matrix: matrix as number[][] }, report.confusionMatrix, report.settings?.confidence)
      : { sum: 0, sumOfSquares: 0, expected: null };
  if (!near(sum, want.sum)) {
    problem('sum', `must be ${want.sum} (the confusion matrix times cost.matrix)`, sum, 'derived-figure');
  }
  if (!near(sumOfSquares, want.sumOfSquares)) {
    problem('sumOfSquares', `must be ${want.sumOfSquares}`, sumOfSquares, 'derived-figure');
  }
  const mean = want.expected;
  if (mean === null ? expected !== null : !near(expected, mean)) {
    problem(
      'expected',
      `must be ${mean} (cost.sum / the confusion matrix total)`,
      expected,
      'derived-figure',
    );
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
      problem('interval', 'must be null or an interval {low, high} containing cost.expected', interval);
    }
  }
}
