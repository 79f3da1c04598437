import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import { renderVerdictText } from '../../src/render/verdictText.js';
import { digitsPair, discordantPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

const GATES: GatesConfig = {
  perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
};

describe('renderVerdictText', () => {
  const { baseline, candidate, improved } = digitsPair();

  it('prints a failure headline, each failed gate and the top regressions as plain text', () => {
    const text = renderVerdictText(
      evaluateGates(GATES, candidate, baseline),
      candidate,
      compareReports(baseline, candidate),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('evalgate: FAILED - 1 of 10 gates failed');
    expect(lines[1]).toBe(
      "  x per-class-recall: recall of '8' dropped by 0.389 (0.944 -> 0.556, 54 samples; 95% CI of the change " +
        '−0.52 to −0.25; paired exact p < 0.001 after Holm), more than the allowed 0.020',
    );
    const table = lines.indexOf('Top regressions:');
    expect(lines[table + 1]!.split(/\s+/).filter(Boolean)).toEqual([
      'class',
      'support',
      'baseline',
      'candidate',
      'change',
      'p',
    ]);
    expect(lines[table + 2]!.split(/\s+/).filter(Boolean)).toEqual([
      '8',
      '54',
      '94.4%',
      '55.6%',
      '-38.89',
      'pp',
      '<0.001',
    ]);
    expect(text).toContain('  accuracy: 93.9% (baseline 97.8%, -3.89 pp)');
    expect(text).toContain('  predictions changed: 22 of 540');
    // Plain text: no markdown, no HTML tags (a bare '<' as in "p < 0.001" is text).
    expect(text).not.toMatch(/[|*`#]|<[a-z/!]/i);
  });

  it('prints a pass and a first-baseline run', () => {
    const passed = renderVerdictText(
      evaluateGates(GATES, improved, baseline),
      improved,
      compareReports(baseline, improved),
    );
    expect(passed.split('\n')[0]).toBe('evalgate: PASSED - all 10 gates passed against the baseline');
    expect(passed).not.toContain('Top regressions');
    const first = renderVerdictText(evaluateGates(GATES, baseline, null), baseline, null);
    expect(first.split('\n')[0]).toBe(
      'evalgate: PASSED - no baseline to compare with; this run sets the first baseline',
    );
    expect(first).toContain('  accuracy: 97.8%');
  });

  it('cannot be made to emit terminal escape sequences or extra lines by a class name', () => {
    const names = ['ok', 'evil\u001b[2J\nFAKE: PASSED'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([40, 40], []) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([40, 40], [[], [[0, 20]]]) });
    const text = renderVerdictText(evaluateGates(GATES, after, before), after, compareReports(before, after));
    expect(text).not.toContain('\u001b');
    expect(text.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
    expect(text).toContain('evil\\u001b[2J\\nFAKE: PASSED');
  });

  it('never counts a class without test samples as a passed gate', () => {
    const names = ['cat', 'dog', 'truck'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 50], []) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 0], []) });
    const warn: GatesConfig = {
      perClassRecall: { maxDrop: 0.02, onMissingClass: 'warn', significance: false, onUnproven: 'warn' },
    };
    const text = renderVerdictText(evaluateGates(warn, after, before), after, compareReports(before, after));
    expect(text.split('\n')[0]).toBe(
      'evalgate: PASSED - 2 gates passed against the baseline, 1 class not evaluable (warning)',
    );
    const worse = makeReport({ classNames: names, matrix: matrixFrom([50, 40, 0], [[], [[0, 5]]]) });
    const failed = renderVerdictText(
      evaluateGates(warn, worse, before),
      worse,
      compareReports(before, worse),
    );
    expect(failed.split('\n')[0]).toBe('evalgate: FAILED - 1 of 2 gates failed, 1 class not evaluable');
  });

  it('says once, from testSet.locked, that the test set is not locked, and lists report warnings as they are', () => {
    const unlocked = {
      ...improved,
      testSet: { ...improved.testSet, locked: false },
      warnings: ['outputs look like probabilities', 'class list read from labels.txt; lock: none was set'],
    };
    const lines = renderVerdictText(
      evaluateGates(GATES, unlocked, baseline),
      unlocked,
      compareReports(baseline, unlocked),
    ).split('\n');
    expect(lines.filter((line) => /the test set is not locked/.test(line))).toHaveLength(1);
    expect(lines).toContain('  warning: outputs look like probabilities');
    expect(lines).toContain('  warning: class list read from labels.txt; lock: none was set');
    const locked = renderVerdictText(
      evaluateGates(GATES, improved, baseline),
      improved,
      compareReports(baseline, improved),
    );
    expect(locked).not.toContain('not locked');
  });

  it('shows bidirectional control characters in class names as escapes', () => {
    const names = ['ok', 'safe\u202egnp.exe'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([40, 40], []) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([40, 40], [[], [[0, 20]]]) });
    const text = renderVerdictText(evaluateGates(GATES, after, before), after, compareReports(before, after));
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(text).toContain('safe\\u202egnp.exe');
  });

  it('lists possible regressions as warnings and counts them in the headline', () => {
    const { baseline: before, candidate: after } = discordantPair(
      ['cat', 'dog', 'truck'],
      [{ n: 100, broken: 3 }, { n: 100 }, { n: 100 }],
    );
    const lines = renderVerdictText(
      evaluateGates(GATES, after, before),
      after,
      compareReports(before, after),
    ).split('\n');
    expect(lines[0]).toBe(
      'evalgate: PASSED - 2 gates passed against the baseline, 1 possible regression (warning)',
    );
    expect(lines[1]).toMatch(
      /^ {2}! per-class-recall: recall of 'cat' dropped by 0\.030 .* but not significant at α = 0\.05: a possible regression$/,
    );
    expect(lines).not.toContain('Top regressions:');
  });
});
