import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { pairSamples } from '../../src/compare/pairing.js';
import { agreeingChangeInterval, pairedTables } from '../../src/compare/proportionTests.js';
import type { Report } from '../../src/report/types.js';
import {
  fisherExact,
  mcnemarExact,
  pairedDifferenceInterval,
  unpairedDifferenceInterval,
} from '../../src/stats/index.js';
import { discordantPair } from '../__fixtures__/reports.js';

const NAMES = ['cat', 'dog', 'truck'];
const { baseline, candidate } = discordantPair(NAMES, [
  { n: 60, baselineWrong: 5, broken: 9, fixed: 2 },
  { n: 40, baselineWrong: 4, broken: 1 },
  { n: 30 },
]);

function reasonOf(before: Report, after: Report): string {
  const attempt = pairSamples(before, after);
  expect('reason' in attempt).toBe(true);
  return (attempt as { reason: string }).reason;
}

function withSamples(report: Report, change: (s: Report['samples']) => Partial<Report['samples']>): Report {
  return { ...report, samples: { ...report.samples, ...change(report.samples) } };
}

describe('pairSamples', () => {
  it('counts McNemar tables overall and per true class', () => {
    const attempt = pairSamples(baseline, candidate);
    if (!('paired' in attempt)) throw new Error(attempt.reason);
    const tables = pairedTables(attempt.paired, 3);
    expect(tables.byClass[0]).toEqual({ bothRight: 46, baselineOnly: 9, candidateOnly: 2, bothWrong: 3 });
    expect(tables.byClass[1]).toEqual({ bothRight: 35, baselineOnly: 1, candidateOnly: 0, bothWrong: 4 });
    expect(tables.byClass[2]).toEqual({ bothRight: 30, baselineOnly: 0, candidateOnly: 0, bothWrong: 0 });
    expect(tables.overall).toEqual({ bothRight: 111, baselineOnly: 10, candidateOnly: 2, bothWrong: 7 });
  });

  it('pairs by id, not by position', () => {
    const order = candidate.samples.ids.map((_, i) => i).reverse();
    const shuffled = withSamples(candidate, (s) => ({
      ids: order.map((i) => s.ids[i]!),
      labels: order.map((i) => s.labels[i]!),
      predictions: order.map((i) => s.predictions[i]!),
      confidences: order.map((i) => s.confidences[i]!),
    }));
    const attempt = pairSamples(baseline, shuffled);
    if (!('paired' in attempt)) throw new Error(attempt.reason);
    expect(pairedTables(attempt.paired, 3).overall).toEqual({
      bothRight: 111,
      baselineOnly: 10,
      candidateOnly: 2,
      bothWrong: 7,
    });
  });

  it.each([
    [
      'no records in the baseline',
      () => [
        withSamples(baseline, () => ({ ids: [], labels: [], predictions: [], confidences: [] })),
        candidate,
      ],
      'the baseline report carries no per-sample records',
    ],
    [
      'no samples field at all (an older report)',
      () => [{ ...baseline, samples: undefined } as unknown as Report, candidate],
      'the baseline report carries no per-sample records',
    ],
    [
      'no records in the candidate',
      () => [
        baseline,
        withSamples(candidate, () => ({ ids: [], labels: [], predictions: [], confidences: [] })),
      ],
      'the candidate report carries no per-sample records',
    ],
    [
      'different numbers of records',
      () => [
        withSamples(baseline, (s) => ({
          ids: s.ids.slice(1),
          labels: s.labels.slice(1),
          predictions: s.predictions.slice(1),
        })),
        candidate,
      ],
      'the baseline has records of 129 samples and the candidate of 130',
    ],
    [
      'duplicate ids in the baseline',
      () => [
        withSamples(baseline, (s) => ({ ids: s.ids.map((id, i) => (i === 1 ? s.ids[0]! : id)) })),
        candidate,
      ],
      "the baseline's sample ids are not unique (1 duplicate)",
    ],
    [
      'duplicate ids in the candidate',
      () => [
        baseline,
        withSamples(candidate, (s) => ({ ids: s.ids.map((id, i) => (i === 1 ? s.ids[0]! : id)) })),
      ],
      "the candidate's sample ids are not unique (1 duplicate)",
    ],
    [
      'ids that differ',
      () => [
        baseline,
        withSamples(candidate, (s) => ({ ids: s.ids.map((id, i) => (i < 2 ? `${id}.bak` : id)) })),
      ],
      "the sample ids differ: 2 candidate samples are not in the baseline (first: 'sample-00000.bak')",
    ],
    [
      'another true class for the same id',
      () => [
        baseline,
        withSamples(candidate, (s) => ({ labels: s.labels.map((l, i) => (i === 0 ? 1 : l)) })),
      ],
      'the two reports give 1 sample a different true class',
    ],
    [
      'records that disagree with the per-class table',
      () => [
        baseline,
        withSamples(candidate, (s) => ({ predictions: s.predictions.map((p, i) => (i === 20 ? 1 : p)) })),
      ],
      "the candidate's per-sample records do not match its per-class table (class 'cat': 60 samples, 47 right in the records; 60 and 48 in the table)",
    ],
  ] as const)('refuses to pair, with the reason, when there are %s', (_, make, reason) => {
    const [before, after] = make();
    expect(reasonOf(before, after)).toBe(reason);
  });
});

