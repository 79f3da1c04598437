/**
 * Power of the per-class recall gate: for each class, the smallest recall drop its test samples
 * can detect at the gate's level with `statistics.power` (src/stats/power.ts: Connor 1987 for the
 * paired design, Cohen's h for the unpaired one), and, where that is larger than the tolerance,
 * how many more samples of the class would be needed. A gate that cannot see the drop it is asked
 * about passes regressions silently; this says so instead.
 *
 * Level: a single regressed class must reach α/m under Holm (its first step) and under
 * Benjamini–Hochberg (the threshold of the smallest of m p-values when the others are null), α
 * without correction, so the figures are for α/m unless the correction is 'none'.
 * Churn (paired design): the share of samples the candidate fixes, estimated from the whole test
 * set (c/n over all samples; a per-class estimate from a few dozen samples is mostly 0 or noise);
 * without a comparison, src/stats's default (half the baseline's error rate).
 */
import type { ClassMetrics } from '../metrics/types.js';
import { minimumDetectableDrop, samplesForDrop } from '../stats/power.js';
import type { PairedCounts } from '../stats/types.js';
import { alphaText, correctionName } from './evidenceText.js';
import { EPSILON } from './findings.js';
import { formatFraction, messageName } from './messageText.js';
import type { ClassPower, PowerSummary, VerdictNote } from './types.js';
import type { GatesConfig, StatisticsConfig } from '../config/types.js';

export interface RecallPowerInput {
  gate: GatesConfig['perClassRecall'];
  statistics: StatisticsConfig;
  candidateClasses: ClassMetrics[];
  baselineClasses: Map<string, ClassMetrics> | null;
  /** The design of the comparison: paired when samples paired (or with no baseline yet, as later runs will). */
  design: 'paired' | 'unpaired';
  /** Overall paired counts, for the churn estimate; null when unpaired or without a baseline. */
  overall: PairedCounts | null;
  /** Classes in the correction's family (tested, or evaluable without a baseline). */
  family: number;
}

export function recallPower(input: RecallPowerInput): PowerSummary | null {
  const { gate, statistics, design } = input;
  const tolerance = gate.maxDrop;
  const evaluable = input.candidateClasses.filter((c) => c.evaluable && c.support > 0 && c.recall !== null);
  if (evaluable.length === 0) return null;
  const gateAlpha = gate.alpha ?? statistics.alpha;
  const family = Math.max(1, input.family);
  const alpha = statistics.correction === 'none' ? gateAlpha : gateAlpha / family;
  const n = input.overall
    ? input.overall.bothRight +
      input.overall.baselineOnly +
      input.overall.candidateOnly +
      input.overall.bothWrong
    : 0;
  const churn = input.overall && n > 0 ? input.overall.candidateOnly / n : undefined;

  const classes: ClassPower[] = [];
  for (const cls of evaluable) {
    const baselineRate = input.baselineClasses?.get(cls.name)?.recall ?? cls.recall!;
    const options = { baselineRate, alpha, power: statistics.power, design, churn };
    const small = cls.support < statistics.minClassSamples;
    // A recall at or below the tolerance cannot drop by more than it: nothing to detect.
    const canBreach = baselineRate > tolerance + EPSILON;
    const detectable = canBreach ? minimumDetectableDrop({ ...options, n: cls.support }) : null;
    const underpowered = canBreach && (detectable === null || detectable > tolerance + EPSILON);
    if (!underpowered && !small) continue;
    const samplesNeeded =
      canBreach && tolerance > EPSILON ? samplesForDrop({ ...options, drop: tolerance }) : null;
    classes.push({
      name: cls.name,
      support: cls.support,
      minimumDetectableDrop: detectable,
      samplesNeeded,
      moreSamples: samplesNeeded === null ? null : Math.max(0, samplesNeeded - cls.support),
      underpowered,
      small,
    });
  }
  // Most samples missing first; "no number is enough" before any number; then the smallest classes.
  classes.sort((a, b) => {
    if (a.underpowered !== b.underpowered) return a.underpowered ? -1 : 1;
    const x = a.moreSamples ?? Number.POSITIVE_INFINITY;
    const y = b.moreSamples ?? Number.POSITIVE_INFINITY;
    if (x !== y) return y - x > 0 ? 1 : -1;
    return a.support - b.support;
  });
  return {
    tolerance,
    alpha,
    power: statistics.power,
    design,
    minClassSamples: statistics.minClassSamples,
    classesChecked: evaluable.length,
    classes,
  };
}

