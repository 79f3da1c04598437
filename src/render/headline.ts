/**
 * The headline of a verdict, derived once: the outcome, the counts behind it, the reasons a run
 * failed, and what is listed under it (failed gates, possible regressions, notes). The CLI text
 * (verdictText.ts) and the comment (markdown.ts) only format this value, so they can never tell
 * two stories about the same verdict.
 *
 * It lives in render/, not compare/: the verdict (compare/types.ts) is already the data; this is
 * the reading of it that both renderers share, and it rests on the per-class rows (classRows.ts),
 * which are render's view of the classes.
 */
import type { GateResult, Verdict, VerdictNote } from '../compare/types.js';
import type { ClassRow } from './classRows.js';
import { countGates, type GateCounts, type ListedGate, listUnderGates } from './gateCounts.js';

/**
 * - first-baseline: passed with no baseline to compare with; this run sets the first one;
 * - passed: every gate checked passed against the baseline;
 * - passed-with-warnings: passed against the baseline, with possible regressions that only warn
 *   or classes that could not be checked (on-missing-class: warn);
 * - failed: at least one gate failed the run (with or without a baseline).
 */
export type HeadlineOutcome = 'first-baseline' | 'passed' | 'passed-with-warnings' | 'failed';

/** Why a run failed, one entry per kind of failure, in the order the comment lists them. */
export type HeadlineReason =
  /** Classes whose recall dropped beyond the tolerance (significantly, when tests were made). */
  | { kind: 'regressed-classes'; names: string[]; tolerance: number; significant: boolean }
  /** Classes beyond the tolerance without significant evidence, failing under on-unproven: fail. */
  | { kind: 'unproven-classes'; names: string[]; tolerance: number }
  /** Classes without test samples, failing under on-missing-class: fail. */
  | { kind: 'classes-not-evaluable'; names: string[] }
  /** Any other failed gate, with its message. */
  | { kind: 'gate-failed'; gate: string; message: string }
  /** No baseline: said alongside the failures so a reader knows nothing was compared. */
  | { kind: 'first-baseline' };

export interface Headline {
  outcome: HeadlineOutcome;
  /** Whether the verdict compared with a baseline (false also for a failed first run). */
  comparedWithBaseline: boolean;
  counts: GateCounts;
  /** Empty unless the outcome is failed. */
  reasons: HeadlineReason[];
  /** The gates that failed the run, in the verdict's order. */
  failures: GateResult[];
  /** Possible regressions that only warn, in the verdict's order. */
  warnings: GateResult[];
  /** The failures under their configured gate, the per-class findings summed up ("10 classes, 1 regressed"). */
  failedGates: ListedGate[];
  /** The possible regressions that only warn, likewise. */
  warnedGates: ListedGate[];
  /** The notes shown under the headline: the first-baseline note is left out, the outcome says it. */
  notes: VerdictNote[];
}

/** The headline of `verdict`; `rows` are its per-class rows (classRows.ts), in priority order. */
export function deriveHeadline(verdict: Verdict, rows: ClassRow[]): Headline {
  const counts = countGates(verdict);
  return {
    outcome: outcomeOf(verdict, counts),
    comparedWithBaseline: verdict.comparedWithBaseline,
    counts,
    reasons: verdict.passed ? [] : failureReasons(verdict, rows),
    failures: verdict.failures,
    warnings: verdict.warnings ?? [],
    failedGates: listUnderGates(verdict.failures, verdict.gates),
    warnedGates: listUnderGates(verdict.warnings ?? [], verdict.gates),
    notes: verdict.notes.filter((note) => note.kind !== 'first-baseline'),
  };
}

function outcomeOf(verdict: Verdict, counts: GateCounts): HeadlineOutcome {
  if (!verdict.passed) return 'failed';
  if (!verdict.comparedWithBaseline) return 'first-baseline';
  // Classes that could not be checked are never counted as passed gates (on-missing-class: warn).
  return counts.notEvaluable === 0 && counts.warned === 0 ? 'passed' : 'passed-with-warnings';
}

function failureReasons(verdict: Verdict, rows: ClassRow[]): HeadlineReason[] {
  const reasons: HeadlineReason[] = [];
  const recallFailure = verdict.failures.find((f) => f.gate === 'per-class-recall' && f.status === 'fail');
  const tolerance = recallFailure?.threshold ?? 0;
  const regressed = rows.filter((r) => r.status === 'regressed').map((r) => r.name);
  if (regressed.length > 0) {
    const significant = recallFailure?.alpha !== undefined;
    reasons.push({ kind: 'regressed-classes', names: regressed, tolerance, significant });
  }
  const unproven = rows.filter((r) => r.status === 'possible-regression' && r.blocking).map((r) => r.name);
  if (unproven.length > 0) reasons.push({ kind: 'unproven-classes', names: unproven, tolerance });
  const absent = verdict.failures.filter(
    (f) => f.gate === 'per-class-recall' && f.status === 'not-evaluable',
  );
  if (absent.length > 0) {
    reasons.push({ kind: 'classes-not-evaluable', names: absent.map((f) => f.subject ?? '') });
  }
  for (const failure of verdict.failures.filter((f) => f.gate !== 'per-class-recall')) {
    reasons.push({ kind: 'gate-failed', gate: failure.gate, message: failure.message });
  }
  if (!verdict.comparedWithBaseline) reasons.push({ kind: 'first-baseline' });
  return reasons;
}
