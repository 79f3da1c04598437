/**
 * Reports with slices for the slice tests, built from per-sample outcomes so that every figure
 * agrees with every other (the whole-set tables, each slice's tables and the per-sample records),
 * as in a report `evalgate run` writes: the tables come from makeReport (reports.ts) over the
 * confusion matrix of the whole set and of each slice.
 */
import type { Report } from '../../src/report/types.js';
import { makeReport, type ReportSpec } from './reports.js';

export interface SampleOutcomes {
  classNames: string[];
  ids: string[];
  labels: number[];
  predictions: number[];
  /** column -> one value per sample. */
  slices: Record<string, string[]>;
  /** Record `samples.slices` (default true); false gives a report written before the field. */
  withSampleSlices?: boolean;
}

function matrixOf(n: number, labels: number[], predictions: number[], pick: (i: number) => boolean): number[][] {
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  labels.forEach((label, i) => {
    if (pick(i)) matrix[label]![predictions[i]!]!++;
  });
  return matrix;
}

export function slicedReport(outcomes: SampleOutcomes, spec: Partial<ReportSpec> = {}): Report {
  const { classNames, ids, labels, predictions, slices } = outcomes;
  const n = classNames.length;
  const base = makeReport({ ...spec, classNames, matrix: matrixOf(n, labels, predictions, () => true) });
  const sliceReports: Report['slices'] = [];
  for (const [column, values] of Object.entries(slices)) {
    for (const value of [...new Set(values)].sort()) {
      const part = makeReport({ classNames, matrix: matrixOf(n, labels, predictions, (i) => values[i] === value), topK: base.metrics.topK?.k ?? 0 });
      sliceReports.push({ column, value, samples: part.metrics.samples, metrics: part.metrics, classes: part.classes });
    }
  }
  return {
    ...base,
    slices: sliceReports,
    samples: {
      ids: [...ids],
      labels: [...labels],
      predictions: [...predictions],
      confidences: labels.map((label, i) => (predictions[i] === label ? 0.9 : 0.5)),
      ...(outcomes.withSampleSlices === false ? {} : { slices: structuredClone(slices) }),
    },
  };
}

/**
 * Three classes of 300 samples each, 240 taken by day and 60 at night (`light`). The baseline misses
 * 10 day samples and 2 night samples of each class. The candidate fixes all 10 day errors and
 * misses 12 more night samples of each class: per class, recall falls by 2 of 300 over the whole
 * set (0.67 points, within a 2-point tolerance) but by 12 of 60 at night (20 points).
 */
export function nightRegression(options: { withSampleSlices?: boolean; testSetDigest?: string } = {}): {
  baseline: Report;
  candidate: Report;
} {
  const classNames = ['cat', 'dog', 'bird'];
  const ids: string[] = [];
  const labels: number[] = [];
  const light: string[] = [];
  const before: number[] = [];
  const after: number[] = [];
  for (let k = 0; k < classNames.length; k++) {
    for (let i = 0; i < 300; i++) {
      const wrong = (k + 1) % classNames.length;
      const night = i >= 240;
      ids.push(`${classNames[k]}/${String(i).padStart(3, '0')}.png`);
      labels.push(k);
      light.push(night ? 'night' : 'day');
      const baselineWrong = night ? i < 242 : i < 10;
      const candidateWrong = night ? i < 254 : false;
      before.push(baselineWrong ? wrong : k);
      after.push(candidateWrong ? wrong : k);
    }
  }
  const common = { classNames, ids, labels, slices: { light } };
  return {
    baseline: slicedReport(
      { ...common, predictions: before, withSampleSlices: options.withSampleSlices },
      { modelSha256: 'a'.repeat(64), testSetDigest: options.testSetDigest },
    ),
    candidate: slicedReport({ ...common, predictions: after }, { modelSha256: 'b'.repeat(64) }),
  };
}
