/** The report document (`evalgate.report/v1`): the run's result and the baseline format. */
import type { TestSetFormat } from '../dataset/types.js';
import type { CalibrationReport, ClassMetrics, CostSummary, Metrics } from '../metrics/types.js';
import type { ExecutionProvider, OutputKind, TensorInfo } from '../runtime/types.js';

export const REPORT_SCHEMA = 'evalgate.report/v1';

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'evalgate'; version: string };
  /** ISO 8601 time the evaluation finished. */
  createdAt: string;
  task: 'image-classification';
  model: ModelIdentity;
  testSet: TestSetIdentity;
  /** Class names in model-output order. */
  classNames: string[];
  /** Headline figures (no per-class table, no matrix: those are top-level). */
  metrics: Omit<Metrics, 'classes' | 'confusionMatrix'>;
  classes: ClassMetrics[];
  /** rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
  /** Metrics per value of each manifest slice column. */
  slices: SliceReport[];
  /**
   * Calibration of the top-1 confidence (ECE, MCE, adaptive ECE, Brier, NLL) with the mergeable
   * state it was computed from. Absent in reports written before evalgate computed it.
   */
  calibration?: CalibrationReport;
  /** Expected misclassification cost; present only when `costs.matrix` is configured. */
  cost?: CostSummary;
  environment: Environment;
  settings: RunSettings;
  /** Compact per-sample records, columnar, for sample-by-sample comparison by a later run. */
  samples: SampleRecords;
  timing: { totalSeconds: number; inferenceSeconds: number; samplesPerSecond: number };
  /** Things a reader should know (unlocked test set, probability-looking logits, ...). */
  warnings: string[];
}

export interface ModelIdentity {
  /** Where it came from: a path relative to the config, or the URL. */
  source: string;
  sha256: string;
  /** Bytes of the .onnx file plus its external-data files. */
  size: number;
  /** Elements of all initializers; null when the file could not be parsed. */
  parameterCount: number | null;
  /** External-data files the weights live in (sha256 is of the .onnx file alone). */
  externalData: Array<{ path: string; sha256: string; size: number }>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** The input fed and the output read. */
  input: string;
  output: string;
  outputKind: OutputKind;
}

export interface TestSetIdentity {
  /** `sha256:<hex>` root digest over the sorted lock entries; equal digests = the same data. */
  digest: string;
  /** false when the config says `lock: none`: the data was hashed but not checked against a lock. */
  locked: boolean;
  format: TestSetFormat;
  source: string;
  /** Number of samples. */
  size: number;
  /** Class name -> samples. */
  support: Record<string, number>;
}

export interface SliceReport {
  column: string;
  value: string;
  samples: number;
  metrics: Omit<Metrics, 'classes' | 'confusionMatrix'>;
  classes: ClassMetrics[];
}

export interface Environment {
  os: string;
  arch: string;
  cpu: string;
  cpuCount: number;
  node: string;
  onnxruntime: string;
  executionProvider: ExecutionProvider;
}

export interface RunSettings {
  batchSize: number;
  /** Worker threads that decoded the test set (0: decoded on the main thread). */
  decodeWorkers: number;
  /** onnxruntime's intra-op threads, or null for its default. */
  intraOpThreads: number | null;
  seed: number;
  topK: number;
  /** Level of every interval in the report (`statistics.confidence`); absent in older reports. */
  confidence?: number;
  preprocess: Record<string, unknown>;
}

export interface SampleRecords {
  ids: string[];
  labels: number[];
  predictions: number[];
  /** Probability of the predicted class, rounded to 6 decimals to keep reports small. */
  confidences: number[];
}