describe('compareReports evidence', () => {
  it('gives each class its paired exact test and the interval inverting it, and accuracy McNemar’s', () => {
    const comparison = compareReports(baseline, candidate, { confidence: 0.9 });
    expect(comparison.pairing).toEqual({ paired: true, samples: 130, changedPredictions: 12 });
    expect(comparison.confidence).toBe(0.9);
    const cat = comparison.classes[0]!;
    const counts = { bothRight: 46, baselineOnly: 9, candidateOnly: 2, bothWrong: 3 };
    expect(cat.recallTest).toEqual({
      test: 'paired-exact-recall',
      pValue: mcnemarExact(9, 2),
      interval: agreeingChangeInterval({ counts }, 1 - 0.9),
      counts,
    });
    // p = 0.065 < 0.10: the 90% interval excludes 0, its far end at least Newcombe's.
    expect(cat.recallTest!.interval!.high).toBeLessThan(0);
    expect(cat.recallTest!.interval!.low).toBeLessThanOrEqual(pairedDifferenceInterval(counts, 0.9)!.low);
    expect(comparison.accuracyTest!.test).toBe('mcnemar-exact');
    expect(comparison.accuracyTest!.pValue).toBe(mcnemarExact(10, 2));
    expect(cat.candidateRecallInterval!.low).toBeLessThan(48 / 60);
  });

  it('falls back to Fisher’s test and the interval inverting it without pairing', () => {
    const unpaired = withSamples(baseline, () => ({ ids: [], labels: [], predictions: [], confidences: [] }));
    const comparison = compareReports(unpaired, candidate);
    expect(comparison.pairing).toEqual({
      paired: false,
      reason: 'the baseline report carries no per-sample records',
    });
    expect(comparison.changedPredictions).toBeNull();
    expect(comparison.classes[0]!.recallTest).toEqual({
      test: 'fisher-exact',
      pValue: fisherExact(55, 60, 48, 60),
      interval: agreeingChangeInterval(
        {
          counts: { baselineSuccesses: 55, baselineTrials: 60, candidateSuccesses: 48, candidateTrials: 60 },
        },
        1 - 0.95,
      ),
      counts: { baselineSuccesses: 55, baselineTrials: 60, candidateSuccesses: 48, candidateTrials: 60 },
    });
    expect(comparison.accuracyTest!.pValue).toBe(fisherExact(121, 130, 113, 130));
    // Fisher p = 0.114 ≥ 0.05: the interval holds 0 and is at least as wide as Newcombe's hybrid.
    const shown = comparison.classes[0]!.recallTest!.interval!;
    const newcombe = unpairedDifferenceInterval(
      { baselineSuccesses: 55, baselineTrials: 60, candidateSuccesses: 48, candidateTrials: 60 },
      0.95,
    )!;
    expect(shown.low).toBeLessThanOrEqual(newcombe.low);
    expect(shown.high).toBeGreaterThanOrEqual(Math.max(0, newcombe.high));
  });
});
