/**
 * Adds what evalgate 0.2 writes beyond the fixture reports of __fixtures__/reports.ts: Wilson
 * intervals (computeMetrics on the report's confusion matrix), calibration (a state built from
 * the per-sample records: the recorded confidence on the predicted class, the rest of the mass
 * spread evenly), settings.confidence and, with a cost matrix, the cost summary.
 */
import type { CostsConfig } from '../../src/config/types.js';
import {
  calibrationStateToJSON,
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import { computeCost } from '../../src/metrics/costs.js';
import { createMetricState } from '../../src/metrics/metricState.js';
import type { Report } from '../../src/report/types.js';
import { DIGITS, digitsPair } from '../__fixtures__/reports.js';

/** A cost matrix for the digits fixture: every mistake costs 1, a missed '8' costs 10. */
export const DIGITS_COSTS: CostsConfig = {
  unit: 'USD',
  matrix: DIGITS.map((_, i) => DIGITS.map((__, j) => (i === j ? 0 : i === 8 ? 10 : 1))),
};

/** The digits baseline with intervals, calibration and cost, as it comes out of JSON.parse. */
// biome-ignore lint/suspicious/noExplicitAny: tests damage parsed JSON field by field, as a hand edit would
export function plainDigitsReport(): Record<string, any> {
  return JSON.parse(JSON.stringify(withStatistics(digitsPair().baseline, { costs: DIGITS_COSTS })));
}

export function withStatistics(
  report: Report,
  options: { costs?: CostsConfig; confidence?: number } = {},
): Report {
  const confidence = options.confidence ?? 0.95;
  const c = report.classNames.length;
  const state = createMetricState(c, 0);
  let total = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      state.confusion[i * c + j] = report.confusionMatrix[i][j];
      total += report.confusionMatrix[i][j];
    }
  }
  state.count = total;
  const computed = computeMetrics(state, report.classNames, confidence);

  const { labels, predictions, confidences } = report.samples;
  const rows = new Float32Array(labels.length * c);
  for (let i = 0; i < labels.length; i++) {
    const rest = c > 1 ? (1 - confidences[i]) / (c - 1) : 0;
    for (let k = 0; k < c; k++) rows[i * c + k] = k === predictions[i] ? confidences[i] : rest;
  }
  const calibration = updateCalibrationState(createCalibrationState(c), rows, labels, labels.length);

  return {
    ...report,
    metrics: { ...report.metrics, accuracyInterval: computed.accuracyInterval },
    classes: report.classes.map((cls, i) => ({
      ...cls,
      recallInterval: computed.classes[i].recallInterval,
      precisionInterval: computed.classes[i].precisionInterval,
    })),
    calibration: { ...computeCalibration(calibration), state: calibrationStateToJSON(calibration) },
    ...(options.costs ? { cost: computeCost(options.costs, report.confusionMatrix, confidence) } : {}),
    settings: { ...report.settings, confidence },
  };
}
