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
import { EPSILON } from './findings.js';
import { formatPoints, messageName } from './messageText.js';
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
 * One line per kind of problem: classes whose test samples cannot see the tolerance, and classes
 * with fewer samples than `min-class-samples`. The per-class figures (smallest detectable drop,
 * samples needed) are in the summary, which the comment folds into its power table.
 *
 * The line says what a reader can act on, "10 of 10 classes have too few test samples to see a
 * recall drop of 2.0 pp: about 663 to 786 per class needed (52 to 55 now)", and names no test, so it
 * reads the same on a first-baseline run, where no test was made. What the figures mean, precisely
 * (the power table's caption says it):
 * - the minimum detectable drop is the smallest TRUE drop the test flags as significant with the
 *   configured power; where it exceeds the tolerance, true drops between the two mostly come out
 *   as possible regressions;
 * - "samples needed" is what makes a true drop of exactly the tolerance significant with that power;
 * - the gate blocks only when the observed drop also exceeds the tolerance, which a true drop of
 *   exactly the tolerance does about half the time, so drops only just above the tolerance are
 *   blocked about half the time whatever the sample size (exact check: at the advised size for the
 *   bundled example's '8', significant 85%, blocked 51%).
 */
export function powerNotes(summary: PowerSummary, gate: GatesConfig['perClassRecall']): VerdictNote[] {
  const notes: VerdictNote[] = [];
  const weak = summary.classes.filter((c) => c.underpowered);
  if (weak.length > 0) {
    const classes = `${thousands(weak.length)} of ${thousands(summary.classesChecked)} classes`;
    const tolerance = formatPoints(summary.tolerance);
    const needed = weak.map((c) => c.samplesNeeded).filter((m): m is number => m !== null);
    const now = range(
      weak.map((c) => c.support),
      thousands,
    );
    let text: string;
    if (summary.tolerance <= EPSILON) {
      text = `${classes} cannot see a recall drop of 0 (max-drop 0): no number of test samples makes it significant`;
    } else {
      const see = gate.significance
        ? `see a recall drop of ${tolerance}`
        : `tell a recall drop of ${tolerance} from noise`;
      const need =
        needed.length === 0
          ? 'no number of samples per class is enough'
          : `about ${range(needed, thousands)} per class needed (${now} now)` +
            (needed.length < weak.length
              ? `, and for ${thousands(weak.length - needed.length)} no number is enough`
              : '');
      text = `${classes} have too few test samples to ${see}: ${need}`;
      // Without a test, noise beyond the tolerance fails the run: the one thing to add.
      if (!gate.significance) text += '; with significance off, such noise fails the run';
    }
    notes.push({ kind: 'underpowered', text });
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
