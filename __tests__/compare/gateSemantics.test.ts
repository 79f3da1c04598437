import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import type { Finding, GateStatus } from '../../src/compare/types.js';
import type { GateEvidence, GatesConfig, StatisticsConfig } from '../../src/config/types.js';
import { defaultStatistics } from '../../src/config/defaults.js';
import type { Report } from '../../src/report/types.js';
import { adjustPValues, binomialTestLess, mcnemarExact } from '../../src/stats/index.js';
import { type DiscordantClass, discordantPair, withCalibration, withCost } from '../__fixtures__/reports.js';

const NAMES = ['cat', 'dog', 'truck'];
const ON: GateEvidence = { significance: true, onUnproven: 'warn' };

function recallGates(evidence: Partial<GateEvidence> = {}, maxDrop = 0.02): GatesConfig {
  return { perClassRecall: { maxDrop, onMissingClass: 'fail', ...ON, ...evidence } };
}

function statistics(overrides: Partial<StatisticsConfig> = {}): StatisticsConfig {
  return { ...defaultStatistics(), ...overrides };
}

/** cat changes as given; dog and truck (100 samples each) do not change at all. */
function catChanges(cat: DiscordantClass) {
  return discordantPair(NAMES, [cat, { n: 100 }, { n: 100 }]);
}

function resultFor(verdict: ReturnType<typeof evaluateGates>, subject: string) {
  return verdict.gates.find((g) => g.subject === subject)!;
}

