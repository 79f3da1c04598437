/**
 * Pairs the per-sample records of two reports by sample id, so the two models can be compared
 * sample by sample (McNemar's design). A pairing is all or nothing: a partial one would compare
 * different samples silently, so any mismatch gives the reason instead, and the caller falls back
 * to unpaired tests and says why.
 */
import type { Report, SampleRecords } from '../report/types.js';
import { messageName } from './messageText.js';

/** The two reports' records, aligned: index i is the same sample in every column. */
export interface PairedSamples {
  n: number;
  /** True class of each sample (class-list index; both reports agree). */
  labels: Int32Array;
  baselinePredictions: Int32Array;
  candidatePredictions: Int32Array;
  /** Probability of the predicted class (6 decimals, as stored in the reports). */
  baselineConfidences: Float64Array;
  candidateConfidences: Float64Array;
}

export type PairingAttempt = { paired: PairedSamples } | { reason: string };

function recordsOf(report: Report): SampleRecords | null {
  const records = (report as { samples?: SampleRecords }).samples;
  if (records === undefined || records === null || !Array.isArray(records.ids) || records.ids.length === 0) {
    return null;
  }
  const n = records.ids.length;
  const complete =
    Array.isArray(records.labels) &&
    records.labels.length === n &&
    Array.isArray(records.predictions) &&
    records.predictions.length === n;
  return complete ? records : null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Aligns the candidate's records with the baseline's by id (never by position: readers may list
 * files in another order). Gives the reason when that is not possible one-to-one, or when the
 * records do not agree with the reports' own per-class counts (a hand-edited or truncated report).
 */
export function pairSamples(baseline: Report, candidate: Report): PairingAttempt {
  const before = recordsOf(baseline);
  const after = recordsOf(candidate);
  if (before === null && after === null) {
    return { reason: 'neither report carries per-sample records' };
  }
  if (before === null) return { reason: 'the baseline report carries no per-sample records' };
  if (after === null) return { reason: 'the candidate report carries no per-sample records' };
  const n = after.ids.length;
  if (before.ids.length !== n) {
    return {
      reason: `the baseline has records of ${plural(before.ids.length, 'sample')} and the candidate of ${n}`,
    };
  }

  const baselineIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) baselineIndex.set(before.ids[i]!, i);
  if (baselineIndex.size !== n) {
    return {
      reason: `the baseline's sample ids are not unique (${plural(n - baselineIndex.size, 'duplicate')})`,
    };
  }

  const paired: PairedSamples = {
    n,
    labels: new Int32Array(n),
    baselinePredictions: new Int32Array(n),
    candidatePredictions: new Int32Array(n),
    baselineConfidences: new Float64Array(n),
    candidateConfidences: new Float64Array(n),
  };
  const seen = new Uint8Array(n);
  let unknown = 0;
  let firstUnknown = '';
  let duplicates = 0;
  let labelMismatches = 0;
  for (let i = 0; i < n; i++) {
    const id = after.ids[i]!;
    const j = baselineIndex.get(id);
    if (j === undefined) {
      if (unknown === 0) firstUnknown = id;
      unknown++;
      continue;
    }
    if (seen[j] === 1) {
      duplicates++;
      continue;
    }
    seen[j] = 1;
    if (before.labels[j] !== after.labels[i]) labelMismatches++;
    paired.labels[i] = after.labels[i]!;
    paired.baselinePredictions[i] = before.predictions[j]!;
    paired.candidatePredictions[i] = after.predictions[i]!;
    paired.baselineConfidences[i] = before.confidences?.[j] ?? Number.NaN;
    paired.candidateConfidences[i] = after.confidences?.[i] ?? Number.NaN;
  }
  if (duplicates > 0) {
    return { reason: `the candidate's sample ids are not unique (${plural(duplicates, 'duplicate')})` };
  }
  if (unknown > 0) {
    return {
      reason:
        `the sample ids differ: ${plural(unknown, 'candidate sample')} ${unknown === 1 ? 'is' : 'are'} not in the ` +
        `baseline (first: '${messageName(firstUnknown)}')`,
    };
  }
  if (labelMismatches > 0) {
    return {
      reason: `the two reports give ${plural(labelMismatches, 'sample')} a different true class`,
    };
  }
  const baselineOff = disagreesWithClassTable(baseline, paired.labels, paired.baselinePredictions);
  if (baselineOff !== null) return { reason: `the baseline's per-sample records ${baselineOff}` };
  const candidateOff = disagreesWithClassTable(candidate, paired.labels, paired.candidatePredictions);
  if (candidateOff !== null) return { reason: `the candidate's per-sample records ${candidateOff}` };
  return { paired };
}

/**
 * Whether the records give the report's own support and true positives for every class: the test
 * must be about the figures the comment shows. Returns what disagrees, or null.
 */
function disagreesWithClassTable(report: Report, labels: Int32Array, predictions: Int32Array): string | null {
  const k = report.classes.length;
  const support = new Float64Array(k);
  const correct = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= k) return `hold a class index (${label}) outside the class list`;
    support[label]!++;
    if (predictions[i] === label) correct[label]!++;
  }
  for (let c = 0; c < k; c++) {
    const cls = report.classes[c]!;
    if (cls.support !== support[c] || cls.truePositives !== correct[c]) {
      return `do not match its per-class table (class '${messageName(cls.name)}': ${support[c]} samples, ${correct[c]} right in the records; ${cls.support} and ${cls.truePositives} in the table)`;
    }
  }
  return null;
}

/** Samples whose predicted class differs between the two models. */
export function changedPredictions(paired: PairedSamples): number {
  let changed = 0;
  for (let i = 0; i < paired.n; i++) {
    if (paired.baselinePredictions[i] !== paired.candidatePredictions[i]) changed++;
  }
  return changed;
}

/**
 * One report's records as both sides of a pairing, for bootstrap tests of the candidate alone
 * (a bound such as macro-f1.min or ece.max); null when the report has no complete records.
 */
export function selfPaired(report: Report): PairedSamples | null {
  const records = recordsOf(report);
  if (records === null) return null;
  const n = records.ids.length;
  const labels = Int32Array.from(records.labels);
  const predictions = Int32Array.from(records.predictions);
  const confidences = new Float64Array(n);
  for (let i = 0; i < n; i++) confidences[i] = records.confidences?.[i] ?? Number.NaN;
  const k = report.classes.length;
  for (let i = 0; i < n; i++) {
    if (!(labels[i]! >= 0 && labels[i]! < k && predictions[i]! >= 0 && predictions[i]! < k)) return null;
  }
  return {
    n,
    labels,
    baselinePredictions: predictions,
    candidatePredictions: predictions,
    baselineConfidences: confidences,
    candidateConfidences: confidences,
  };
}
