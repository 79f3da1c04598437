import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { FIRST_BASELINE_NOTE, evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import { deriveHeadline } from '../../src/render/headline.js';
import { digitsPair } from '../__fixtures__/reports.js';

const GATES: GatesConfig = {
  perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
};

describe('deriveHeadline', () => {
  const { baseline, candidate, improved } = digitsPair();

  it('reads a failed run as its outcome, its counts and the failed gate listing the regressed class', () => {
    const comparison = compareReports(baseline, candidate);
    const verdict = evaluateGates(GATES, candidate, baseline, { comparison });
    const headline = deriveHeadline(verdict);
    expect(headline.outcome).toBe('failed');
    // Gates as configured: one (per-class-recall), whatever the number of classes (issue 9, item 7).
    expect(headline.counts).toMatchObject({ configured: 1, checked: 1, failed: 1, notEvaluable: 0 });
    expect(headline.failedGates).toEqual([
      { key: 'per-class-recall', summary: '10 classes, 1 regressed', items: verdict.failures },
    ]);
    expect(headline.failures).toBe(verdict.failures);
  });

  it('reads a clean pass as passed, with no failed gate', () => {
    const comparison = compareReports(baseline, improved);
    const verdict = evaluateGates(GATES, improved, baseline, { comparison });
    const headline = deriveHeadline(verdict);
    expect(headline.outcome).toBe('passed');
    expect(headline.failedGates).toEqual([]);
  });

  it('reads a run without a baseline as first-baseline and leaves that note to the outcome, by its kind', () => {
    const verdict = evaluateGates(GATES, baseline, null);
    expect(verdict.notes).toContainEqual({ kind: 'first-baseline', text: FIRST_BASELINE_NOTE });
    const headline = deriveHeadline(verdict);
    expect(headline.outcome).toBe('first-baseline');
    expect(headline.notes.map((note) => note.kind)).not.toContain('first-baseline');
  });
});
