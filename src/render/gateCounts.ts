/**
 * How many gates a headline may call checked, passed and failed. A class without test samples
 * under `on-missing-class: warn` is neither: it was not checked, so it is counted apart and named
 * ("12 gates passed, 1 class not evaluable"), never folded into "all gates passed".
 */
import type { GateResult, Verdict } from '../compare/types.js';
import { formatCount } from './formatNumbers.js';

export interface GateCounts {
  /** Gates that were applied: passed, failed, or not evaluable and failing the run. */
  checked: number;
  passed: number;
  failed: number;
  /** Possible regressions that only warn (status warn). */
  warned: number;
  /** Per-class gates that could not be evaluated and only warn (on-missing-class: warn). */
  notEvaluable: number;
}

function isWarningOnly(gate: GateResult): boolean {
  return gate.status === 'not-evaluable' && !gate.blocking;
}

export function countGates(verdict: Verdict): GateCounts {
  let checked = 0;
  let passed = 0;
  let notEvaluable = 0;
  let warned = 0;
  for (const gate of verdict.gates) {
    if (gate.status === 'skipped') continue;
    if (isWarningOnly(gate)) {
      notEvaluable++;
      continue;
    }
    checked++;
    if (gate.status === 'pass') passed++;
    if (gate.status === 'warn') warned++;
  }
  return { checked, passed, failed: verdict.failures.length, warned, notEvaluable };
}

/** "1 class not evaluable", "3 classes not evaluable". */
export function notEvaluableText(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'class' : 'classes'} not evaluable`;
}

/** "gate" or "gates" for `count`. */
export function gatesWord(count: number): string {
  return count === 1 ? 'gate' : 'gates';
}

/** "1 possible regression", "3 possible regressions". */
export function possibleRegressionsText(count: number): string {
  return `${formatCount(count)} possible ${count === 1 ? 'regression' : 'regressions'}`;
}
