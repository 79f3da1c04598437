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
import type { ClassPower, GatesConfig, PowerSummary, StatisticsConfig } from './types.js';

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
 */
export function powerNotes(
  summary: PowerSummary,
  statistics: StatisticsConfig,
  gate: GatesConfig['perClassRecall'],
  family: number,
): string[] {
  const gateAlpha = gate.alpha ?? statistics.alpha;
  const notes: string[] = [];
  const weak = summary.classes.filter((c) => c.underpowered);
  if (weak.length > 0) {
    const level =
      statistics.correction === 'none' || family <= 1
        ? `α = ${alphaText(summary.alpha)}`
        : `α = ${alphaText(summary.alpha)} (${alphaText(gateAlpha)} after ${correctionName(statistics.correction)} ` +
          `across ${thousands(family)} classes)`;
    const detectable = weak.map((c) => c.minimumDetectableDrop).filter((d): d is number => d !== null);
    const sees =
      detectable.length === 0
        ? 'they cannot detect even a drop to 0'
        : `they detect drops of ${range(detectable, (v) => formatFraction(v))} at best` +
          (detectable.length < weak.length
            ? ` (${thousands(weak.length - detectable.length)} not even a drop to 0)`
            : '');
    const more = weak.map((c) => c.moreSamples).filter((m): m is number => m !== null);
    const need =
      summary.tolerance <= EPSILON
        ? '; no number of samples detects a drop of 0'
        : more.length > 0
          ? `; ${formatFraction(summary.tolerance)} needs ${range(more, thousands)} more samples per class`
          : '';
    notes.push(
      `${thousands(weak.length)} of ${thousands(summary.classesChecked)} classes cannot reliably detect a recall drop ` +
        `of ${formatFraction(summary.tolerance)} (max-drop): at ${level} with ${Math.round(summary.power * 100)}% ` +
        `power, ${sees}${need}.` +
        (gate.significance
          ? ' Drops beyond the tolerance there show as possible regressions unless large.'
          : ' Drops beyond the tolerance there can be noise (significance is off).'),
    );
  }
  const small = summary.classes.filter((c) => c.small);
  if (small.length > 0) {
    notes.push(
      `${thousands(small.length)} of ${thousands(summary.classesChecked)} classes have fewer than ` +
        `${thousands(summary.minClassSamples)} test samples (statistics.min-class-samples): ` +
        `${quotedNames(small.map((c) => c.name))}; their recall is too uncertain to judge, add samples.`,
    );
  }
  return notes;
}
