/**
 * Assembles the report document from a computed evaluation state and the identities and settings of
 * the run. Every figure comes from the state (src/evaluation) and the identities from the stages
 * that established them; the only things read here are the clock (createdAt) and the machine
 * (environment), and a class without samples adds its warning to the run's `warnings`.
 */
import { displaySource } from '../config/displaySource.js';
import type { EvalConfig } from '../config/types.js';
import { inputRangeWarnings } from '../dataset/inputRangeWarnings.js';
import type { PreprocessOptions, TestSet } from '../dataset/types.js';
import type { EvalResult } from '../evaluation/types.js';
import { computeCost } from '../metrics/costs.js';
import { TOOL_VERSION } from '../shared/version.js';
import { describeEnvironment } from './environment.js';
import { type ModelIdentity, REPORT_SCHEMA, type Report, type StressReport } from './types.js';

export interface ReportParts {
  config: EvalConfig;
  testSet: TestSet;
  /** The test set's identity, from the lock check. */
  digest: string;
  locked: boolean;
  identity: ModelIdentity;
  /** onnxruntime-node's version. */
  runtimeVersion: string;
  preprocess: PreprocessOptions;
  /** compute() of the run's evaluation state. */
  result: EvalResult;
  /** The stress suite's cells (src/stress/runStress.ts), when the run had one. */
  stress?: StressReport;
  inferenceSeconds: number;
  /** Warnings so far; the report adds its own (classes without samples). */
  warnings: string[];
  threads: { decodeWorkers: number; intraOpThreads: number | null };
  totalSeconds: number;
}

export function buildReport(parts: ReportParts): Report {
  const { config, testSet, result, warnings } = parts;
  const { classes, confusionMatrix } = result;
  const total = testSet.samples.length;
  const confidence = config.statistics.confidence;
  for (const c of classes) {
    if (!c.evaluable) {
      warnings.push(`Class '${c.name}' has no samples in the test set: its recall is not evaluable.`);
    }
  }
  const support: Record<string, number> = {};
  for (const c of classes) support[c.name] = c.support;
  const inputRange = describeInputRange(parts);
  if (inputRange) {
    warnings.push(
      ...inputRangeWarnings({
        range: inputRange,
        scale: parts.preprocess.scale,
        scaleConfigured: inputRange.scaleSource === 'config',
        valueType: testSet.valueType,
        featureLength: testSet.featureLength,
      }),
    );
  }
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'evalgate', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    task: config.task,
    model: parts.identity,
    testSet: {
      digest: parts.digest,
      locked: parts.locked,
      format: testSet.format,
      source: displaySource(config.testSet.source, config.baseDir),
      size: total,
      support,
    },
    classNames: config.classes,
    metrics: result.metrics,
    classes,
    confusionMatrix,
    slices: result.slices,
    ...(parts.stress ? { stress: parts.stress } : {}),
    calibration: result.calibration,
    ...(config.costs ? { cost: computeCost(config.costs, confusionMatrix, confidence) } : {}),
    environment: describeEnvironment(parts.runtimeVersion, config.device),
    settings: {
      batchSize: config.batchSize,
      ...parts.threads,
      seed: config.seed,
      topK: result.spec.topK,
      confidence,
      preprocess: { ...parts.preprocess },
    },
    ...(inputRange ? { inputRange } : {}),
    samples: {
      ids: testSet.samples.map((s) => s.id),
      labels: Array.from(result.records.labels),
      predictions: Array.from(result.records.predictions),
      confidences: Array.from(result.records.confidences, (c) => Math.round(c * 1e6) / 1e6),
      ...sampleSlices(testSet),
    },
    timing: {
      totalSeconds: round(parts.totalSeconds, 3),
      inferenceSeconds: round(parts.inferenceSeconds, 3),
      samplesPerSecond: round(total / Math.max(parts.totalSeconds, 1e-9), 1),
    },
    warnings,
  };
}

/**
 * Each sample's slice values by column, aligned with `samples.ids` (the test set's order), so that a
 * later comparison can test every slice sample by sample; nothing for a test set without slices.
 */
function sampleSlices(testSet: TestSet): { slices?: Record<string, string[]> } {
  if (testSet.sliceColumns.length === 0) return {};
  const slices: Record<string, string[]> = {};
  for (const column of testSet.sliceColumns) {
    slices[column] = testSet.samples.map((s) => s.slices[column] ?? '');
  }
  return { slices };
}

/** The range the evaluation state measured, with the value type and where the scale came from. */
function describeInputRange(parts: ReportParts): Report['inputRange'] {
  const measured = parts.result.inputs;
  if (measured === null) return undefined;
  return {
    valueType: parts.testSet.valueType ?? 'uint8',
    scaleSource: parts.config.preprocess.scale === null ? 'default' : 'config',
    rawMin: measured.rawMin,
    rawMax: measured.rawMax,
    min: measured.min,
    max: measured.max,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
