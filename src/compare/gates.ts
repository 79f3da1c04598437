/**
 * Gates: the user's thresholds, fixed before evaluation, applied to a candidate report (and its
 * baseline when there is one) to give the verdict with the numbers behind every result.
 *
 * Semantics, one per gate and always with a direction (prior-art.md: confusing threshold
 * semantics are a common complaint):
 * - `max-drop` d / `max-increase` d: the figure "may not drop (rise) by more than" d, absolute.
 * - `min` m / `max` m: the figure may not be below m (above m).
 * Each gate separates tolerance from evidence (findings.ts): a breach fails the run when it is
 * statistically significant, and is a possible regression (a warning, or a failure with
 * `on-unproven: fail`) when it is not; `significance: off` is the plain threshold check, where a
 * breach of exactly the threshold passes and anything beyond fails.
 */
import { defaultStatistics } from '../config/defaults.js';
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { eceGates } from './calibrationGate.js';
import { compareReports } from './compare.js';
import { costGates } from './costGate.js';
import { settingsDifferenceNote } from './compatibility.js';
import { EPSILON } from './findings.js';
import type { GateContext } from './gateContext.js';
import { accuracyGates, macroF1Gates } from './headlineGates.js';
import { type PairingAttempt, pairSamples } from './pairing.js';
import { perClassRecallGate } from './recallGate.js';
import { powerNotes, recallPower } from './recallPower.js';
import { sliceGates } from './sliceGates.js';
import { stressGates } from './stressGates.js';
import type { Comparison, GateResult, PowerSummary, Verdict, VerdictNote } from './types.js';
import type { GatesConfig, StatisticsConfig } from '../config/types.js';

/**
 * `value` rounded up to 3 decimals, or to the first nonzero decimal (at most 6) when smaller, so a
 * suggested allowed drop is never below the drop it must allow. Float noise (1e-9 of a unit in
 * the last place) does not round up: 1/50 gives 0.020, not 0.021.
 */
function roundedUp(value: number): string {
  let digits = 3;
  while (digits < 6 && value < 10 ** -digits) digits++;
  const scale = 10 ** digits;
  return (Math.ceil(value * scale - 1e-9) / scale).toFixed(digits);
}

/** The text of the verdict's first-baseline note (renderers that say it in their headline skip that kind). */
export const FIRST_BASELINE_NOTE =
  'No baseline report: this run sets the first baseline. Gates that compare with a baseline were skipped; ' +
  'keep this report.json as the baseline for later runs.';

export interface GateOptions {
  /** `statistics` of evalgate.yml; default: the schema's defaults. */
  statistics?: StatisticsConfig;
  /** The comparison already made by `compareReports` (computed here when absent). */
  comparison?: Comparison | null;
  /** The pairing already attempted by `pairSamples` (attempted here when absent). */
  pairing?: PairingAttempt | null;
}

/** Applies `gates` to `candidate`, against `baseline` when given. */
export function evaluateGates(
  gates: GatesConfig,
  candidate: Report,
  baseline: Report | null,
  options: GateOptions = {},
): Verdict {
  const context = gateContext(gates, candidate, baseline, options);
  const { statistics, comparison } = context;
  const recall = perClassRecallGate({
    gate: gates.perClassRecall,
    statistics,
    candidate,
    baseline,
    comparison,
  });
  const results: GateResult[] = [
    ...recall.results,
    ...accuracyGates(context),
    ...macroF1Gates(context),
    ...eceGates(context),
    ...costGates(context),
  ];
  // After the whole-set gates, in config order; refuses a gates.slices column the test set lacks.
  const slices = sliceGates(context);
  results.push(...slices.results);
  // Then the stress gates; refuses a gates.stress perturbation (or severity) the run did not stress.
  const stress = stressGates(context);
  results.push(...stress.results);
  const power = perClassPower(context, recall.tested);
  const failures = orderedFailures(results);
  return {
    passed: failures.length === 0,
    gates: results,
    failures,
    warnings: orderedWarnings(results),
    notes: [...verdictNotes(context, recall.notes, power), ...slices.notes, ...stress.notes],
    comparedWithBaseline: baseline !== null,
    statistics: {
      confidence: statistics.confidence,
      correction: statistics.correction,
      pairing: comparison?.pairing ?? null,
      power,
    },
  };
}

/** What every gate reads: the settings, both reports, and the pairing and comparison (made once). */
function gateContext(
  gates: GatesConfig,
  candidate: Report,
  baseline: Report | null,
  options: GateOptions,
): GateContext {
  const statistics = options.statistics ?? defaultStatistics();
  const pairing = baseline === null ? null : (options.pairing ?? pairSamples(baseline, candidate));
  const comparison =
    baseline === null
      ? null
      : (options.comparison ??
        compareReports(baseline, candidate, {
          confidence: statistics.confidence,
          pairing: pairing ?? undefined,
          stressClassTolerance: gates.stress?.perClassRecall?.maxDrop ?? gates.perClassRecall.maxDrop,
        }));
  return {
    gates,
    statistics,
    candidate,
    baseline,
    comparison,
    pairing,
    seed: Number.isInteger(candidate.settings?.seed) ? candidate.settings.seed : 0,
  };
}

