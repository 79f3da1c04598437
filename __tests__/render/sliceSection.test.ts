/**
 * The slices in the comment and the terminal: a table of every slice, worst first, with accuracy
 * and its interval, the change against the baseline's same slice, and the class whose recall fell
 * most; a section of its own when a slice gate failed, folded otherwise; one line in the CLI.
 */
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { evaluateGates } from '../../src/compare/gates.js';
import { defaultGates } from '../../src/config/defaults.js';
import type { GatesConfig } from '../../src/config/types.js';
import { MAX_COMMENT_CHARS, renderComment } from '../../src/render/markdown.js';
import { renderSlices, sliceRows, sliceSummaryLine } from '../../src/render/sliceSection.js';
import { renderVerdictText } from '../../src/render/verdictText.js';
import { nightRegression, slicedReport } from '../__fixtures__/slicedReports.js';

const evidence = { significance: true, onUnproven: 'warn' } as const;
const sliceGates: GatesConfig = {
  ...defaultGates(),
  slices: {
    light: { accuracy: { maxDrop: 0.02, ...evidence }, perClassRecall: { maxDrop: 0.02, ...evidence } },
  },
};

function judged(gates: GatesConfig) {
  const { baseline, candidate } = nightRegression();
  const comparison = compareReports(baseline, candidate);
  const verdict = evaluateGates(gates, candidate, baseline, { comparison });
  return { baseline, candidate, comparison, verdict };
}

describe('slice table', () => {
  it('lists the worst slice first, with its accuracy change and the class that fell most', () => {
    const { candidate, comparison, verdict } = judged(defaultGates());
    const rows = sliceRows(candidate, comparison, verdict);
    expect(rows.map((r) => r.value)).toEqual(['night', 'day']);
    expect(rows[0]!.accuracyDelta).toBeCloseTo(-36 / 180, 12);
    expect(rows[0]!.worstClass?.recallDelta).toBeCloseTo(-12 / 60, 12);
    expect(rows[0]!.status).toBeNull();
    const section = renderSlices(candidate, comparison, verdict);
    // Not gated and nothing failed: folded, the worst slice named in the summary.
    expect(section.startsWith('<details>')).toBe(true);
    expect(section).toContain(
      '<summary>Slices (2 slices): worst: light = night 76.7% (❗ −20.00 pp)</summary>',
    );
    expect(section).toContain('| ➖ not gated | light = night | 180 | 96.7% | 76.7% |');
  });

  it('is a section of its own, with the failed status, when a slice gate fails', () => {
    const { candidate, comparison, verdict } = judged(sliceGates);
    const section = renderSlices(candidate, comparison, verdict);
    expect(section.startsWith('### Slices (2 slices)')).toBe(true);
    expect(section).toContain('| ❌ regressed | light = night |');
    expect(section).toContain('| ✅ within tolerance | light = day |');
    expect(section).toContain('after Holm across the 8 slice tests');
    const comment = renderComment({ candidate, baseline: nightRegression().baseline, comparison, verdict });
    expect(comment).toContain('### Slices (2 slices)');
    expect(comment).toContain('slices.light.per-class-recall');
  });

  it('shows the slices of a first run without changes', () => {
    const { candidate } = nightRegression();
    const verdict = evaluateGates(defaultGates(), candidate, null);
    const section = renderSlices(candidate, null, verdict);
    expect(section).toContain('| status | slice | samples | accuracy |');
    expect(section).not.toContain('change');
  });

  it('prints one line in the terminal, values worst first with their changes', () => {
    const { candidate, comparison, verdict } = judged(sliceGates);
    const text = renderVerdictText(verdict, candidate, comparison);
    const lines = text.split('\n').filter((l) => l.includes('slices: '));
    expect(lines).toEqual(['  slices: light — night 76.7% (-20.00 pp) FAILED, day 100.0% (+4.17 pp)']);
  });

  it('renders nothing for a test set without slices', () => {
    const { candidate, comparison, verdict } = judged(defaultGates());
    expect(sliceSummaryLine(sliceRows({ ...candidate, slices: [] }, comparison, verdict))).toBeNull();
  });

  it('keeps the comment within GitHub’s limit with hundreds of slices (rows capped, the rest counted)', () => {
    const n = 600;
    const classNames = ['a', 'b'];
    const ids = Array.from({ length: n }, (_, i) => `s/${i}.png`);
    const labels = ids.map((_, i) => i % 2);
    const camera = ids.map(
      (_, i) => `camera-${String(Math.floor(i / 2)).padStart(3, '0')}-${'x'.repeat(30)}`,
    );
    const report = slicedReport({ classNames, ids, labels, predictions: labels, slices: { camera } });
    const verdict = evaluateGates(defaultGates(), report, null);
    const comment = renderComment({ candidate: report, baseline: null, comparison: null, verdict });
    expect(comment.length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(comment).toContain('_… and 280 more slices in the full report._');
  });
});
