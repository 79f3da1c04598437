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

  it('prints a failure headline of configured gates, each failed gate with its classes under it, and the top regressions', () => {
    const text = renderVerdictText(
      evaluateGates(GATES, candidate, baseline),
      candidate,
      compareReports(baseline, candidate),
    );
    const lines = text.split('\n');
    // One gate configured (per-class-recall), not ten results (issue 9, item 7).
    expect(lines[0]).toBe('evalgate: FAILED - 1 of 1 gate failed');
    expect(lines[1]).toBe('  x per-class-recall: 10 classes, 1 regressed');
    // In percent and percentage points, as the tables (issue 9, item 8).
    expect(lines[2]).toMatch(
      /^ {6}recall of '8' dropped by 38\.9 pp \(94\.4% → 55\.6%, 54 samples; [\d.]+% CI of the change[^;]* −\d+\.\d to −\d+\.\d pp; paired exact p < 0\.001 after Holm\), more than the allowed 2\.0 pp$/,
    );
    // The power note is one short line (issue 9, item 6).
    expect(lines[3]).toBe(
      '  note: 10 of 10 classes have too few test samples to see a recall drop of 2.0 pp: about 663 per class needed (54 now)',
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
    expect(passed.split('\n')[0]).toBe('evalgate: PASSED - the 1 gate passed against the baseline');
    const three: GatesConfig = {
      ...GATES,
      accuracy: { min: 0.5, maxDrop: 0.1, significance: true, onUnproven: 'warn' },
      macroF1: { maxDrop: 0.1, significance: true, onUnproven: 'warn' },
    };
    expect(
      renderVerdictText(
        evaluateGates(three, improved, baseline),
        improved,
        compareReports(baseline, improved),
      ).split('\n')[0],
    ).toBe('evalgate: PASSED - all 3 gates passed against the baseline');
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
      'evalgate: PASSED - 1 gate passed against the baseline, 1 class not evaluable (warning)',
    );
    const worse = makeReport({ classNames: names, matrix: matrixFrom([50, 40, 0], [[], [[0, 5]]]) });
    const failed = renderVerdictText(
      evaluateGates(warn, worse, before),
      worse,
      compareReports(before, worse),
    );
    expect(failed.split('\n')[0]).toBe('evalgate: FAILED - 1 of 1 gate failed, 1 class not evaluable');
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
      'evalgate: PASSED - 1 gate passed against the baseline, 1 possible regression (warning)',
    );
    expect(lines[1]).toBe('  ! per-class-recall: 3 classes, 1 possible regression');
    expect(lines[2]).toMatch(
      /^ {6}recall of 'cat' dropped by 3\.0 pp .* but not significant at α = 0\.05: a possible regression$/,
    );
    expect(lines).not.toContain('Top regressions:');
  });
});

describe('renderVerdictText: issue 9', () => {
  const { baseline, candidate } = digitsPair();

  it('names what the baseline fed or read differently, so a reviewer does not blame the model', () => {
    const other = {
      ...candidate,
      settings: { ...candidate.settings, preprocess: { ...candidate.settings.preprocess, color: 'rgb' } },
    };
    const text = renderVerdictText(
      evaluateGates(GATES, other, baseline),
      other,
      compareReports(baseline, other),
    );
    expect(text.split('\n')).toContain(
      '  note: The baseline fed or read its model differently, so a change may come from the settings, not the ' +
        'model: preprocess.color: gray in the baseline, rgb here',
    );
  });

  it('shows no change with the decimals of the others', () => {
    const text = renderVerdictText(
      evaluateGates(GATES, baseline, baseline),
      baseline,
      compareReports(baseline, baseline),
    );
    expect(text).toContain('  accuracy: 97.8% (baseline 97.8%, 0.00 pp)');
  });
});
