/**
 * The per-class recall gate: one result per class of the candidate. Each class compared with the
 * baseline gets the test of its recall change (paired exact test on its discordant pairs, or Fisher
 * when unpaired), the p-values are corrected across the classes tested (Holm by default), and the
 * finding separates tolerance (max-drop) from evidence (see findings.ts).
 */
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { changeMessage } from './changeMessage.js';
import { adjustedIntervalNote, evidenceText } from './evidenceText.js';
import { changeIntervalMethod, familyProportionOutcomes, type IntervalFields } from './proportionTests.js';
import { changeFinding, statusOf } from './findings.js';
import { formatPercent, messageName } from './messageText.js';
import type { ClassDelta, Comparison, GateResult, Interval, VerdictNote } from './types.js';
import type { GatesConfig, StatisticsConfig } from '../config/types.js';

export function samplesText(n: number): string {
  return `${n} ${n === 1 ? 'sample' : 'samples'}`;
}

export interface RecallGateInput {
  gate: GatesConfig['perClassRecall'];
  statistics: StatisticsConfig;
  candidate: Report;
  baseline: Report | null;
  comparison: Comparison | null;
}

export interface RecallGateOutput {
  results: GateResult[];
  /** Messages of not-evaluable classes that only warn. */
  notes: VerdictNote[];
  /** Classes whose recall change was tested (the family the correction ran over). */
  tested: number;
}

/** A tested class waiting for its corrected p-value, with its place in the results. */
interface PendingClass {
  at: number;
  cls: ClassMetrics;
  before: number;
  delta: ClassDelta;
}

export function perClassRecallGate(input: RecallGateInput): RecallGateOutput {
  const { gate, candidate, baseline, comparison } = input;
  const baselineClasses = new Map<string, ClassMetrics>((baseline?.classes ?? []).map((c) => [c.name, c]));
  const deltas = new Map<string, ClassDelta>((comparison?.classes ?? []).map((c) => [c.name, c]));
  const notes: VerdictNote[] = [];
  const results: GateResult[] = [];
  /** Results of tested classes, waiting for their corrected p-values. */
  const pending: PendingClass[] = [];

  for (const cls of candidate.classes) {
    if (!cls.evaluable || cls.recall === null || cls.support === 0) {
      const result = notEvaluableResult(cls, gate, baselineClasses.get(cls.name));
      results.push(result);
      if (!result.blocking) notes.push({ kind: 'class-not-evaluable', text: result.message });
      continue;
    }
    const before = baselineClasses.get(cls.name);
    const delta = deltas.get(cls.name);
    if (baseline === null || before === undefined || before.recall === null || delta === undefined) {
      results.push(notComparedResult(cls, gate, baseline, before));
      continue;
    }
    pending.push({ at: results.length, cls, before: before.recall, delta });
    results.push(null as unknown as GateResult); // filled below, keeping class order
  }
  testedResults(input, pending).forEach((result, i) => {
    results[pending[i]!.at] = result;
  });
  return { results, notes, tested: pending.length };
}

/** A class without test samples: blocking under on-missing-class: fail, a warning otherwise. */
function notEvaluableResult(
  cls: ClassMetrics,
  gate: GatesConfig['perClassRecall'],
  before: ClassMetrics | undefined,
): GateResult {
  const name = messageName(cls.name);
  const blocking = gate.onMissingClass === 'fail';
  // The advice depends on the setting in force: never suggest the value already set.
  const message = blocking
    ? `class '${name}' has no test samples: its recall cannot be checked; add samples or set ` +
      'gates.per-class-recall.on-missing-class: warn'
    : `class '${name}' has no test samples: its recall cannot be checked, which is reported as a warning ` +
      '(gates.per-class-recall.on-missing-class: warn); add samples, or set on-missing-class: fail to make ' +
      'a class without samples fail the run';
  return {
    gate: 'per-class-recall',
    subject: cls.name,
    status: 'not-evaluable',
    baseline: before?.recall ?? null,
    candidate: null,
    threshold: gate.maxDrop,
    message,
    blocking,
  };
}

/** An evaluable class with nothing to compare with: skipped, saying why. */
function notComparedResult(
  cls: ClassMetrics,
  gate: GatesConfig['perClassRecall'],
  baseline: Report | null,
  before: ClassMetrics | undefined,
): GateResult {
  const why =
    baseline === null
      ? 'no baseline to compare with'
      : before === undefined
        ? 'the baseline has no such class'
        : 'the baseline had no test samples of it';
  return {
    gate: 'per-class-recall',
    subject: cls.name,
    status: 'skipped',
    baseline: before?.recall ?? null,
    candidate: cls.recall,
    threshold: gate.maxDrop,
    message: `recall of '${messageName(cls.name)}' is ${formatPercent(cls.recall!)} (${samplesText(cls.support)}); not compared: ${why}`,
    blocking: false,
  };
}

/**
 * The results of the tested classes, in `pending` order. The family is every class tested,
 * whatever its direction (the correction must not depend on which classes happened to drop).
 */
function testedResults(input: RecallGateInput, pending: PendingClass[]): GateResult[] {
  const { gate, statistics, comparison } = input;
  const { maxDrop } = gate;
  const alpha = gate.alpha ?? statistics.alpha;
  // Adjusted p-values and, for each class, the interval at the family-adjusted level its corrected
  // decision uses, so the interval excludes 0 exactly when the class's corrected test rejects.
  const family = familyProportionOutcomes(
    pending.map((p) => p.delta.recallTest),
    alpha,
    statistics.correction,
  );
  const correction = pending.length > 1 ? statistics.correction : 'none';
  return pending.map(({ cls, before, delta }, i) => {
    const test = delta.recallTest;
    const outcome = family[i]!;
    const pValue = outcome.pValue;
    // With significance off no test decides: the comparison's interval at `confidence` is shown.
    const shown: { interval: Interval | null; fields: Partial<IntervalFields> | null } = gate.significance
      ? { interval: outcome.interval, fields: outcome.fields }
      : {
          interval: test?.interval ?? null,
          fields:
            test === null || test.interval === null
              ? null
              : {
                  intervalLevel: comparison!.confidence,
                  intervalMethod: changeIntervalMethod(test),
                },
        };
    const finding = changeFinding(before - cls.recall!, maxDrop, {
      significance: gate.significance,
      pValue,
      alpha,
    });
    const evidence = gate.significance
      ? evidenceText({
          interval: shown.interval,
          intervalScale: 'points',
          confidence: comparison!.confidence,
          intervalLevel: shown.fields?.intervalLevel,
          intervalNote:
            shown.fields?.intervalCorrection === undefined
              ? undefined
              : adjustedIntervalNote(shown.fields.intervalCorrection),
          test: test?.test,
          pValue,
          correction,
        })
      : '';
    return {
      gate: 'per-class-recall',
      subject: cls.name,
      ...statusOf(finding, gate.onUnproven),
      baseline: before,
      candidate: cls.recall,
      threshold: maxDrop,
      message: changeMessage({
        label: `recall of '${messageName(cls.name)}'`,
        baseline: before,
        candidate: cls.recall!,
        direction: 'drop',
        tolerance: maxDrop,
        finding,
        figuresSuffix: `, ${samplesText(cls.support)}`,
        evidence,
        significance: gate.significance,
        alpha,
        scale: 'rate',
      }),
      finding,
      pValue,
      interval: shown.interval,
      ...(shown.fields ?? {}),
      test: test?.test ?? 'threshold',
      ...(gate.significance ? { alpha } : {}),
    };
  });
}
