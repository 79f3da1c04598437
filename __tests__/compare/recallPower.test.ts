import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig, StatisticsConfig } from '../../src/config/types.js';
import { pairSamples } from '../../src/compare/pairing.js';
import { pairedTables } from '../../src/compare/proportionTests.js';
import { defaultStatistics } from '../../src/config/defaults.js';
import { minimumDetectableDrop, samplesForDrop } from '../../src/stats/index.js';
import { digitsPair, discordantPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

const GATES: GatesConfig = {
  perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
};

function stats(overrides: Partial<StatisticsConfig> = {}): StatisticsConfig {
  return { ...defaultStatistics(), ...overrides };
}

describe('power warnings of the per-class gate', () => {
  const { baseline, improved } = digitsPair();

  it('gives each class that cannot see the tolerance its smallest detectable drop and the samples it lacks', () => {
    const verdict = evaluateGates(GATES, improved, baseline);
    const power = verdict.statistics.power!;
    // Holm across 10 tested classes: a single regression must reach 0.05 / 10.
    expect(power).toMatchObject({
      tolerance: 0.02,
      alpha: 0.005,
      power: 0.8,
      design: 'paired',
      classesChecked: 10,
    });
    expect(power.classes).toHaveLength(10);
    // Churn: the share of all samples the candidate fixes (c / n over the whole test set).
    const attempt = pairSamples(baseline, improved);
    if (!('paired' in attempt)) throw new Error(attempt.reason);
    const churn = pairedTables(attempt.paired, 10).overall.candidateOnly / 540;
    expect(churn).toBeGreaterThan(0);
    for (const cls of power.classes) {
      const baselineRate = baseline.classes.find((c) => c.name === cls.name)!.recall!;
      const options = { baselineRate, alpha: 0.005, power: 0.8, design: 'paired' as const, churn };
      expect(cls.minimumDetectableDrop).toBeCloseTo(minimumDetectableDrop({ ...options, n: 54 })!, 12);
      const needed = samplesForDrop({ ...options, drop: 0.02 })!;
      expect(cls).toMatchObject({
        support: 54,
        samplesNeeded: needed,
        moreSamples: needed - 54,
        underpowered: true,
      });
    }
    // Most samples missing first.
    const more = power.classes.map((c) => c.moreSamples!);
    expect([...more].sort((a, b) => b - a)).toEqual(more);
    // One line a reader can act on (issue 9, item 6): the samples each class needs, and has.
    const note = verdict.notes.find((n) => n.kind === 'underpowered')!.text;
    const needed = power.classes.map((c) => c.samplesNeeded!);
    expect(note).toBe(
      '10 of 10 classes have too few test samples to see a recall drop of 2.0 pp: about ' +
        `${Math.min(...needed).toLocaleString('en-US')} to ${Math.max(...needed).toLocaleString('en-US')} ` +
        'per class needed (54 now)',
    );
    expect(note.length).toBeLessThan(120);
  });

  it('says nothing of a paired test in the power note of a first-baseline run, where no test was made', () => {
    const note = evaluateGates(GATES, baseline, null).notes.find((n) => n.kind === 'underpowered')!.text;
    expect(note).toMatch(
      /^10 of 10 classes have too few test samples to see a recall drop of 2\.0 pp: about /,
    );
    expect(note).not.toMatch(/paired|test flags|McNemar/);
  });

  it('uses the gate’s α without division when there is no correction, and the unpaired design without pairing', () => {
    const unpaired = { ...baseline, samples: { ids: [], labels: [], predictions: [], confidences: [] } };
    const verdict = evaluateGates(GATES, improved, unpaired, { statistics: stats({ correction: 'none' }) });
    const power = verdict.statistics.power!;
    expect(power).toMatchObject({ alpha: 0.05, design: 'unpaired' });
    const zero = power.classes.find((c) => c.name === '0')!;
    expect(zero.minimumDetectableDrop).toBeCloseTo(
      minimumDetectableDrop({ n: 54, baselineRate: 1, alpha: 0.05, power: 0.8, design: 'unpaired' })!,
      12,
    );
    expect(verdict.notes.find((n) => n.kind === 'underpowered')!.text).toMatch(
      /^10 of 10 classes have too few test samples to see a recall drop of 2\.0 pp: about [\d,]+( to [\d,]+)? per class needed \(54 now\)$/,
    );
  });

  it('warns about no class whose test samples can see the tolerance', () => {
    // 2,000 samples per class and a tolerance of 10 points: detectable.
    const { baseline: before, candidate: after } = discordantPair(
      ['a', 'b', 'c'],
      [
        { n: 2000, baselineWrong: 100 },
        { n: 2000, baselineWrong: 100 },
        { n: 2000, baselineWrong: 100 },
      ],
    );
    const gates: GatesConfig = { perClassRecall: { ...GATES.perClassRecall, maxDrop: 0.1 } };
    const verdict = evaluateGates(gates, after, before);
    expect(verdict.statistics.power!.classes).toEqual([]);
    expect(verdict.notes.map((n) => n.kind)).not.toContain('underpowered');
  });

  it('flags classes with fewer samples than statistics.min-class-samples by name', () => {
    const names = ['big', 'small', 'tiny'];
    const report = makeReport({ classNames: names, matrix: matrixFrom([500, 20, 5], []) });
    const verdict = evaluateGates(GATES, report, report, { statistics: stats({ minClassSamples: 30 }) });
    const flagged = verdict.statistics.power!.classes.filter((c) => c.small).map((c) => c.name);
    expect(flagged).toEqual(['tiny', 'small']);
    expect(verdict.notes.map((n) => n.text)).toContain(
      "2 of 3 classes have fewer than 30 test samples (statistics.min-class-samples): 'tiny', 'small'; their " +
        'recall is too uncertain to judge, add samples.',
    );
  });

  it('still sizes the test set on a first run, for the comparisons to come', () => {
    const verdict = evaluateGates(GATES, baseline, null);
    expect(verdict.statistics.power).toMatchObject({ design: 'paired', alpha: 0.005, classesChecked: 10 });
    expect(verdict.statistics.power!.classes.every((c) => c.underpowered)).toBe(true);
  });
});
