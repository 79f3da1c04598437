/** Contracts of the evaluation stage: the one mergeable evaluation state and what it computes to. */
import type { CalibrationReport, ClassMetrics, Metrics, MetricState } from '../metrics/types.js';

/** What every partial state of one evaluation shares; states merge only when their specs agree. */
export interface EvalSpec {
  classNames: string[];
  /** k of top-k accuracy; 0 when off. */
  topK: number;
  /** Samples of the test set: a computed state holds each index 0..samples-1 exactly once. */
  samples: number;
  /** Slice columns of the test set, in report order; each sample gives each column a value ('' when absent). */
  sliceColumns: string[];
  /**
   * Samples per block when the Brier and NLL sums are formed (the batch size; see
   * calibrationStateFromRecords), so that figures stay bit-identical however samples were split.
   */
  sumBlock: number;
  /** CALIBRATION_GRID_ID of the fine calibration grid. */
  calibrationGrid: string;
}

/** Per-sample records; every column is concatenated on merge and put in sample order by compute. */
export interface SampleRecords {
  /** Index of the sample in the test set. */
  index: Int32Array;
  label: Int32Array;
  prediction: Int32Array;
  /** Top-1 confidence (float32, as the model gave it). */
  confidence: Float32Array;
  /** The sample's Brier term, Σ_k (p_k − y_k)². */
  brier: Float64Array;
  /** The sample's clipped NLL term, −log p_label (nats). */
  nll: Float64Array;
}

/**
 * The evaluation state: counts for the headline metrics, the same counts per slice (column, value),
 * and per-sample records. Each mergeable field declares its reducer (evalState.ts).
 */
export interface EvalState {
  readonly spec: EvalSpec;
  metrics: MetricState;
  /** Slice metric states by column, then by value. */
  slices: Map<string, Map<string, MetricState>>;
  records: SampleRecords;
  /** Range of the input values that reached the model, over the samples (reducers min and max). */
  inputs: ValueRange;
}

/**
 * Smallest and largest input values of some samples: `raw*` as decoded (after colour conversion,
 * before scale, mean and std), `min`/`max` as fed to the model. Empty: +Infinity and -Infinity.
 */
export interface ValueRange {
  rawMin: number;
  rawMax: number;
  min: number;
  max: number;
}

/** One batch of model outputs for `update`. */
export interface EvalBatch {
  /** `size` rows of class probabilities, row-major. */
  probabilities: Float32Array;
  size: number;
  /** True class index of each sample. */
  labels: Int32Array;
  /** Test-set index of each sample. */
  indices: ArrayLike<number>;
  /** Each sample's slice values by column (required when the spec has slice columns). */
  slices?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** The batch's input value range, when the caller measured it. */
  inputs?: ValueRange;
}

export type HeadlineMetrics = Omit<Metrics, 'classes' | 'confusionMatrix'>;

export interface SliceResult {
  column: string;
  value: string;
  samples: number;
  metrics: HeadlineMetrics;
  classes: ClassMetrics[];
}

/** Everything the report needs from a state, figures and records in sample order. */
export interface EvalResult {
  spec: EvalSpec;
  metrics: HeadlineMetrics;
  classes: ClassMetrics[];
  confusionMatrix: number[][];
  slices: SliceResult[];
  calibration: CalibrationReport;
  records: { labels: Int32Array; predictions: Int32Array; confidences: Float32Array };
  /** Range of the input values that reached the model; null when no batch measured it. */
  inputs: ValueRange | null;
}