/** Names quoted in a power note; the rest are counted. */
const NOTE_NAMES = 5;

function quotedNames(names: string[]): string {
  const shown = names.slice(0, NOTE_NAMES).map((n) => `'${messageName(n)}'`);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${thousands(rest)} more` : shown.join(', ');
}

function range(values: number[], format: (v: number) => string): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? format(low) : `${format(low)} to ${format(high)}`;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * One concise note per kind of problem: classes whose test cannot detect the tolerance, and
 * classes with fewer samples than `min-class-samples`. The per-class figures are in the summary.
 *
 * What the figures mean, precisely (the note says it so as not to promise more):
 * - the minimum detectable drop is the smallest TRUE drop the test flags as significant with the
 *   configured power; where it exceeds the tolerance, true drops between the two mostly come out
 *   as possible regressions;
 * - "more samples" is what makes a true drop of exactly the tolerance significant with that power;
 * - the gate blocks only when the observed drop also exceeds the tolerance, which a true drop of
 *   exactly the tolerance does about half the time, so drops only just above the tolerance are
 *   blocked about half the time whatever the sample size (exact check: at the advised size for the
 *   bundled example's '8', significant 85%, blocked 51%).
 */
export function powerNotes(
  summary: PowerSummary,
  statistics: StatisticsConfig,
  gate: GatesConfig['perClassRecall'],
  family: number,
): VerdictNote[] {
  const gateAlpha = gate.alpha ?? statistics.alpha;
  const notes: VerdictNote[] = [];
  const weak = summary.classes.filter((c) => c.underpowered);
  if (weak.length > 0) {
    const level =
      statistics.correction === 'none' || family <= 1
        ? `α = ${alphaText(summary.alpha)}`
        : `α = ${alphaText(summary.alpha)} (${alphaText(gateAlpha)} after ${correctionName(statistics.correction)} ` +
          `across ${thousands(family)} classes)`;
    const power = `${Math.round(summary.power * 100)}% power`;
    const tolerance = formatFraction(summary.tolerance);
    const detectable = weak.map((c) => c.minimumDetectableDrop).filter((d): d is number => d !== null);
    const sees =
      detectable.length === 0
        ? `their ${summary.design} test cannot flag even a drop to 0 as significant with ${power}`
        : `the smallest true drop their ${summary.design} test flags as significant with ${power} at ${level} ` +
          `is ${range(detectable, (v) => formatFraction(v))}` +
          (detectable.length < weak.length
            ? ` (${thousands(weak.length - detectable.length)} not even a drop to 0)`
            : '') +
          (gate.significance
            ? ', so true drops beyond the tolerance but below that mostly show as possible regressions'
            : '');
    const more = weak.map((c) => c.moreSamples).filter((m): m is number => m !== null);
    const need =
      summary.tolerance <= EPSILON
        ? '; no number of samples makes a drop of 0 significant'
        : more.length > 0
          ? `; a drop of ${tolerance} itself becomes significant with ${power} with ${range(more, thousands)} ` +
            'more samples per class'
          : '';
    notes.push({
      kind: 'underpowered',
      text:
        `${thousands(weak.length)} of ${thousands(summary.classesChecked)} classes cannot reliably detect a recall drop ` +
        `of ${tolerance} (max-drop): ${sees}${need}.` +
        (gate.significance
          ? ' The gate also requires the observed drop to exceed the tolerance, so a true drop only just above ' +
            'it is blocked about half the time, whatever the sample size.'
          : ' With significance off nothing is tested: drops beyond the tolerance there fail the run even when ' +
            'they are noise.'),
    });
  }
  const small = summary.classes.filter((c) => c.small);
  if (small.length > 0) {
    notes.push({
      kind: 'small-classes',
      text:
        `${thousands(small.length)} of ${thousands(summary.classesChecked)} classes have fewer than ` +
        `${thousands(summary.minClassSamples)} test samples (statistics.min-class-samples): ` +
        `${quotedNames(small.map((c) => c.name))}; their recall is too uncertain to judge, add samples.`,
    });
  }
  return notes;
}
