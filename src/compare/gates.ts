/**
 * Gates: the user's thresholds, fixed before evaluation, applied to a candidate report (and its
 * baseline when there is one) to give the verdict with the numbers behind every result.
 *
 * Semantics, one per gate and always with a direction (prior-art.md: confusing threshold
 * semantics are a common complaint):
 * - `max-drop` d: the figure "may not drop by more than" d, absolute: fail when baseline - candidate > d.
 *   A drop of exactly d passes.
 * - `min` m: the figure may not be below m: fail when candidate < m. Exactly m passes.
 */
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { formatFraction, messageName } from './messageText.js';
import type { GateResult, GatesConfig, Verdict } from './types.js';

/**
 * Tolerance for comparisons with a threshold. Recalls are ratios of counts, so a drop that is
 * "exactly" the threshold (0.02 = 1/50) can come out as 0.020000000000000018 in float64; such a
 * drop must pass, as the user reads it as equal.
 */
const EPSILON = 1e-12;

function samplesText(n: number): string {
  return `${n} ${n === 1 ? 'sample' : 'samples'}`;
}

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

/** The note a verdict carries when there was no baseline (renderers that say it in their headline skip it). */
export const FIRST_BASELINE_NOTE =
  'No baseline report: this run sets the first baseline. Gates that compare with a baseline were skipped; ' +
  'keep this report.json as the baseline for later runs.';

/** Applies `gates` to `candidate`, against `baseline` when given. */
export function evaluateGates(gates: GatesConfig, candidate: Report, baseline: Report | null): Verdict {
  const notes: string[] = [];
  const results: GateResult[] = [];

  if (baseline === null) {
    notes.push(FIRST_BASELINE_NOTE);
  }

  // Per-class recall.
  const { maxDrop, onMissingClass } = gates.perClassRecall;
  const baselineClasses = new Map<string, ClassMetrics>((baseline?.classes ?? []).map((c) => [c.name, c]));
  let underpowered = 0;
  /** Fewest test samples of an evaluable class. */
  let smallestSupport = Number.POSITIVE_INFINITY;
  for (const cls of candidate.classes) {
    const name = messageName(cls.name);
    if (!cls.evaluable || cls.recall === null || cls.support === 0) {
      const blocking = onMissingClass === 'fail';
      // The advice depends on the setting in force: never suggest the value already set.
      const message = blocking
        ? `class '${name}' has no test samples: its recall cannot be checked; add samples or set ` +
          'gates.per-class-recall.on-missing-class: warn'
        : `class '${name}' has no test samples: its recall cannot be checked, which is reported as a warning ` +
          '(gates.per-class-recall.on-missing-class: warn); add samples, or set on-missing-class: fail to make ' +
          'a class without samples fail the run';
      results.push({
        gate: 'per-class-recall',
        subject: cls.name,
        status: 'not-evaluable',
        baseline: baselineClasses.get(cls.name)?.recall ?? null,
        candidate: null,
        threshold: maxDrop,
        message,
        blocking,
      });
      if (!blocking) notes.push(message);
      continue;
    }
    // One misclassified sample moves recall by 1/support; when that exceeds the allowed drop,
    // the gate cannot tell a real regression from a single unlucky sample.
    if (1 / cls.support > maxDrop + EPSILON) underpowered++;
    smallestSupport = Math.min(smallestSupport, cls.support);

    const before = baselineClasses.get(cls.name);
    if (baseline === null || before === undefined || before.recall === null) {
      const why =
        baseline === null
          ? 'no baseline to compare with'
          : before === undefined
            ? 'the baseline has no such class'
            : 'the baseline had no test samples of it';
      results.push({
        gate: 'per-class-recall',
        subject: cls.name,
        status: 'skipped',
        baseline: before?.recall ?? null,
        candidate: cls.recall,
        threshold: maxDrop,
        message: `recall of '${name}' is ${formatFraction(cls.recall)} (${samplesText(cls.support)}); not compared: ${why}`,
        blocking: false,
      });
      continue;
    }

    results.push({
      ...dropResult(
        'per-class-recall',
        `recall of '${name}'`,
        before.recall,
        cls.recall,
        maxDrop,
        `, ${samplesText(cls.support)}`,
      ),
      subject: cls.name,
    });
  }
  if (underpowered > 0 && maxDrop <= EPSILON) {
    // With no drop allowed every class is "underpowered" and 1 / maxDrop is infinite: say what a
    // zero tolerance means instead of quoting a sample count no test set can reach.
    notes.push(
      'per-class-recall max-drop is 0: one more misclassified sample in any class fails the gate, so it ' +
        'cannot tell a regression from noise; to tolerate a single sample, allow a drop of at least ' +
        `${roundedUp(1 / smallestSupport)} (1/${smallestSupport}, the smallest class's test samples)`,
    );
  } else if (underpowered > 0) {
    const minimum = Math.ceil(1 / maxDrop - EPSILON);
    notes.push(
      `${underpowered} of ${candidate.classes.length} classes have fewer than ${minimum} test samples: one ` +
        `misclassified sample moves their recall by more than the allowed drop of ${formatFraction(maxDrop)}, ` +
        'so the per-class gate cannot tell a regression from noise for them; add samples to make it meaningful',
    );
  }

  // Headline gates.
  const m = candidate.metrics;
  const b = baseline?.metrics ?? null;
  if (gates.accuracy?.min !== undefined) {
    results.push(
      minimumGate('accuracy.min', 'accuracy', m.accuracy, b?.accuracy ?? null, gates.accuracy.min),
    );
  }
  if (gates.accuracy?.maxDrop !== undefined) {
    results.push(
      maxDropGate(
        'accuracy.max-drop',
        'accuracy',
        m.accuracy,
        b ? b.accuracy : undefined,
        gates.accuracy.maxDrop,
      ),
    );
  }
  if (gates.macroF1?.min !== undefined) {
    results.push(minimumGate('macro-f1.min', 'macro F1', m.macroF1, b?.macroF1 ?? null, gates.macroF1.min));
  }
  if (gates.macroF1?.maxDrop !== undefined) {
    results.push(
      maxDropGate(
        'macro-f1.max-drop',
        'macro F1',
        m.macroF1,
        b ? b.macroF1 : undefined,
        gates.macroF1.maxDrop,
      ),
    );
  }

  // Every result is built with `blocking` true exactly when it fails the run (status fail, or
  // not-evaluable without on-missing-class: warn), so it alone selects the failures.
  const failing = results.filter((r) => r.blocking);
  // Class regressions first, largest drop first (stable sort: ties keep class order), then the rest.
  const regressions = failing.filter(isClassRegression).sort((x, y) => dropOf(y) - dropOf(x));
  const failures = [...regressions, ...failing.filter((r) => !isClassRegression(r))];

  return {
    passed: failures.length === 0,
    gates: results,
    failures,
    notes,
    comparedWithBaseline: baseline !== null,
  };
}

