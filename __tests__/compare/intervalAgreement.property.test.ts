/**
 * The interval shown beside a decision agrees with it (issue 9, item 5): for every gate that shows
 * both an interval and a test decision, the interval excludes 0 (for a bound gate: lies wholly
 * beyond the bound) exactly when the (corrected) test rejects. Random per-class 2×2 tables, paired
 * and unpaired, random family sizes (1–30), corrections and α, run through the real gate code
 * (evaluateGates), with the edge cases named below: b = c = 0, every changed sample one way, ties
 * of p-values, and α exactly at a step of the correction. Seeded (mulberry32), so a failure
 * reproduces from the message.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GateResult, Interval } from '../../src/compare/types.js';
import { defaultStatistics } from '../../src/config/defaults.js';
import type { GateEvidence, GatesConfig, StatisticsConfig } from '../../src/config/types.js';
import type { Report } from '../../src/report/types.js';
import { fisherExact, mcnemarExact } from '../../src/stats/exactTests.js';
import type { PValueAdjustment } from '../../src/stats/types.js';
import { type DiscordantClass, discordantPair } from '../__fixtures__/reports.js';
import { seededRandom } from '../helpers/goldenCases.js';

const CORRECTIONS: PValueAdjustment[] = ['holm', 'benjamini-hochberg', 'none'];
const ON: GateEvidence = { significance: true, onUnproven: 'warn' };

function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

/** One random class: its size and 2×2 table, with the edge cases drawn often. */
function randomClass(random: () => number): DiscordantClass {
  const int = (n: number) => Math.floor(random() * n);
  const n = 1 + int(60);
  const baselineWrong = int(Math.min(n, 8) + 1);
  const right = n - baselineWrong;
  const kind = random();
  if (kind < 0.12) return { n, baselineWrong }; // b = c = 0
  if (kind < 0.3) return { n, baselineWrong, broken: right }; // every change a break
  if (kind < 0.4) return { n, baselineWrong, fixed: baselineWrong }; // every change a fix
  return { n, baselineWrong, broken: int(right + 1), fixed: int(baselineWrong + 1) };
}

/** The raw exact p of a class's table, as the gate computes it (McNemar paired, Fisher unpaired). */
function rawP(cls: DiscordantClass, paired: boolean): number {
  const broken = cls.broken ?? 0;
  const fixed = cls.fixed ?? 0;
  if (paired) return mcnemarExact(broken, fixed);
  const before = cls.n - (cls.baselineWrong ?? 0);
  return fisherExact(before, cls.n, before - broken + fixed, cls.n);
}

/**
 * α: usually random; sometimes exactly at a step of the correction for one of the p-values
 * (Holm (m − k + 1)·p(k), BH m·p(k)/k, none: p), where "p < α" and "p ≤ α" part.
 */
function randomAlpha(
  random: () => number,
  classes: DiscordantClass[],
  correction: PValueAdjustment,
  paired: boolean,
): number {
  const m = classes.length;
  if (random() < 0.35) {
    const sorted = classes.map((c) => rawP(c, paired)).sort((x, y) => x - y);
    const k = 1 + Math.floor(random() * m);
    const p = sorted[k - 1]!;
    const step =
      correction === 'holm' ? (m - k + 1) * p : correction === 'benjamini-hochberg' ? (m * p) / k : p;
    if (step > 0.001 && step < 0.45) return step;
  }
  return 0.001 + random() * 0.3;
}

function withoutRecords(report: Report): Report {
  return { ...report, samples: { ids: [], labels: [], predictions: [], confidences: [] } };
}

interface Family {
  classes: DiscordantClass[];
  correction: PValueAdjustment;
  alpha: number;
  paired: boolean;
}

function randomFamily(random: () => number, paired: boolean): Family {
  const m = 1 + Math.floor(random() * 30);
  const classes: DiscordantClass[] = [];
  for (let i = 0; i < m; i++) {
    // Ties of p-values: repeat an earlier class now and then.
    classes.push(i > 0 && random() < 0.2 ? classes[Math.floor(random() * i)]! : randomClass(random));
  }
  const correction = CORRECTIONS[Math.floor(random() * 3)]!;
  return { classes, correction, alpha: randomAlpha(random, classes, correction, paired), paired };
}

function verdictOf(family: Family) {
  const names = family.classes.map((_, i) => `c${i}`);
  // A family of one: discordantPair needs two class names for its "wrong" label.
  const pair = discordantPair(names.length === 1 ? [...names, 'spare'] : names, [
    ...family.classes,
    ...(names.length === 1 ? [{ n: 0 }] : []),
  ]);
  const baseline = family.paired ? pair.baseline : withoutRecords(pair.baseline);
  const gates: GatesConfig = {
    perClassRecall: { maxDrop: 0, onMissingClass: 'warn', ...ON, alpha: family.alpha },
    accuracy: { maxDrop: 0, min: 0.9, ...ON, alpha: family.alpha },
  };
  const statistics: StatisticsConfig = { ...defaultStatistics(), correction: family.correction };
  return evaluateGates(gates, pair.candidate, baseline, { statistics });
}

