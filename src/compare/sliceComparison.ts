/**
 * Every slice of the candidate (a value of a manifest column: `light = night`) side by side with the
 * baseline's same slice: accuracy and per-class recall, each with Wilson intervals and the test of
 * its change. The tests are the rest of the verdict's: McNemar's exact test on the slice's samples
 * (and the paired exact test on a class's discordant pairs within it) when the samples pair by id,
 * Fisher's exact test on each side's per-slice counts otherwise (proportionTests.ts).
 *
 * Pairing a slice needs to know which slice each paired sample is in. Reports carry it in
 * `samples.slices`; a baseline written before that field (or by a run without it) is paired by id
 * using the candidate's slice values when both reports are on the same test set (same digest: the
 * same locked files, so the same manifest and the same slices), and the baseline's own per-slice
 * figures are checked against the result. Otherwise the column is compared unpaired, and
 * `columns` says why. p-values here are raw: the slice gates correct them (sliceGates.ts).
 */
import type { ClassMetrics } from '../metrics/types.js';
import type { Report, SliceReport } from '../report/types.js';
import { wilsonInterval } from '../stats/proportionIntervals.js';
import { classDeltas } from './classDeltas.js';
import { messageName } from './messageText.js';
import type { PairedSamples, PairingAttempt } from './pairing.js';
import {
  type PairedTables,
  pairedProportionTest,
  pairedTables,
  unpairedProportionTest,
} from './proportionTests.js';
import type { Interval, ProportionTest, SliceColumnPairing, SliceComparison, SliceDelta } from './types.js';

/** The slice columns of a report, in report order (from its per-slice figures). */
export function sliceColumnsOf(report: Report): string[] {
  const columns: string[] = [];
  for (const slice of report.slices ?? []) {
    if (!columns.includes(slice.column)) columns.push(slice.column);
  }
  return columns;
}

/** Correct predictions and samples of a slice, from its per-class table. */
export function sliceAccuracyCounts(classes: readonly ClassMetrics[]): { correct: number; samples: number } {
  let correct = 0;
  let samples = 0;
  for (const c of classes) {
    correct += c.truePositives;
    samples += c.support;
  }
  return { correct, samples };
}

/**
 * The test of an accuracy change between two sets of counts (a slice, a stress cell): McNemar's
 * exact test on the sample-by-sample tables when there are any, else the unpaired test of two
 * proportions; null when either side has no samples.
 */
export function accuracyChangeTest(
  then: { correct: number; samples: number } | null,
  now: { correct: number; samples: number },
  tables: PairedTables | null,
  confidence: number,
): ProportionTest | null {
  if (then === null || then.samples === 0 || now.samples === 0) return null;
  if (tables !== null) return pairedProportionTest(tables.overall, confidence, 'mcnemar-exact');
  return unpairedProportionTest(
    {
      baselineSuccesses: then.correct,
      baselineTrials: then.samples,
      candidateSuccesses: now.correct,
      candidateTrials: now.samples,
    },
    confidence,
  );
}

/** The candidate's slices beside the baseline's; undefined when the candidate has no slices. */
export function compareSlices(
  baseline: Report,
  candidate: Report,
  attempt: PairingAttempt,
  confidence: number,
): SliceComparison | undefined {
  const columns = sliceColumnsOf(candidate);
  if (columns.length === 0) return undefined;
  const before = new Map<string, SliceReport>();
  for (const slice of baseline.slices ?? []) before.set(key(slice.column, slice.value), slice);
  const result: SliceComparison = { columns: [], slices: [] };
  for (const column of columns) {
    const own = (candidate.slices ?? []).filter((s) => s.column === column);
    own.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const { pairing, tables } = pairColumn(column, baseline, candidate, attempt);
    result.columns.push(pairing);
    for (const slice of own) {
      const earlier = pairing.design === 'not-compared' ? undefined : before.get(key(column, slice.value));
      result.slices.push(sliceDelta(slice, earlier, tables?.get(slice.value) ?? null, confidence));
    }
  }
  return result;
}

function key(column: string, value: string): string {
  return `${column}\u0000${value}`;
}

interface ColumnPairing {
  pairing: SliceColumnPairing;
  /** Paired tables per slice value; null when the column is not paired. */
  tables: Map<string, PairedTables> | null;
}

function pairColumn(
  column: string,
  baseline: Report,
  candidate: Report,
  attempt: PairingAttempt,
): ColumnPairing {
  const name = `'${messageName(column)}'`;
  const unpaired = (reason: string): ColumnPairing => ({
    pairing: { column, design: 'unpaired', reason },
    tables: null,
  });
  if (!(baseline.slices ?? []).some((s) => s.column === column)) {
    return {
      pairing: { column, design: 'not-compared', reason: `the baseline report has no slice column ${name}` },
      tables: null,
    };
  }
  if (!('paired' in attempt)) return unpaired(attempt.reason);
  const paired = attempt.paired;
  const candidateValues = valuesOf(candidate, column, paired.n);
  if (candidateValues === null) {
    return unpaired(`the candidate report carries no per-sample values of slice column ${name}`);
  }
  const baselineValues = valuesOf(baseline, column, paired.n);
  let design: 'paired' | 'paired-by-candidate' = 'paired';
  if (baselineValues !== null) {
    const differ = differingSamples(baseline, candidate, baselineValues, candidateValues);
    if (differ > 0) {
      return unpaired(
        `the two reports put ${differ} ${differ === 1 ? 'sample' : 'samples'} in different slices of ${name}`,
      );
    }
  } else if (baseline.testSet.digest === candidate.testSet.digest) {
    design = 'paired-by-candidate';
  } else {
    return unpaired(
      `the baseline report carries no per-sample values of slice column ${name} and is on another test set, ` +
        "so its samples cannot be put in the candidate's slices",
    );
  }
  const tables = tablesBySlice(paired, candidateValues, candidate.classes.length);
  // The tests must be about the figures shown: each side's per-slice table must match its samples.
  for (const [side, report] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    const off = disagreement(report, column, tables, side === 'baseline');
    if (off !== null) {
      const how = design === 'paired-by-candidate' ? " put in the candidate's slices" : '';
      return unpaired(`the ${side}'s per-slice figures of ${name} do not match its samples${how} (${off})`);
    }
  }
  const reason =
    design === 'paired-by-candidate'
      ? "the baseline report carries no per-sample slice values; its samples were paired by id and put in the candidate's slices (same test set)"
      : undefined;
  return { pairing: { column, design, ...(reason ? { reason } : {}) }, tables };
}

