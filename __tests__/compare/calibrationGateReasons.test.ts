/**
 * Issue 9, item 3: with an ECE gate on, a report whose "confidences" were raw logits (14.7) was told
 * "the report carries no per-sample confidences", sending the user after the wrong problem. Each
 * reason the ECE gates give for not testing is used only when it is true.
 */
import { describe, expect, it } from 'vitest';
import { eceGates } from '../../src/compare/calibrationGate.js';
import type { GateContext } from '../../src/compare/gateContext.js';
import { defaultGates, defaultStatistics } from '../../src/config/defaults.js';
import type { Report } from '../../src/report/types.js';
import { digitsPair, withCalibration } from '../__fixtures__/reports.js';

function eceMaxMessage(candidate: Report): string {
  const context: GateContext = {
    gates: { ...defaultGates(), ece: { max: 0.5, significance: true, onUnproven: 'warn' } },
    statistics: defaultStatistics(),
    candidate,
    baseline: null,
    comparison: null,
    pairing: null,
    seed: 0,
  };
  const [result] = eceGates(context);
  expect(result.gate).toBe('ece.max');
  return result.message;
}

const calibrated = () => withCalibration(digitsPair().candidate);

describe('the reasons the ECE gate gives for not testing', () => {
  it('says the confidences are no probabilities (and to check model.outputs) when some exceed 1', () => {
    const report = calibrated();
    report.samples.confidences[3] = 14.7;
    const message = eceMaxMessage(report);
    expect(message).toContain(
      "the report's per-sample confidences are not probabilities (one is 14.7); check model.outputs",
    );
    expect(message).not.toContain('carries no per-sample confidences');
  });

  it('says the report carries no per-sample confidences only when they are missing', () => {
    const report = calibrated();
    delete (report.samples as { confidences?: number[] }).confidences;
    expect(eceMaxMessage(report)).toContain('no test possible: the report carries no per-sample confidences');
  });

  it('says there are no per-sample records when the report has none', () => {
    const report = calibrated();
    report.samples = { ids: [], labels: [], predictions: [], confidences: [] };
    expect(eceMaxMessage(report)).toContain('no test possible: the report carries no per-sample records');
  });

  it('tests real confidences (no "no test possible" reason)', () => {
    expect(eceMaxMessage(calibrated())).not.toContain('no test possible');
  });
});
