/**
 * The per-class rows both renderers show, with their status and in priority order: regressed
 * classes first (largest drop first), then classes that cannot be checked, then the rest from the
 * largest drop within tolerance to the largest improvement. When a body has to be cut, it is cut
 * from the end of this order, so what matters most is never the part that is dropped.
 */
import type { Comparison, GateResult, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';

export type ClassStatus = 'regressed' | 'not-evaluable' | 'ok' | 'improved' | 'not-compared';

export interface ClassRow {
  /** Position in the report's class list. */
  index: number;
  name: string;
  support: number;
  status: ClassStatus;
  /** For not-evaluable classes: whether that fails the run (on-missing-class: fail). */
  blocking: boolean;
  baselineRecall: number | null;
  candidateRecall: number | null;
  recallDelta: number | null;
  precision: number | null;
  f1: number | null;
}

/** Changes smaller than this are float noise, not improvements. */
const EPSILON = 1e-12;

const STATUS_RANK: Record<ClassStatus, number> = {
  regressed: 0,
  'not-evaluable': 1,
  ok: 2,
  improved: 2,
  'not-compared': 2,
};

export function classRows(candidate: Report, comparison: Comparison | null, verdict: Verdict): ClassRow[] {
  const gateByClass = new Map<string, GateResult>();
  for (const gate of verdict.gates) {
    if (gate.gate === 'per-class-recall' && gate.subject !== undefined) gateByClass.set(gate.subject, gate);
  }
  const deltaByClass = new Map((comparison?.classes ?? []).map((c) => [c.name, c]));

  const rows: ClassRow[] = candidate.classes.map((cls, index) => {
    const gate = gateByClass.get(cls.name);
    const delta = deltaByClass.get(cls.name);
    const recallDelta = delta?.recallDelta ?? null;
    let status: ClassStatus;
    if (gate?.status === 'fail') status = 'regressed';
    else if (gate?.status === 'not-evaluable' || !cls.evaluable || cls.recall === null)
      status = 'not-evaluable';
    else if (gate?.status === 'skipped' || recallDelta === null) status = 'not-compared';
    else if (recallDelta > EPSILON) status = 'improved';
    else status = 'ok';
    return {
      index,
      name: cls.name,
      support: cls.support,
      status,
      blocking: gate?.blocking ?? false,
      baselineRecall: delta?.baselineRecall ?? null,
      candidateRecall: cls.recall,
      recallDelta,
      precision: cls.precision,
      f1: cls.f1,
    };
  });

  return rows.sort((a, b) => {
    const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
    if (rank !== 0) return rank;
    if (a.status === 'not-evaluable' && a.blocking !== b.blocking) return a.blocking ? -1 : 1;
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
