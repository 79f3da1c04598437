/**
 * The slice gates (gates.slices.<column>): a regression confined to one slice fails the run even
 * when every whole-set gate passes; the correction runs over every slice × class tested as one
 * family; a baseline without per-sample slice values is paired through the candidate's values on
 * the same test set, or compared unpaired, and a note says which; a column the test set lacks is
 * refused naming gates.slices.<column>.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import { checkSliceGateColumns } from '../../src/compare/sliceGates.js';
import { defaultGates, defaultStatistics } from '../../src/config/defaults.js';
import type { GatesConfig } from '../../src/config/types.js';
import { InputError } from '../../src/shared/errors.js';
import { nightRegression } from '../__fixtures__/slicedReports.js';

const evidence = { significance: true, onUnproven: 'warn' } as const;

function gates(withSlices: boolean): GatesConfig {
  return {
    ...defaultGates(),
    accuracy: { maxDrop: 0.02, ...evidence },
    ...(withSlices
      ? {
          slices: {
            light: {
              accuracy: { maxDrop: 0.02, ...evidence },
              perClassRecall: { maxDrop: 0.02, ...evidence },
            },
          },
        }
      : {}),
  };
}

describe('slice gates', () => {
  it('the whole-set gates cannot see a regression confined to the night slice: they all pass', () => {
    const { baseline, candidate } = nightRegression();
    const verdict = evaluateGates(gates(false), candidate, baseline);
    expect(verdict.passed).toBe(true);
    const recall = verdict.gates.filter((g) => g.gate === 'per-class-recall');
    expect(recall.map((g) => g.finding)).toEqual([
      'within-tolerance',
      'within-tolerance',
      'within-tolerance',
    ]);
  });

  it('gates.slices.light fails the night slice (accuracy and every class) while the whole-set gates pass', () => {
    const { baseline, candidate } = nightRegression();
    const verdict = evaluateGates(gates(true), candidate, baseline);
    expect(verdict.passed).toBe(false);
    expect(verdict.gates.filter((g) => g.slice === undefined).every((g) => !g.blocking)).toBe(true);
    const failed = verdict.failures.map((f) => `${f.gate} ${f.slice?.value} ${f.subject}`);
    expect(failed).toEqual([
      'slices.light.accuracy.max-drop night night',
      'slices.light.per-class-recall night cat',
      'slices.light.per-class-recall night dog',
      'slices.light.per-class-recall night bird',
    ]);
    const nightCat = verdict.failures[1]!;
    expect(nightCat.finding).toBe('regressed');
    expect(nightCat.test).toBe('paired-exact-recall');
    expect(nightCat.message).toContain("recall of 'cat' in light = night dropped");
    expect(nightCat.message).toContain('after Holm');
    // Day: the candidate fixed 10 of each class's samples, a significant improvement.
    const dayCat = verdict.gates.find((g) => g.slice?.value === 'day' && g.subject === 'cat')!;
    expect(dayCat.finding).toBe('improved');
    expect(verdict.statistics.pairing).toMatchObject({ paired: true });
  });

  it('corrects across every slice × class tested as one family (8 tests here, not 4 per slice)', () => {
    const { baseline, candidate } = nightRegression();
    const verdict = evaluateGates(gates(true), candidate, baseline);
    const nightCat = verdict.gates.find((g) => g.slice?.value === 'night' && g.subject === 'cat')!;
    // Raw p of 12 discordant pairs all one way: 2·0.5^12. The two accuracy tests rank first, so
    // Holm multiplies the night classes' p by 8 − 2 = 6; a family per slice would give 4 − 1 = 3.
    expect(nightCat.pValue).toBeCloseTo(6 * 2 * 0.5 ** 12, 12);
    const none = evaluateGates(gates(true), candidate, baseline, {
      statistics: { ...defaultStatistics(), correction: 'none' },
    });
    const raw = none.gates.find((g) => g.slice?.value === 'night' && g.subject === 'cat')!;
    expect(raw.pValue).toBeCloseTo(2 * 0.5 ** 12, 12);
    expect(raw.message).not.toContain('after');
  });

  it('the interval beside a corrected slice decision excludes 0 exactly when it rejects', () => {
    const { baseline, candidate } = nightRegression();
    const verdict = evaluateGates(gates(true), candidate, baseline);
    for (const g of verdict.gates.filter((r) => r.slice !== undefined && r.pValue != null)) {
      const rejects = g.pValue! < g.alpha!;
      const excludesZero = g.interval!.high < 0 || g.interval!.low > 0;
      expect(excludesZero, `${g.gate} ${g.slice?.value} ${g.subject}`).toBe(rejects);
    }
  });

  it('pairs by id through the candidate slice values when the baseline has none (same test set), and says so', () => {
    const { baseline, candidate } = nightRegression({ withSampleSlices: false });
    const verdict = evaluateGates(gates(true), candidate, baseline);
    const note = verdict.notes.find((n) => n.kind === 'slice-pairing');
    expect(note?.text).toContain("paired by sample id using the candidate's slice values");
    const nightCat = verdict.gates.find((g) => g.slice?.value === 'night' && g.subject === 'cat')!;
    expect(nightCat.test).toBe('paired-exact-recall');
    expect(nightCat.status).toBe('fail');
  });

  it('falls back to unpaired Fisher tests when the baseline has no slice values and another test set', () => {
    const { baseline, candidate } = nightRegression({
      withSampleSlices: false,
      testSetDigest: `sha256:${'c'.repeat(64)}`,
    });
    const verdict = evaluateGates(gates(true), candidate, baseline);
    const note = verdict.notes.find((n) => n.kind === 'slice-pairing');
    expect(note?.text).toContain('compared without pairing samples');
    const nightCat = verdict.gates.find((g) => g.slice?.value === 'night' && g.subject === 'cat')!;
    expect(nightCat.test).toBe('fisher-exact');
  });

  it('gives one power line per gated slice too small to see its tolerance', () => {
    const { baseline, candidate } = nightRegression();
    const verdict = evaluateGates(gates(true), candidate, baseline);
    const lines = verdict.notes.filter((n) => n.kind === 'slice-underpowered');
    expect(lines.map((n) => n.text.split(' (')[0])).toEqual(['Slice light = day', 'Slice light = night']);
    expect(lines[1]!.text).toMatch(/needs about [\d,]+ samples per class/);
  });

  it('without a baseline, slice change gates are skipped and nothing fails', () => {
    const { candidate } = nightRegression();
    const verdict = evaluateGates(gates(true), candidate, null);
    expect(verdict.passed).toBe(true);
    const slice = verdict.gates.filter((g) => g.slice !== undefined);
    expect(slice.length).toBeGreaterThan(0);
    expect(slice.every((g) => g.status === 'skipped')).toBe(true);
  });

  it('refuses a gates.slices column the test set lacks, naming gates.slices.<column> and the columns it has', () => {
    const { baseline, candidate } = nightRegression();
    const config: GatesConfig = {
      ...defaultGates(),
      slices: { lighting: { accuracy: { min: 0.9, ...evidence } } },
    };
    let error: unknown;
    try {
      evaluateGates(config, candidate, baseline);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(
      "gates.slices.lighting names no slice column of the test set: the test set's slice columns are 'light'",
    );
    expect((error as InputError).exitCode).toBe(2);
    expect(() => checkSliceGateColumns(config, [])).toThrow(/the test set has no slice columns/);
  });
});
