/** Contracts of the metrics stage. */

/**
 * Mergeable metric state: counts only, never means (the torchmetrics idea), so batches, slices
 * and shards all merge with the same function (`mergeMetricStates`).
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
}

export interface Metrics {
  samples: number;
  accuracy: number | null;
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
