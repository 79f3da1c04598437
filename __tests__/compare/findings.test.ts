import { describe, expect, it } from 'vitest';
import { boundFinding, changeFinding, statusOf } from '../../src/compare/findings.js';

const on = (pValue: number | null) => ({ significance: true, pValue, alpha: 0.05 });
const off = { significance: false, pValue: 0.9, alpha: 0.05 };

describe('changeFinding', () => {
  it.each([
    // worsening, tolerance, evidence, finding
    [0.05, 0.02, on(0.01), 'regressed'],
    [0.05, 0.02, on(0.2), 'possible-regression'],
    // No test possible is no evidence: a possible regression, which on-unproven then decides.
    [0.05, 0.02, on(null), 'possible-regression'],
    [-0.05, 0.02, on(null), 'within-tolerance'],
    [0.05, 0.02, off, 'regressed'],
    [0.02, 0.02, on(0.001), 'within-tolerance'],
    [0.020000000000000018, 0.02, off, 'within-tolerance'],
    [0.01, 0.02, on(0.2), 'within-tolerance'],
    [0, 0.02, on(1), 'within-tolerance'],
    [-0.05, 0.02, on(0.01), 'improved'],
    [-0.05, 0.02, on(0.2), 'within-tolerance'],
    [-0.05, 0.02, off, 'improved'],
    [0.05, 0.02, on(0.05), 'possible-regression'],
  ] as const)('worsening %s with tolerance %s and %o: %s', (worsening, tolerance, evidence, finding) => {
    expect(changeFinding(worsening, tolerance, evidence)).toBe(finding);
  });
});

describe('boundFinding', () => {
  it.each([
    [0.01, on(0.01), 'regressed'],
    [0.01, on(0.3), 'possible-regression'],
    [0.01, on(null), 'possible-regression'],
    [0.01, off, 'regressed'],
    [0, on(0.5), 'within-tolerance'],
    [-0.1, on(0.9), 'within-tolerance'],
  ] as const)('breach %s with %o: %s', (breach, evidence, finding) => {
    expect(boundFinding(breach, evidence)).toBe(finding);
  });
});

describe('statusOf', () => {
  it('fails only proven regressions, and possible ones under on-unproven: fail', () => {
    expect(statusOf('regressed', 'warn')).toEqual({ status: 'fail', blocking: true });
    expect(statusOf('possible-regression', 'warn')).toEqual({ status: 'warn', blocking: false });
    expect(statusOf('possible-regression', 'fail')).toEqual({ status: 'fail', blocking: true });
    expect(statusOf('within-tolerance', 'fail')).toEqual({ status: 'pass', blocking: false });
    expect(statusOf('improved', 'fail')).toEqual({ status: 'pass', blocking: false });
  });
});
