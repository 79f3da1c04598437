/** Contracts of the metrics stage. */
import type { Interval } from '../stats/types.js';

/**
 * Mergeable metric state: counts only, never means (the torchmetrics idea), so batches, slices
 * and shards all merge by the same declared reducers (`METRIC_FIELDS` in metricState.ts).
 */
export interface MetricState {
  numClasses: number;
  /** k used for top-k accuracy; 0 when top-k is off. */
  topK: number;
  /** numClasses * numClasses counts, row-major, rows = true class, columns = predicted class. */
  confusion: Float64Array;
  /** Samples whose true class is among the k highest scores (sklearn's tie rule). */
  topKHits: number;
  /** Samples seen. */
  count: number;
}

/** `MetricState` as plain JSON (the confusion matrix flattened row-major), for storing and merging shards. */
export interface MetricStateJSON {
  numClasses: number;
  topK: number;
  confusion: number[];
  topKHits: number;
  count: number;
}

/** Per-sample scores derived from one batch of probabilities. */
export interface ScoredBatch {
  /** argmax (first maximum, as numpy). */
  predictions: Int32Array;
  /** Probability of the predicted class. */
  confidences: Float32Array;
  /** 1 when the true class is in the top k. */
  topKHits: Uint8Array;
}

export interface ClassMetrics {
  name: string;
  /** Test samples of this class (TP + FN). */
  support: number;
  /** Samples predicted as this class (TP + FP). */
  predicted: number;
  truePositives: number;
  /** null only when the class is never predicted and absent (0/0 with nothing to say). */
  precision: number | null;
  /** null when the class has no test samples: not evaluable. */
  recall: number | null;
  f1: number | null;
  /** false when the class has no test samples; such a class is never shown as passing. */
  evaluable: boolean;
  /**
   * Wilson score interval of the recall (TP of support) at `settings.confidence`; null when the
   * class has no test samples. Always set by computeMetrics; absent in reports written before it.
   */
  recallInterval?: Interval | null;
  /** Wilson score interval of the precision (TP of predicted); null when never predicted. Optional as above. */
  precisionInterval?: Interval | null;
}

export interface Metrics {
  samples: number;
  accuracy: number | null;
  /**
   * Wilson score interval of the accuracy at `settings.confidence`; null without samples. Always
   * set by computeMetrics; absent in reports written before it.
   */
  accuracyInterval?: Interval | null;
  /** null when top-k is off (fewer than k+1 classes unless configured). */
  topK: { k: number; accuracy: number | null } | null;
  /** Macro averages over the classes present in the test set (support > 0). */
  macroPrecision: number | null;
  macroRecall: number | null;
  macroF1: number | null;
  /** Support-weighted averages. */
  weightedPrecision: number | null;
  weightedRecall: number | null;
  weightedF1: number | null;
  balancedAccuracy: number | null;
  /**
   * null only without samples. When the formula is 0/0 (a single true class, or a single predicted
   * class) this is 0, as scikit-learn's `matthews_corrcoef` returns, so golden figures agree.
   */
  matthewsCorrelation: number | null;
  /** null without samples, and when scikit-learn gives NaN (one class in labels and predictions alike). */
  cohenKappa: number | null;
  classes: ClassMetrics[];
  /** rows = true class, columns = predicted class, in class-list order. */
  confusionMatrix: number[][];
}

/**
 * Mergeable calibration state (src/metrics/calibration.ts): per-bin counts and sums over the top-1
 * confidence, never means or stored per-sample arrays, so batches and shards merge by addition.
 * - 15 equal-width bins ((m-1)/15, m/15] (right-closed; confidence 0 in the first bin, 1 in the last);
 * - a fixed fine grid of `CALIBRATION_GRID_CELLS` cells for adaptive (equal-mass) ECE;
 * - sums over samples of the multiclass Brier score and of the clipped negative log-likelihood.
 * Confidence sums are in units of probability; counts are samples.
 */
export interface CalibrationState {
  numClasses: number;
  /** Samples seen. */
  count: number;
  /** Per equal-width bin: samples, sum of their confidences, samples predicted right. */
  binCount: Float64Array;
  binConfidenceSum: Float64Array;
  binCorrect: Float64Array;
  /** The same three sums per cell of the fine grid. */
  gridCount: Float64Array;
  gridConfidenceSum: Float64Array;
  gridCorrect: Float64Array;
  /** Σ_i Σ_k (p_ik − y_ik)². */
  brierSum: number;
  /** Σ_i −log(clip(p_i,y_i)). */
  nllSum: number;
}

/** Per-cell sums as plain JSON arrays. */
export interface CalibrationSumsJSON {
  count: number[];
  confidenceSum: number[];
  correct: number[];
}

/** `CalibrationState` as plain JSON, for the report and for merging shards. */
export interface CalibrationStateJSON {
  numClasses: number;
  count: number;
  /** The 15 equal-width bins. */
  bins: CalibrationSumsJSON;
  /** The fine grid; `id` names its edges (CALIBRATION_GRID_ID) so that a changed grid is refused. */
  grid: CalibrationSumsJSON & { id: string };
  brierSum: number;
  nllSum: number;
}

/** Calibration figures from a state; every one null without samples. */
export interface CalibrationMetrics {
  /** Expected calibration error, 15 equal-width bins (Guo et al. 2017), in [0, 1]. */
  ece: number | null;
  /** Maximum calibration error: the largest |accuracy − confidence| over the non-empty bins, in [0, 1]. */
  mce: number | null;
  /** ECE over about 15 equal-mass bins, formed on the fine grid (equal-mass up to its resolution). */
  adaptiveEce: number | null;
  /** Mean multiclass Brier score, Σ_k (p_k − y_k)², in [0, 2] for probability rows. */
  brier: number | null;
  /** Mean negative log-likelihood of the true class (nats), p clipped below at NLL_CLIP. */
  nll: number | null;
}

/** One equal-width bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Bin bounds (low, high]; the first bin also holds confidence 0. */
  low: number;
  high: number;
  count: number;
  /** Mean top-1 confidence of the bin's samples; null when empty. */
  confidence: number | null;
  /** Share of the bin's samples predicted right; null when empty. */
  accuracy: number | null;
}

/** The report's `calibration`: the figures and the state they come from. */
export interface CalibrationReport extends CalibrationMetrics {
  state: CalibrationStateJSON;
}

/**
 * A cost matrix as the cost code takes it: matrix[true][predicted] in class-list order, in `unit`
 * per sample. The config's `CostsConfig` has this shape; the metrics stage names its own input so
 * that it depends on no stage above it.
 */
export interface CostMatrix {
  matrix: number[][];
  unit?: string;
}

/**
 * Expected misclassification cost under a cost matrix (`costs` in evalgate.yml): per-sample cost =
 * matrix[true][predicted]. Sums are kept so that the variance, and a change against another
 * report, can be computed without the per-sample records.
 */
export interface CostSummary {
  /** Label of the cost unit (e.g. "USD"), as configured. */
  unit?: string;
  /** rows = true class, columns = predicted class, class-list order. */
  matrix: number[][];
  /** Mean cost per sample (Σ cost / samples); null without samples. */
  expected: number | null;
  /** t interval of the mean at `settings.confidence`; null with fewer than 2 samples. */
  interval: Interval | null;
  /** Σ over samples of the cost. */
  sum: number;
  /** Σ over samples of the squared cost (for the variance). */
  sumOfSquares: number;
  samples: number;
}