describe('per-class recall: tolerance and evidence are separate', () => {
  // Holm across the 3 tested classes: the other two have p = 1, so cat's adjusted p is 3·p.
  const cases: Array<{
    name: string;
    cat: DiscordantClass;
    evidence?: Partial<GateEvidence>;
    finding: Finding;
    status: GateStatus;
    blocking: boolean;
  }> = [
    {
      name: 'a significant drop beyond the tolerance regressed and fails',
      cat: { n: 100, broken: 12 },
      finding: 'regressed',
      status: 'fail',
      blocking: true,
    },
    {
      name: 'a drop beyond the tolerance without evidence is a possible regression that warns',
      cat: { n: 100, broken: 3 },
      finding: 'possible-regression',
      status: 'warn',
      blocking: false,
    },
    {
      name: 'on-unproven: fail makes a possible regression fail the run',
      cat: { n: 100, broken: 3 },
      evidence: { onUnproven: 'fail' },
      finding: 'possible-regression',
      status: 'fail',
      blocking: true,
    },
    {
      name: 'a drop of exactly the tolerance is within tolerance',
      cat: { n: 100, broken: 2 },
      finding: 'within-tolerance',
      status: 'pass',
      blocking: false,
    },
    {
      name: 'a significant drop no larger than the tolerance is within tolerance',
      cat: { n: 2000, broken: 30 },
      finding: 'within-tolerance',
      status: 'pass',
      blocking: false,
    },
    {
      name: 'a significant rise is an improvement',
      cat: { n: 100, baselineWrong: 20, fixed: 12 },
      finding: 'improved',
      status: 'pass',
      blocking: false,
    },
    {
      name: 'a rise without evidence is only within tolerance',
      cat: { n: 100, baselineWrong: 20, fixed: 2 },
      finding: 'within-tolerance',
      status: 'pass',
      blocking: false,
    },
    {
      name: 'significance off fails any drop beyond the tolerance, as a plain threshold',
      cat: { n: 100, broken: 3 },
      evidence: { significance: false },
      finding: 'regressed',
      status: 'fail',
      blocking: true,
    },
    {
      name: 'significance off calls any rise an improvement',
      cat: { n: 100, baselineWrong: 20, fixed: 2 },
      evidence: { significance: false },
      finding: 'improved',
      status: 'pass',
      blocking: false,
    },
  ];

  it.each(cases)('$name', ({ cat, evidence, finding, status, blocking }) => {
    const { baseline, candidate } = catChanges(cat);
    const verdict = evaluateGates(recallGates(evidence), candidate, baseline);
    const result = resultFor(verdict, 'cat');
    expect(result).toMatchObject({ finding, status, blocking, test: 'paired-exact-recall' });
    expect(result.pValue).toBeCloseTo(Math.min(1, 3 * mcnemarExact(cat.broken ?? 0, cat.fixed ?? 0)), 12);
    expect(verdict.passed).toBe(!blocking);
    expect(verdict.warnings.includes(result)).toBe(status === 'warn');
    expect(verdict.failures.includes(result)).toBe(blocking);
  });

  it('says in the message what was found, with the interval and the corrected p-value', () => {
    const regressed = catChanges({ n: 100, broken: 12 });
    const message = resultFor(
      evaluateGates(recallGates(), regressed.candidate, regressed.baseline),
      'cat',
    ).message;
    expect(message).toMatch(
      // In percent and percentage points, the interval too (issue 9, item 8); its label is the CI's level and method.
      /^recall of 'cat' dropped by 12\.0 pp \(100\.0% → 88\.0%, 100 samples; [\d.]+% CI of the change[^;]* −\d+\.\d to −\d+\.\d pp; paired exact p = 0\.001 after Holm\), more than the allowed 2\.0 pp$/,
    );
    // Holm across 3 classes: cat is rejected at rank 1, so its interval is at α/3 (issue 9, item 5).
    expect(message).toContain('98.33% CI of the change (Holm-adjusted for 3 classes)');
    const possible = catChanges({ n: 100, broken: 3 });
    expect(
      resultFor(evaluateGates(recallGates(), possible.candidate, possible.baseline), 'cat').message,
    ).toMatch(/more than the allowed 2\.0 pp, but not significant at α = 0\.05: a possible regression$/);
    const improved = catChanges({ n: 100, baselineWrong: 20, fixed: 12 });
    expect(
      resultFor(evaluateGates(recallGates(), improved.candidate, improved.baseline), 'cat').message,
    ).toMatch(/^recall of 'cat' rose by 12\.0 pp \(80\.0% → 92\.0%.*, a significant improvement$/);
  });

  it('uses the gate’s own α when set, else statistics.alpha', () => {
    // b = 6, c = 0: p = 2/64 = 0.03125, Holm x3 = 0.094.
    const { baseline, candidate } = catChanges({ n: 100, broken: 6 });
    const finding = (gates: GatesConfig, stats?: StatisticsConfig) =>
      resultFor(evaluateGates(gates, candidate, baseline, { statistics: stats }), 'cat').finding;
    expect(finding(recallGates())).toBe('possible-regression');
    expect(finding(recallGates({ alpha: 0.1 }))).toBe('regressed');
    expect(finding(recallGates(), statistics({ alpha: 0.1 }))).toBe('regressed');
    expect(finding(recallGates({ alpha: 0.05 }), statistics({ alpha: 0.1 }))).toBe('possible-regression');
    expect(resultFor(evaluateGates(recallGates({ alpha: 0.1 }), candidate, baseline), 'cat').alpha).toBe(0.1);
  });

  it.each([
    // Three equal drops, p = 0.03125 each: Holm multiplies the smallest by 3 (0.094), BH keeps 0.03125.
    {
      name: 'three equal drops',
      drops: [6, 6, 6],
      holm: 'possible-regression',
      bh: 'regressed',
      none: 'regressed',
    },
    // One drop: Holm and BH both multiply it by 3; without correction it stands alone.
    {
      name: 'one drop',
      drops: [6, 0, 0],
      holm: 'possible-regression',
      bh: 'possible-regression',
      none: 'regressed',
    },
  ] as const)(
    'lets the correction decide with $name: Holm, Benjamini–Hochberg, none',
    ({ drops, holm, bh, none }) => {
      const { baseline, candidate } = discordantPair(
        NAMES,
        drops.map((broken) => ({ n: 100, broken })),
      );
      const raw = drops.map((b) => mcnemarExact(b, 0));
      for (const [correction, expected] of [
        ['holm', holm],
        ['benjamini-hochberg', bh],
        ['none', none],
      ] as const) {
        const verdict = evaluateGates(recallGates(), candidate, baseline, {
          statistics: statistics({ correction }),
        });
        const cat = resultFor(verdict, 'cat');
        expect(cat.finding, correction).toBe(expected);
        expect(cat.pValue).toBeCloseTo(adjustPValues(raw, correction)[0]!, 12);
        expect(verdict.statistics.correction).toBe(correction);
      }
    },
  );

  it('orders failures proven regressions first, then possible ones under on-unproven: fail, largest drop first', () => {
    const { baseline, candidate } = discordantPair(NAMES, [
      { n: 100, broken: 3 },
      { n: 100, broken: 20 },
      { n: 100, broken: 4 },
    ]);
    const verdict = evaluateGates(
      { ...recallGates({ onUnproven: 'fail' }), accuracy: { min: 0.99, ...ON } },
      candidate,
      baseline,
    );
    expect(verdict.failures.map((f) => `${f.subject ?? f.gate}:${f.finding}`)).toEqual([
      'dog:regressed',
      'truck:possible-regression',
      'cat:possible-regression',
      'accuracy.min:regressed',
    ]);
  });

  it('lists non-blocking possible regressions as warnings, largest drop first', () => {
    const { baseline, candidate } = discordantPair(NAMES, [
      { n: 100, broken: 3 },
      { n: 100 },
      { n: 100, broken: 4 },
    ]);
    const verdict = evaluateGates(recallGates(), candidate, baseline);
    expect(verdict.passed).toBe(true);
    expect(verdict.warnings.map((w) => w.subject)).toEqual(['truck', 'cat']);
  });
});

describe('unpaired fallback', () => {
  const { baseline, candidate } = catChanges({ n: 100, broken: 12 });

  it.each([
    {
      why: 'the baseline has no per-sample records',
      baseline: { ...baseline, samples: { ids: [], labels: [], predictions: [], confidences: [] } },
      reason: 'the baseline report carries no per-sample records',
    },
    {
      why: 'the sample ids differ',
      baseline: {
        ...baseline,
        samples: { ...baseline.samples, ids: baseline.samples.ids.map((id) => `x/${id}`) },
      },
      reason: "the sample ids differ: 300 candidate samples are not in the baseline (first: 'sample-00000')",
    },
  ])(
    'falls back to Fisher’s exact test when $why, and says why in the verdict',
    ({ baseline: before, reason }) => {
      const verdict = evaluateGates(recallGates(), candidate, before as Report);
      expect(verdict.statistics.pairing).toEqual({ paired: false, reason });
      expect(verdict.notes.map((n) => n.text)[0]).toContain(`Compared without pairing samples: ${reason}.`);
      const cat = resultFor(verdict, 'cat');
      expect(cat.test).toBe('fisher-exact');
      expect(cat.message).toContain('unpaired Fisher exact p');
      // 100/100 -> 88/100 unpaired is still overwhelming evidence.
      expect(cat.finding).toBe('regressed');
    },
  );

  it('calls a macro-F1 drop it cannot test a possible regression, says why, and lets on-unproven decide', () => {
    const unpaired = { ...baseline, samples: { ids: [], labels: [], predictions: [], confidences: [] } };
    const judge = (onUnproven: 'warn' | 'fail') =>
      evaluateGates(
        { ...recallGates(), macroF1: { maxDrop: 0.01, ...ON, onUnproven } },
        candidate,
        unpaired as Report,
      ).gates.find((g) => g.gate === 'macro-f1.max-drop')!;
    const macro = judge('warn');
    expect(macro).toMatchObject({
      test: 'threshold',
      status: 'warn',
      blocking: false,
      finding: 'possible-regression',
      pValue: null,
    });
    expect(macro.message).toContain(
      'no test possible: no sample-by-sample pairing (the baseline report carries no per-sample records)',
    );
    expect(macro.message).toMatch(/but unproven without a test: a possible regression$/);
    expect(judge('fail')).toMatchObject({ status: 'fail', blocking: true, finding: 'possible-regression' });
  });

  it('pairs the same reports when their records match', () => {
    const verdict = evaluateGates(recallGates(), candidate, baseline);
    expect(verdict.statistics.pairing).toEqual({ paired: true, samples: 300, changedPredictions: 12 });
    expect(verdict.notes.map((n) => n.text).some((n) => n.includes('without pairing'))).toBe(false);
  });
});

describe('accuracy gates', () => {
  // 300 samples; the candidate breaks 45 of them: accuracy 1.000 -> 0.850.
  const { baseline, candidate } = discordantPair(NAMES, [
    { n: 100, broken: 15 },
    { n: 100, broken: 15 },
    { n: 100, broken: 15 },
  ]);

  it.each([
    { min: 0.9, finding: 'regressed', status: 'fail' },
    { min: 0.86, finding: 'possible-regression', status: 'warn' },
    { min: 0.85, finding: 'within-tolerance', status: 'pass' },
  ] as const)('accuracy.min $min against 255 of 300 right: $finding (one-sided exact binomial)', (row) => {
    const verdict = evaluateGates({ ...recallGates(), accuracy: { min: row.min, ...ON } }, candidate, null);
    const gate = verdict.gates.find((g) => g.gate === 'accuracy.min')!;
    expect(gate).toMatchObject({ finding: row.finding, status: row.status, test: 'binomial-exact' });
    expect(gate.pValue).toBeCloseTo(binomialTestLess(255, 300, row.min), 12);
    expect(gate.interval!.low).toBeLessThan(0.85);
    expect(gate.interval!.high).toBeGreaterThan(0.85);
  });

  it('accuracy.max-drop uses McNemar’s exact test on all samples when paired', () => {
    const verdict = evaluateGates(
      { ...recallGates(), accuracy: { maxDrop: 0.1, ...ON } },
      candidate,
      baseline,
    );
    const gate = verdict.gates.find((g) => g.gate === 'accuracy.max-drop')!;
    expect(gate).toMatchObject({ finding: 'regressed', test: 'mcnemar-exact' });
    expect(gate.pValue).toBeCloseTo(mcnemarExact(45, 0), 15);
    expect(gate.message).toMatch(/McNemar exact p < 0\.001\), more than the allowed 10\.0 pp$/);
  });
});

