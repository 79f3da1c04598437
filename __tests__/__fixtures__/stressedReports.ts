/**
 * Reports with a stress section for the stress comparison and gate tests, built from per-sample
 * labels and predictions so that every figure agrees with every other (the clean tables, each
 * cell's tables, the per-sample records and each cell's predictions), as in a report `evalgate run`
 * writes with `stress:`: the tables come from makeReport (reports.ts) over the confusion matrix of
 * the clean run and of each cell.
 */
import { perturbationNamed } from '../../src/modalities/image/perturbations/registry.js';
import type { Report, StressReport } from '../../src/report/types.js';
import { makeReport, type ReportSpec } from './reports.js';
import { slicedReport } from './slicedReports.js';

export interface StressedCell {
  perturbation: string;
  severity: number;
  /** Predicted class of each stressed sample, aligned with `sampleIndices`. */
  predictions: number[];
  /** Default: the registry's family of the perturbation. */
  family?: string;
  parameters?: Record<string, unknown>;
}

export interface StressedOutcomes {
  classNames: string[];
  ids: string[];
  labels: number[];
  /** Clean predictions, one per sample. */
  predictions: number[];
  cells: StressedCell[];
  /** Indices of the stressed samples (default: all, ascending). */
  sampleIndices?: number[];
  seed?: number;
  subset?: 'all' | 'stratified';
}

function matrixOf(n: number, labels: number[], predictions: number[]): number[][] {
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  labels.forEach((label, i) => {
    matrix[label]![predictions[i]!]!++;
  });
  return matrix;
}

/** A report whose stress section holds `cells`; `spec` as makeReport's (model, digest, ...). */
export function stressedReport(outcomes: StressedOutcomes, spec: Partial<ReportSpec> = {}): Report {
  const { classNames, ids, labels, predictions, cells } = outcomes;
  const n = classNames.length;
  const base = slicedReport({ classNames, ids, labels, predictions, slices: {} }, { topK: 0, ...spec });
  const { slices: _none, ...report } = base;
  const sampleIndices = outcomes.sampleIndices ?? ids.map((_, i) => i);
  const stressedLabels = sampleIndices.map((i) => labels[i]!);
  const stress: StressReport = {
    seed: outcomes.seed ?? 0,
    subset: outcomes.subset ?? (sampleIndices.length === ids.length ? 'all' : 'stratified'),
    sampleIndices,
    cells: cells.map((cell) => {
      if (cell.predictions.length !== sampleIndices.length) {
        throw new Error(`cell ${cell.perturbation} ${cell.severity}: ${cell.predictions.length} predictions for ${sampleIndices.length} samples`);
      }
      const part = makeReport({ classNames, matrix: matrixOf(n, stressedLabels, cell.predictions), topK: 0 });
      return {
        unchanged: 0,
        perturbation: cell.perturbation,
        family: cell.family ?? perturbationNamed(cell.perturbation)?.family ?? 'digital',
        severity: cell.severity,
        parameters: cell.parameters ?? { severity: cell.severity },
        samples: part.metrics.samples,
        metrics: part.metrics,
        classes: part.classes,
        predictions: [...cell.predictions],
      };
    }),
  };
  return { ...report, stress } as Report;
}

/**
 * Predictions that get the first `wrong` samples of each class wrong (predicted as the next class)
 * and the rest right, for building cells by counts: `byClass[c]` = wrong samples of class c.
 */
export function predictionsWithErrors(labels: number[], classes: number, byClass: number[]): number[] {
  const seen = new Array<number>(classes).fill(0);
  return labels.map((label) => {
    const k = seen[label]!++;
    return k < byClass[label]! ? (label + 1) % classes : label;
  });
}

/** `perClass` samples of each of `classNames`, labels in class order, ids `class/index.png`. */
export function balancedSamples(classNames: string[], perClass: number): { ids: string[]; labels: number[] } {
  const ids: string[] = [];
  const labels: number[] = [];
  classNames.forEach((name, c) => {
    for (let i = 0; i < perClass; i++) {
      ids.push(`${name}/${String(i).padStart(4, '0')}.png`);
      labels.push(c);
    }
  });
  return { ids, labels };
}
