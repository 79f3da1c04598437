/**
 * How many gates a headline may call checked, passed and failed, and how the results are listed
 * under their gate.
 *
 * A gate is what the user configured: one key under `gates:` in evalgate.yml (`per-class-recall`,
 * which is always on, `accuracy`, `macro-f1`, `ece`, `cost`; a slice gate `slices.<column>` counts
 * once per column). One gate gives several results (one per class, one per bound: `accuracy.min`
 * and `accuracy.max-drop`), and it fails when any of them fails the run, so "1 of 3 gates failed"
 * counts what the user wrote, not 13 results. The per-class findings are summed up under their
 * gate ("10 classes, 1 regressed"). A class without test samples under `on-missing-class: warn` is
 * not checked: it is counted apart and named ("3 gates passed, 1 class not evaluable").
 */
import type { GateResult, Verdict } from '../compare/types.js';
import { formatCount } from './formatNumbers.js';

export interface GateCounts {
  /** Gates configured: every gate the verdict has a result of, checked or not. */
  configured: number;
  /** Gates applied: with at least one result passed, warned, failed or not evaluable and failing. */
  checked: number;
  /** Gates applied that did not fail the run (possible regressions that only warn included). */
  passed: number;
  /** Gates with a result that fails the run. */
  failed: number;
  /** Gates configured but not applied (nothing to compare with, a figure the baseline lacks). */
  notCompared: string[];
  /** Possible regressions that only warn (results of status warn: classes, bounds). */
  warned: number;
  /** Per-class results that could not be evaluated and only warn (on-missing-class: warn). */
  notEvaluable: number;
}

/**
 * The configured gate a result belongs to: 'accuracy.max-drop' -> 'accuracy', 'slices.light.accuracy'
 * -> 'slices.light', 'stress.fog.min-accuracy' -> 'stress.fog'.
 */
export function gateKey(result: Pick<GateResult, 'gate'>): string {
  const parts = result.gate.split('.');
  // A slice gate counts once per column, a stress gate once per key under gates.stress.
  return (parts[0] === 'slices' || parts[0] === 'stress') && parts.length > 1
    ? `${parts[0]}.${parts[1]}`
    : parts[0]!;
}

function isWarningOnly(gate: GateResult): boolean {
  return gate.status === 'not-evaluable' && !gate.blocking;
}

/** Whether a result was applied (not skipped, not a class that could not be checked and only warns). */
function applied(gate: GateResult): boolean {
  return gate.status !== 'skipped' && !isWarningOnly(gate);
}

/** The results of each configured gate, in the verdict's order of first appearance. */
export function groupByGate(results: GateResult[]): Map<string, GateResult[]> {
  const groups = new Map<string, GateResult[]>();
  for (const result of results) {
    const key = gateKey(result);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [result]);
    else group.push(result);
  }
  return groups;
}

export function countGates(verdict: Verdict): GateCounts {
  const groups = groupByGate(verdict.gates);
  // A failure listed without its result among the gates (a hand-made verdict) still counts.
  for (const failure of verdict.failures) {
    if (!groups.has(gateKey(failure))) groups.set(gateKey(failure), [failure]);
  }
  let checked = 0;
  let failed = 0;
  const notCompared: string[] = [];
  for (const [key, results] of groups) {
    if (!results.some(applied)) {
      if (!results.some(isWarningOnly)) notCompared.push(key);
      continue;
    }
    checked++;
    if (results.some((r) => r.blocking)) failed++;
  }
  return {
    configured: groups.size,
    checked,
    passed: checked - failed,
    failed,
    notCompared,
    warned: verdict.gates.filter((g) => g.status === 'warn').length,
    notEvaluable: verdict.gates.filter(isWarningOnly).length,
  };
}

/** One configured gate as listed under "Failed gates" or "Possible regressions". */
export interface ListedGate {
  /** The configured gate: 'per-class-recall', 'accuracy', ... */
  key: string;
  /** The per-class findings in one line, "10 classes, 1 regressed"; '' for other gates. */
  summary: string;
  /** The results listed, in the order given. */
  items: GateResult[];
}

/**
 * `listed` (failures or warnings, in their order) under their configured gate, each gate once, in
 * the order of its first listed result; `all` are every result of the verdict, for the summary.
 */
export function listUnderGates(listed: GateResult[], all: GateResult[]): ListedGate[] {
  const everything = groupByGate(all);
  return [...groupByGate(listed)].map(([key, items]) => ({
    key,
    summary: key === 'per-class-recall' ? perClassSummary(everything.get(key) ?? items) : '',
    items,
  }));
}

/**
 * The per-class gate's findings in one line: "10 classes, 1 regressed", "3 classes, 1 possible
 * regression (blocking: on-unproven: fail)", "3 classes, 1 not evaluable".
 */
export function perClassSummary(results: GateResult[]): string {
  const classes = results.filter((r) => r.gate === 'per-class-recall');
  const count = (test: (r: GateResult) => boolean) => classes.filter(test).length;
  const regressed = count(
    (r) => r.finding === 'regressed' || (r.status === 'fail' && r.finding === undefined),
  );
  const possible = count((r) => r.finding === 'possible-regression');
  const blockingPossible = count((r) => r.finding === 'possible-regression' && r.blocking);
  const notEvaluable = count((r) => r.status === 'not-evaluable');
  const notCompared = count((r) => r.status === 'skipped');
  const parts = [`${formatCount(classes.length)} ${classes.length === 1 ? 'class' : 'classes'}`];
  if (regressed > 0) parts.push(`${formatCount(regressed)} regressed`);
  if (possible > 0) {
    parts.push(
      possibleRegressionsText(possible) +
        (blockingPossible > 0 ? ' (without significant evidence; on-unproven: fail)' : ''),
    );
  }
  if (notEvaluable > 0) parts.push(`${formatCount(notEvaluable)} not evaluable`);
  if (notCompared > 0) parts.push(`${formatCount(notCompared)} not compared`);
  return parts.join(', ');
}

/** "1 class not evaluable", "3 classes not evaluable". */
export function notEvaluableText(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'class' : 'classes'} not evaluable`;
}

/** "gate" or "gates" for `count`. */
export function gatesWord(count: number): string {
  return count === 1 ? 'gate' : 'gates';
}

/** "1 gate", "3 gates". */
export function gatesText(count: number): string {
  return `${formatCount(count)} ${gatesWord(count)}`;
}

/** "1 possible regression", "3 possible regressions". */
export function possibleRegressionsText(count: number): string {
  return `${formatCount(count)} possible ${count === 1 ? 'regression' : 'regressions'}`;
}

/**
 * The number of configured gates among `failures` (results that fail the run), for adapters that
 * hold only the failures: 50 regressed classes are 1 failed gate.
 */
export function failedGateCount(failures: Array<Pick<GateResult, 'gate'>>): number {
  return new Set(failures.map(gateKey)).size;
}