describe('macro-F1, ECE and cost gates', () => {
  it('tests a macro-F1 drop with the paired randomization test, reproducibly, with a bootstrap interval', () => {
    const { baseline, candidate } = discordantPair(NAMES, [
      { n: 100, broken: 15 },
      { n: 100, broken: 10 },
      { n: 100 },
    ]);
    const gates = { ...recallGates(), macroF1: { maxDrop: 0.02, ...ON } };
    const first = evaluateGates(gates, candidate, baseline).gates.find(
      (g) => g.gate === 'macro-f1.max-drop',
    )!;
    const second = evaluateGates(gates, candidate, baseline).gates.find(
      (g) => g.gate === 'macro-f1.max-drop',
    )!;
    expect(first).toEqual(second);
    expect(first).toMatchObject({ test: 'paired-randomization', finding: 'regressed' });
    // 25 samples broken, none fixed: Monte Carlo (25 > 14 units) at its floor 1/(B + 1).
    expect(first.pValue).toBe(1 / 2001);
    expect(first.interval!.high).toBeLessThan(0);
    expect(first.message).toContain('paired randomization p < 0.001');
    // A different seed gives another bootstrap interval, the same conclusion.
    const reseeded = { ...candidate, settings: { ...candidate.settings, seed: 7 } };
    const other = evaluateGates(gates, reseeded, baseline).gates.find((g) => g.gate === 'macro-f1.max-drop')!;
    expect(other.interval).not.toEqual(first.interval);
    expect(other.finding).toBe('regressed');
  });

  it('does not call a macro-F1 drop from four changed samples of 300 a regression (p = 0.125)', () => {
    const { baseline, candidate } = discordantPair(NAMES, [{ n: 100, broken: 4 }, { n: 100 }, { n: 100 }]);
    const gate = evaluateGates(
      { ...recallGates(), macroF1: { maxDrop: 0.005, ...ON } },
      candidate,
      baseline,
    ).gates.find((g) => g.gate === 'macro-f1.max-drop')!;
    expect(gate).toMatchObject({
      test: 'paired-randomization',
      finding: 'possible-regression',
      pValue: 0.125,
    });
  });

  it('checks ECE against a maximum and against the baseline, and skips a baseline without calibration', () => {
    const pair = discordantPair(NAMES, [{ n: 200, broken: 60 }, { n: 200 }, { n: 200 }]);
    // Baseline: all right at 0.999, ECE 0.001.
    const baseline = withCalibration(
      pair.baseline,
      pair.baseline.samples.labels.map(() => 0.999),
    );
    // Candidate: 0.99 everywhere but 10% wrong, so its ECE rises to about 0.09.
    const candidate = withCalibration(
      pair.candidate,
      pair.candidate.samples.labels.map(() => 0.99),
    );
    const gates: GatesConfig = { ...recallGates(), ece: { max: 0.01, maxIncrease: 0.005, ...ON } };
    const verdict = evaluateGates(gates, candidate, baseline);
    const max = verdict.gates.find((g) => g.gate === 'ece.max')!;
    const increase = verdict.gates.find((g) => g.gate === 'ece.max-increase')!;
    expect(candidate.calibration!.ece!).toBeGreaterThan(0.02);
    expect(max).toMatchObject({ test: 'bootstrap', finding: 'regressed', status: 'fail' });
    expect(increase).toMatchObject({ test: 'paired-randomization', status: 'fail' });
    expect(increase.baseline).toBe(baseline.calibration!.ece);

    const old = { ...baseline, calibration: undefined };
    const skipped = evaluateGates(gates, candidate, old).gates.find((g) => g.gate === 'ece.max-increase')!;
    expect(skipped.status).toBe('skipped');
    expect(skipped.message).toContain('the baseline report has no calibration figures');
    const missing = evaluateGates(gates, { ...candidate, calibration: undefined }, baseline);
    expect(
      missing.gates.filter((g) => g.gate.startsWith('ece.')).every((g) => g.status === 'not-evaluable'),
    ).toBe(true);
  });

  it('compares the expected cost with the exact sign-flip test, or Welch’s test without pairing', () => {
    // A missed truck costs 10, any other error 1.
    const matrix = [
      [0, 1, 1],
      [1, 0, 1],
      [10, 10, 0],
    ];
    const pair = discordantPair(NAMES, [{ n: 100 }, { n: 100 }, { n: 100, broken: 20 }]);
    const baseline = withCost(pair.baseline, matrix, 'USD');
    const candidate = withCost(pair.candidate, matrix, 'USD');
    const gates: GatesConfig = { ...recallGates(), cost: { max: 0.5, maxIncrease: 0.1, ...ON } };
    const verdict = evaluateGates(gates, candidate, baseline);
    const increase = verdict.gates.find((g) => g.gate === 'cost.max-increase')!;
    expect(increase).toMatchObject({ test: 'sign-flip', finding: 'regressed', baseline: 0 });
    // 20 samples each 10 more expensive, nothing cheaper: 2 of 2^20 sign patterns are as extreme.
    expect(increase.pValue).toBe(2 / 2 ** 20);
    // The paired t interval of the change is shown beside it.
    expect(increase.interval!.low).toBeGreaterThan(0);
    expect(increase.interval!.high).toBeGreaterThan(200 / 300);
    expect(increase.candidate).toBeCloseTo(200 / 300, 12);
    expect(increase.message).toContain('expected cost per sample (USD) rose by 0.667');
    const max = verdict.gates.find((g) => g.gate === 'cost.max')!;
    expect(max).toMatchObject({ test: 't-test', gate: 'cost.max' });

    const unpaired = { ...baseline, samples: { ids: [], labels: [], predictions: [], confidences: [] } };
    const welch = evaluateGates(gates, candidate, unpaired as Report).gates.find(
      (g) => g.gate === 'cost.max-increase',
    )!;
    expect(welch.test).toBe('welch-t');
    // A baseline made without a cost matrix is costed from its confusion matrix.
    const noCost = evaluateGates(gates, candidate, pair.baseline).gates.find(
      (g) => g.gate === 'cost.max-increase',
    )!;
    expect(noCost.baseline).toBe(0);
  });
  it('does not prove a cost increase from three equal changes (sign-flip p = 0.25), and says when no t-test is possible', () => {
    const matrix = [
      [0, 1, 1],
      [1, 0, 1],
      [10, 10, 0],
    ];
    const pair = discordantPair(NAMES, [{ n: 100 }, { n: 100 }, { n: 100, broken: 3 }]);
    const gates: GatesConfig = { ...recallGates(), cost: { maxIncrease: 0.05, ...ON } };
    const increase = evaluateGates(
      gates,
      withCost(pair.candidate, matrix),
      withCost(pair.baseline, matrix),
    ).gates.find((g) => g.gate === 'cost.max-increase')!;
    // +10 on 3 of 300 samples: 0.1 more per sample; a t-test on these differences would say 0.08.
    expect(increase).toMatchObject({
      test: 'sign-flip',
      pValue: 0.25,
      finding: 'possible-regression',
      status: 'warn',
    });
    expect(increase.message).toContain('paired sign-flip p = 0.250');

    // Every sample costs 1, above cost.max 0.5: no spread, so no t-test; not proven, only possible.
    const flat = [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ];
    const max = evaluateGates(
      { ...recallGates(), cost: { max: 0.5, ...ON } },
      withCost(pair.candidate, flat),
      null,
    ).gates.find((g) => g.gate === 'cost.max')!;
    expect(max).toMatchObject({ finding: 'possible-regression', status: 'warn', pValue: null });
    expect(max.message).toContain(
      'no test possible: the t-test needs at least 2 samples and some spread in their costs',
    );
  });
});