function minimumGate(
  gate: string,
  label: string,
  candidate: number | null,
  baseline: number | null,
  min: number,
): GateResult {
  if (candidate === null) {
    return {
      gate,
      status: 'not-evaluable',
      baseline,
      candidate,
      threshold: min,
      message: `${label} is undefined for this run (no test samples), so it cannot be checked against the minimum ${formatFraction(min)}`,
      blocking: true,
    };
  }
  const failed = candidate < min - EPSILON;
  return {
    gate,
    status: failed ? 'fail' : 'pass',
    baseline,
    candidate,
    threshold: min,
    message: failed
      ? `${label} is ${formatFraction(candidate, min)}, below the required minimum ${formatFraction(min, candidate)}`
      : `${label} is ${formatFraction(candidate, min)}, at least the required minimum ${formatFraction(min, candidate)}`,
    blocking: failed,
  };
}

/** `baseline` undefined = no baseline report; null = the baseline report has no such figure. */
function maxDropGate(
  gate: string,
  label: string,
  candidate: number | null,
  baseline: number | null | undefined,
  maxDrop: number,
): GateResult {
  if (baseline === undefined || baseline === null) {
    return {
      gate,
      status: 'skipped',
      baseline: baseline ?? null,
      candidate,
      threshold: maxDrop,
      message:
        baseline === undefined
          ? `${label} not compared: no baseline (this run sets the first one)`
          : `${label} not compared: the baseline has no ${label}`,
      blocking: false,
    };
  }
  if (candidate === null) {
    return {
      gate,
      status: 'not-evaluable',
      baseline,
      candidate,
      threshold: maxDrop,
      message: `${label} is undefined for this run (no test samples), so its drop from ${formatFraction(baseline)} cannot be checked`,
      blocking: true,
    };
  }
  return dropResult(gate, label, baseline, candidate, maxDrop);
}

/**
 * A max-drop result from two defined figures: fails when baseline - candidate > maxDrop. The
 * message quotes both figures in parentheses, followed by `figuresSuffix` (", 54 samples").
 */
function dropResult(
  gate: string,
  label: string,
  baseline: number,
  candidate: number,
  maxDrop: number,
  figuresSuffix = '',
): GateResult {
  const drop = baseline - candidate;
  const failed = drop > maxDrop + EPSILON;
  const figures = `${formatFraction(baseline)} -> ${formatFraction(candidate)}${figuresSuffix}`;
  let message: string;
  if (failed) {
    message = `${label} dropped by ${formatFraction(drop, maxDrop)} (${figures}), more than the allowed ${formatFraction(maxDrop, drop)}`;
  } else if (drop > 0) {
    message = `${label} dropped by ${formatFraction(drop, maxDrop)} (${figures}), within the allowed ${formatFraction(maxDrop, drop)}`;
  } else {
    message = `${label} ${drop === 0 ? 'unchanged' : `rose by ${formatFraction(-drop)}`} (${figures})`;
  }
  return {
    gate,
    status: failed ? 'fail' : 'pass',
    baseline,
    candidate,
    threshold: maxDrop,
    message,
    blocking: failed,
  };
}

function isClassRegression(result: GateResult): boolean {
  return result.gate === 'per-class-recall' && result.status === 'fail';
}

/** baseline - candidate of a failed result (both figures are defined for every fail). */
function dropOf(result: GateResult): number {
  return (result.baseline ?? 0) - (result.candidate ?? 0);
}