/**
 * The verdict's notes in display order: the baseline, other settings, pairing, missing classes,
 * power, zero tolerance.
 */
function verdictNotes(
  context: GateContext,
  recallNotes: VerdictNote[],
  power: PowerSummary | null,
): VerdictNote[] {
  const { baseline, comparison, gates, candidate } = context;
  const notes: VerdictNote[] = [];
  if (baseline === null) notes.push({ kind: 'first-baseline', text: FIRST_BASELINE_NOTE });
  const settings = baseline === null ? null : settingsDifferenceNote(baseline, candidate);
  if (settings !== null) notes.push({ kind: 'preprocessing-differs', text: settings });
  if (comparison !== null && !comparison.pairing.paired) {
    notes.push({
      kind: 'unpaired',
      text:
        `Compared without pairing samples: ${comparison.pairing.reason}. The tests are unpaired (Fisher's exact ` +
        'test and the intervals that invert it), which are less powerful than a sample-by-sample comparison; ' +
        'reports made by `evalgate run` on the same locked test set pair.',
    });
  }
  notes.push(...recallNotes);
  if (power !== null) {
    notes.push(...powerNotes(power, gates.perClassRecall));
  }
  const zeroTolerance = zeroToleranceNote(gates.perClassRecall, candidate);
  if (zeroTolerance !== null) notes.push({ kind: 'zero-tolerance', text: zeroTolerance });
  return notes;
}

/**
 * Every result is built with `blocking` true exactly when it fails the run, so it alone selects
 * the failures. Class regressions first (proven, then possible ones under on-unproven: fail),
 * largest drop first (stable sort: ties keep class order), then the rest in gate order.
 */
function orderedFailures(results: GateResult[]): GateResult[] {
  const failing = results.filter((r) => r.blocking);
  const classRegressions = failing
    .filter((r) => isClassRegression(r))
    .sort((x, y) => rank(x) - rank(y) || dropOf(y) - dropOf(x));
  return [...classRegressions, ...failing.filter((r) => !isClassRegression(r))];
}

/** Possible regressions that only warn: classes first, largest drop first, then the rest in gate order. */
function orderedWarnings(results: GateResult[]): GateResult[] {
  const warned = results.filter((r) => r.status === 'warn');
  return [
    ...warned.filter(isClassFinding).sort((x, y) => dropOf(y) - dropOf(x)),
    ...warned.filter((r) => !isClassFinding(r)),
  ];
}

/** Classes in the correction's family: those tested, or (without a baseline) those that would be. */
function familySize(context: GateContext, tested: number): number {
  if (context.baseline !== null) return tested;
  return context.candidate.classes.filter((c) => c.evaluable && c.support > 0).length;
}

function perClassPower(context: GateContext, tested: number): PowerSummary | null {
  const { candidate, baseline, comparison, gates, statistics } = context;
  // The overall McNemar table compareReports already counted for the accuracy test.
  const counts = comparison?.accuracyTest?.counts;
  const overall = counts !== undefined && 'bothRight' in counts ? counts : null;
  // Without a baseline the next comparison will pair (reports carry per-sample records).
  const design = baseline === null || comparison?.pairing.paired ? 'paired' : 'unpaired';
  return recallPower({
    gate: gates.perClassRecall,
    statistics,
    candidateClasses: candidate.classes,
    baselineClasses:
      baseline === null ? null : new Map<string, ClassMetrics>(baseline.classes.map((c) => [c.name, c])),
    design,
    overall,
    family: familySize(context, tested),
  });
}

/**
 * With significance off and no drop allowed, one more misclassified sample in any class fails:
 * say what that means instead of quoting a sample count no test set can reach.
 */
function zeroToleranceNote(gate: GatesConfig['perClassRecall'], candidate: Report): string | null {
  if (gate.significance || gate.maxDrop > EPSILON) return null;
  const supports = candidate.classes.filter((c) => c.evaluable && c.support > 0).map((c) => c.support);
  if (supports.length === 0) return null;
  const smallest = Math.min(...supports);
  return (
    'per-class-recall max-drop is 0: one more misclassified sample in any class fails the gate, so it ' +
    'cannot tell a regression from noise; to tolerate a single sample, allow a drop of at least ' +
    `${roundedUp(1 / smallest)} (1/${smallest}, the smallest class's test samples)`
  );
}

function isClassFinding(result: GateResult): boolean {
  return result.gate === 'per-class-recall' && result.finding !== undefined;
}

function isClassRegression(result: GateResult): boolean {
  return isClassFinding(result) && result.status === 'fail';
}

/** Proven regressions before possible ones. */
function rank(result: GateResult): number {
  return result.finding === 'regressed' ? 0 : 1;
}

/** baseline − candidate of a result with both figures. */
function dropOf(result: GateResult): number {
  return (result.baseline ?? 0) - (result.candidate ?? 0);
}
