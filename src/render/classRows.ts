/**
 * The per-class rows both renderers show, with their finding and in priority order: proven
 * regressions first (largest drop first), then possible regressions, then classes that cannot be
 * checked, then the rest from the largest drop within tolerance to the largest improvement. When a
 * body has to be cut, it is cut from the end of this order, so what matters most is never the part
 * that is dropped.
 */
import { recallInterval } from '../compare/classDeltas.js';
import { precisionInterval } from '../compare/compare.js';
import type { Comparison, GateResult, Interval, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';

export type ClassStatus =
  | 'regressed'
  | 'possible-regression'
  | 'not-evaluable'
  | 'ok'
  | 'improved'
  | 'not-compared';

export interface ClassRow {
  /** Position in the report's class list. */
  index: number;
  name: string;
  support: number;
  status: ClassStatus;
  /** Whether the class's result fails the run (regressed, possible under on-unproven: fail, not evaluable under fail). */
  blocking: boolean;
  baselineRecall: number | null;
  candidateRecall: number | null;
  /** Wilson interval of the candidate's recall. */
  candidateInterval: Interval | null;
  recallDelta: number | null;
  /** Interval of the recall change (candidate − baseline). */
  deltaInterval: Interval | null;
  /** p-value of the change after the correction across classes. */
  pValue: number | null;
  precision: number | null;
  /** Wilson interval of the candidate's precision. */
  precisionInterval: Interval | null;
  f1: number | null;
}

/** Changes smaller than this are float noise, not improvements. */
const EPSILON = 1e-12;

const STATUS_RANK: Record<ClassStatus, number> = {
  regressed: 0,
  'possible-regression': 1,
  'not-evaluable': 2,
  ok: 3,
  improved: 3,
  'not-compared': 3,
};

function statusOf(gate: GateResult | undefined, evaluable: boolean, recallDelta: number | null): ClassStatus {
  if (gate?.status === 'not-evaluable' || !evaluable) return 'not-evaluable';
  if (gate?.finding === 'regressed') return 'regressed';
  if (gate?.finding === 'possible-regression') return 'possible-regression';
  // A result without a finding that failed: a hand-made or older verdict; show it as regressed.
  if (gate?.status === 'fail') return 'regressed';
  if (gate?.status === 'skipped' || recallDelta === null) return 'not-compared';
  if (gate?.finding === 'improved') return 'improved';
  if (gate?.finding === 'within-tolerance') return 'ok';
  return recallDelta > EPSILON ? 'improved' : 'ok';
}

export function classRows(candidate: Report, comparison: Comparison | null, verdict: Verdict): ClassRow[] {
  const gateByClass = new Map<string, GateResult>();
  for (const gate of verdict.gates) {
    if (gate.gate === 'per-class-recall' && gate.subject !== undefined) gateByClass.set(gate.subject, gate);
  }
  const deltaByClass = new Map((comparison?.classes ?? []).map((c) => [c.name, c]));
  const confidence = verdict.statistics?.confidence ?? comparison?.confidence ?? 0.95;

  const rows: ClassRow[] = candidate.classes.map((cls, index) => {
    const gate = gateByClass.get(cls.name);
    const delta = deltaByClass.get(cls.name);
    const recallDelta = delta?.recallDelta ?? null;
    const evaluable = cls.evaluable && cls.recall !== null;
    return {
      index,
      name: cls.name,
      support: cls.support,
      status: statusOf(gate, evaluable, recallDelta),
      blocking: gate?.blocking ?? false,
      baselineRecall: delta?.baselineRecall ?? null,
      candidateRecall: cls.recall,
      candidateInterval: delta?.candidateRecallInterval ?? recallInterval(cls, confidence),
      recallDelta,
      deltaInterval: gate?.interval ?? delta?.recallTest?.interval ?? null,
      pValue: gate?.pValue ?? null,
      precision: cls.precision,
      precisionInterval: precisionInterval(cls, confidence),
      f1: cls.f1,
    };
  });

  return rows.sort((a, b) => {
    const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
    if (rank !== 0) return rank;
    if ((a.status === 'not-evaluable' || a.status === 'possible-regression') && a.blocking !== b.blocking) {
      return a.blocking ? -1 : 1;
    }
    if (comparison !== null) {
      // Most negative change first; classes without a change at the end.
      const x = a.recallDelta ?? Number.POSITIVE_INFINITY;
      const y = b.recallDelta ?? Number.POSITIVE_INFINITY;
      if (x !== y) return x < y ? -1 : 1;
    } else {
      // No baseline: weakest classes first.
      const x = a.candidateRecall ?? Number.POSITIVE_INFINITY;
      const y = b.candidateRecall ?? Number.POSITIVE_INFINITY;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a.index - b.index;
  });
}
