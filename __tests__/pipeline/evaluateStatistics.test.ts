import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { calibrationStateFromJSON, computeCalibration } from '../../src/metrics/calibration.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import { validateReport } from '../../src/report/reportFile.js';
import { copyExample, writeConfig } from '../helpers/cli.js';

/** Misreading a '8' costs 10, any other error 1. */
const COSTS = `costs:
  unit: USD
  matrix:
${Array.from({ length: 10 }, (_, i) => `    - [${Array.from({ length: 10 }, (_, j) => (i === j ? 0 : i === 8 ? 10 : 1)).join(', ')}]`).join('\n')}
statistics:
  confidence: 0.9
`;

describe('evaluateModel statistics', () => {
  it('writes Wilson intervals, calibration and the configured cost into every report', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (text) => `${text}\n${COSTS}`);
    const report = await evaluateModel(loadConfig(file, { cwd: process.cwd() }));
    // What it writes, it can read back (the checks are strict: intervals, calibration state, cost).
    validateReport(JSON.parse(JSON.stringify(report)), path.join(dir, 'report.json'), 'candidate');

    expect(report.settings.confidence).toBe(0.9);
    const accuracy = report.metrics.accuracy as number;
    const interval = report.metrics.accuracyInterval!;
    expect(interval.low).toBeLessThan(accuracy);
    expect(interval.high).toBeGreaterThanOrEqual(accuracy);
    for (const cls of report.classes) {
      expect(cls.recallInterval, cls.name).not.toBeNull();
      expect(cls.precisionInterval, cls.name).not.toBeNull();
    }

    const calibration = report.calibration!;
    expect(calibration.state.count).toBe(540);
    expect(calibration.state.bins.correct.reduce((a, b) => a + b, 0)).toBe(
      report.classes.reduce((a, c) => a + c.truePositives, 0),
    );
    expect(computeCalibration(calibrationStateFromJSON(calibration.state))).toEqual({
      ece: calibration.ece,
      mce: calibration.mce,
      adaptiveEce: calibration.adaptiveEce,
      brier: calibration.brier,
      nll: calibration.nll,
    });
    expect(calibration.ece).toBeGreaterThan(0);
    expect(calibration.ece).toBeLessThan(0.2);

    const cost = report.cost!;
    expect(cost.unit).toBe('USD');
    const eights = report.classes[8];
    const expectedSum =
      10 * (eights.support - eights.truePositives) +
      report.classes.reduce((a, c, i) => (i === 8 ? a : a + c.support - c.truePositives), 0);
    expect(cost.sum).toBe(expectedSum);
    expect(cost.expected).toBeCloseTo(expectedSum / 540, 12);
  });

  it('writes no cost without a cost matrix', async () => {
    const dir = copyExample();
    const report = await evaluateModel(loadConfig(path.join(dir, 'evalgate.yml'), { cwd: process.cwd() }));
    expect(report.cost).toBeUndefined();
    expect(report.settings.confidence).toBe(0.95);
    expect(report.calibration?.state.count).toBe(540);
  });
});
