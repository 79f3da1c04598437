/**
 * The headline of a verdict, derived once: the outcome, the counts behind it, and what is listed
 * under it (failed gates with their findings, possible regressions, notes). The CLI text
 * (verdictText.ts) and the comment (markdown.ts) only format this value, so they can never tell
 * two stories about the same verdict.
 *
 * It lives in render/, not compare/: the verdict (compare/types.ts) is already the data; this is
 * the reading of it that both renderers share.
 */
import type { GateResult, Verdict, VerdictNote } from '../compare/types.js';
import { countGates, type GateCounts, type ListedGate, listUnderGates } from './gateCounts.js';

/**
 * - first-baseline: passed with no baseline to compare with; this run sets the first one;
 * - passed: every gate checked passed against the baseline;
 * - passed-with-warnings: passed against the baseline, with possible regressions that only warn
 *   or classes that could not be checked (on-missing-class: warn);
 * - failed: at least one gate failed the run (with or without a baseline).
 */
export type HeadlineOutcome = 'first-baseline' | 'passed' | 'passed-with-warnings' | 'failed';

export interface Headline {
  outcome: HeadlineOutcome;
  /** Whether the verdict compared with a baseline (false also for a failed first run). */
  comparedWithBaseline: boolean;
  counts: GateCounts;
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

/** The headline of `verdict`. */
export function deriveHeadline(verdict: Verdict): Headline {
  const counts = countGates(verdict);
  return {
    outcome: outcomeOf(verdict, counts),
    comparedWithBaseline: verdict.comparedWithBaseline,
    counts,
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