/** The gates of this test that decide by an exact test, and so must show the interval inverting it. */
const EXACT_GATES = new Set(['per-class-recall', 'accuracy.max-drop', 'accuracy.min']);

/** The disagreements of one verdict's results, as lines naming the family. */
function disagreements(family: Family, results: GateResult[]): string[] {
  const out: string[] = [];
  const name = `${family.paired ? 'paired' : 'unpaired'} ${family.correction} α=${family.alpha} ${JSON.stringify(family.classes)}`;
  for (const r of results) {
    if (r.interval === undefined || r.interval === null || r.pValue === null || r.pValue === undefined)
      continue;
    if (!EXACT_GATES.has(r.gate)) continue;
    if (r.intervalMatchesTest !== true) out.push(`${r.gate}: interval not marked as the test's: ${name}`);
    const rejected = r.pValue < r.alpha!;
    if (r.gate === 'accuracy.min') {
      // A bound gate: rejected exactly when the interval lies wholly below the minimum.
      if (r.interval.high < r.threshold !== rejected) out.push(`${r.gate}: ${JSON.stringify(r)} in ${name}`);
      continue;
    }
    if (excludesZero(r.interval) !== rejected)
      out.push(`${r.gate} ${r.subject ?? ''}: ${JSON.stringify(r)} in ${name}`);
    // With no tolerance a corrected rejection is exactly a finding of "regressed" or "improved".
    const decided = r.finding === 'regressed' || r.finding === 'improved';
    if (decided !== rejected) out.push(`${r.gate} ${r.subject ?? ''} finding ${r.finding}: in ${name}`);
    if (r.gate === 'per-class-recall' && family.classes.length > 1 && family.correction !== 'none') {
      if (r.intervalCorrection?.correction !== family.correction) out.push(`no correction label: ${name}`);
    }
  }
  return out;
}

describe('every interval shown beside a decision agrees with it', () => {
  for (const paired of [true, false]) {
    it(`${paired ? 'paired (exact McNemar)' : 'unpaired (Fisher)'}: the interval excludes 0 exactly when the corrected test rejects, over thousands of random class tables`, () => {
      const random = seededRandom(paired ? 9051 : 9052);
      const problems: string[] = [];
      let tables = 0;
      let rejections = 0;
      let boundaries = 0;
      const families = paired ? 800 : 500;
      for (let f = 0; f < families; f++) {
        const family = randomFamily(random, paired);
        const verdict = verdictOf(family);
        problems.push(...disagreements(family, verdict.gates));
        const classes = verdict.gates.filter((g) => g.gate === 'per-class-recall' && g.interval);
        tables += classes.length;
        rejections += classes.filter((g) => g.pValue! < g.alpha!).length;
        boundaries += classes.filter((g) => g.pValue === g.alpha).length;
      }
      expect(problems.slice(0, 3)).toEqual([]);
      // The draw covers what it claims: thousands of tables, both decisions, p exactly at α.
      expect(tables).toBeGreaterThan(paired ? 10000 : 6000);
      expect(rejections).toBeGreaterThan(300);
      expect(boundaries).toBeGreaterThan(20);
    });
  }

  it("labels a corrected class's interval with its family-adjusted level: the bundled example's '8'", () => {
    // Class '8' of the bundled example: 9 of 52 broken, none fixed; 9 other classes unchanged-ish.
    const classes: DiscordantClass[] = [
      { n: 52, baselineWrong: 2, broken: 9 },
      ...Array.from({ length: 9 }, () => ({ n: 54, baselineWrong: 1 })),
    ];
    const verdict = verdictOf({ classes, correction: 'holm', alpha: 0.05, paired: true });
    const eight = verdict.gates.find((g) => g.subject === 'c0')!;
    expect(eight.pValue).toBeCloseTo(10 * 2 * 0.5 ** 9, 15);
    expect(eight.intervalLevel).toBeCloseTo(0.995, 15);
    expect(eight.intervalMethod).toBe('exact-mcnemar');
    expect(eight.intervalCorrection).toEqual({ correction: 'holm', family: 10 });
    expect(eight.message).toContain('99.5% CI of the change (Holm-adjusted for 10 classes)');
    expect(eight.interval!.high).toBeLessThan(0);
    // An unchanged class: not rejected, so its interval (at α/(m − r) = 0.05/9) holds 0.
    const other = verdict.gates.find((g) => g.subject === 'c1')!;
    expect(other.intervalLevel).toBeCloseTo(1 - 0.05 / 9, 15);
    expect(excludesZero(other.interval!)).toBe(false);
  });
});