/** A report's per-sample values of `column`, when it has one per sample. */
function valuesOf(report: Report, column: string, n: number): string[] | null {
  const values = report.samples?.slices?.[column];
  return Array.isArray(values) && values.length === n ? values : null;
}

/** Samples (matched by id) that the two reports put in different values of the column. */
function differingSamples(
  baseline: Report,
  candidate: Report,
  baselineValues: string[],
  candidateValues: string[],
): number {
  const index = new Map<string, number>();
  baseline.samples.ids.forEach((id, j) => {
    index.set(id, j);
  });
  let differ = 0;
  candidate.samples.ids.forEach((id, i) => {
    const j = index.get(id);
    if (j === undefined || baselineValues[j] !== candidateValues[i]) differ++;
  });
  return differ;
}

/** McNemar tables per slice value; `values` are aligned with the paired samples (candidate order). */
function tablesBySlice(
  paired: PairedSamples,
  values: string[],
  numClasses: number,
): Map<string, PairedTables> {
  const members = new Map<string, number[]>();
  for (let i = 0; i < paired.n; i++) {
    const list = members.get(values[i]!);
    if (list === undefined) members.set(values[i]!, [i]);
    else list.push(i);
  }
  const tables = new Map<string, PairedTables>();
  for (const [value, rows] of members) {
    const pick = <T extends Int32Array | Float64Array>(column: T): T => {
      const out = new (column.constructor as new (n: number) => T)(rows.length);
      rows.forEach((row, k) => {
        out[k] = column[row]!;
      });
      return out;
    };
    const subset: PairedSamples = {
      n: rows.length,
      labels: pick(paired.labels),
      baselinePredictions: pick(paired.baselinePredictions),
      candidatePredictions: pick(paired.candidatePredictions),
      baselineConfidences: pick(paired.baselineConfidences),
      candidateConfidences: pick(paired.candidateConfidences),
    };
    tables.set(value, pairedTables(subset, numClasses));
  }
  return tables;
}

/** Whether a report's per-slice class tables agree with the paired tables; what differs, or null. */
function disagreement(
  report: Report,
  column: string,
  tables: Map<string, PairedTables>,
  baselineSide: boolean,
): string | null {
  const slices = (report.slices ?? []).filter((s) => s.column === column);
  for (const slice of slices) {
    const table = tables.get(slice.value);
    for (let c = 0; c < report.classes.length; c++) {
      const cls = slice.classes.find((x) => x.name === report.classes[c]!.name);
      const counts = table?.byClass[c];
      const support = counts
        ? counts.bothRight + counts.baselineOnly + counts.candidateOnly + counts.bothWrong
        : 0;
      const right = counts
        ? baselineSide
          ? counts.bothRight + counts.baselineOnly
          : counts.bothRight + counts.candidateOnly
        : 0;
      if ((cls?.support ?? 0) !== support || (cls?.truePositives ?? 0) !== right) {
        return `slice '${messageName(slice.value)}', class '${messageName(report.classes[c]!.name)}': ${support} samples, ${right} right by the samples; ${cls?.support ?? 0} and ${cls?.truePositives ?? 0} in the table`;
      }
    }
  }
  return null;
}

function interval(successes: number, trials: number, confidence: number): Interval | null {
  return trials > 0 ? wilsonInterval(successes, trials, confidence) : null;
}

function sliceDelta(
  slice: SliceReport,
  before: SliceReport | undefined,
  tables: PairedTables | null,
  confidence: number,
): SliceDelta {
  const now = sliceAccuracyCounts(slice.classes);
  const then = before === undefined ? null : sliceAccuracyCounts(before.classes);
  const candidateAccuracy = now.samples > 0 ? now.correct / now.samples : null;
  const baselineAccuracy = then !== null && then.samples > 0 ? then.correct / then.samples : null;
  const accuracyTest = accuracyChangeTest(then, now, tables, confidence);
  const classes = classDeltas(before?.classes ?? [], slice.classes, tables, confidence);
  return {
    column: slice.column,
    value: slice.value,
    samples: now.samples,
    baselineSamples: then?.samples ?? null,
    baselineAccuracy,
    candidateAccuracy,
    accuracyDelta:
      candidateAccuracy === null || baselineAccuracy === null ? null : candidateAccuracy - baselineAccuracy,
    baselineAccuracyInterval: then === null ? null : interval(then.correct, then.samples, confidence),
    candidateAccuracyInterval: interval(now.correct, now.samples, confidence),
    accuracyTest,
    classes,
    pairedCounts: tables?.overall ?? null,
  };
}
