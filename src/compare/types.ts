/** Contracts of the compare stage: baseline comparison, gates and the verdict. */

/** The user's gates, resolved (mirrors `gates` in evalgate.yml). Absent keys are off. */
export interface GatesConfig {
  perClassRecall: {
    /** Absolute drop in recall allowed per class (0.02 = two points). */
    maxDrop: number;
    /** What a class with no test samples does to the verdict: fail closed (default) or warn. */
    onMissingClass: 'fail' | 'warn';
  };
  accuracy?: { min?: number; maxDrop?: number };
  macroF1?: { maxDrop?: number; min?: number };
}

/** How a headline figure is read and shown: a rate in [0, 1] (shown as %) or a correlation in [-1, 1]. */
export type MetricScale = 'rate' | 'correlation';

/** One metric side by side. */
export interface MetricDelta {
  /** Stable key: 'accuracy', 'top-k' (k is in the label), 'macro-f1', 'mcc', ... */
  metric: string;
  label: string;
  scale: MetricScale;
  baseline: number | null;
  candidate: number | null;
  /** candidate - baseline; null when either side is undefined. */
  delta: number | null;
}

export interface ClassDelta {
  name: string;
  support: number;
  baselineRecall: number | null;
  candidateRecall: number | null;
  recallDelta: number | null;
  baselinePrecision: number | null;
  candidatePrecision: number | null;
  baselineF1: number | null;
  candidateF1: number | null;
  f1Delta: number | null;
}

export interface Comparison {
  metrics: MetricDelta[];
  classes: ClassDelta[];
  /** Samples whose prediction changed, when both reports carry matching per-sample records. */
  changedPredictions: number | null;
}

export type GateStatus = 'pass' | 'fail' | 'not-evaluable' | 'skipped';

export interface GateResult {
  /** Config key of the gate: 'per-class-recall', 'accuracy.min', 'accuracy.max-drop', 'macro-f1.max-drop', ... */
  gate: string;
  /** Class name for per-class gates. */
  subject?: string;
  status: GateStatus;
  /** Figures behind the result, for the message and the tables. */
  baseline: number | null;
  candidate: number | null;
  /** The threshold the gate applied (max drop or min). */
  threshold: number;
  /** One sentence, with the numbers: "recall of 'cat' dropped 0.071 (0.933 -> 0.862), more than 0.020". */
  message: string;
  /**
   * Whether this result fails the run: true exactly for status fail, and for not-evaluable when
   * that is not only a warning (on-missing-class: warn makes it false); never for pass or skipped.
   */
  blocking: boolean;
}

export interface Verdict {
  passed: boolean;
  /** Every gate evaluated, in a stable order. */
  gates: GateResult[];
  /** The gates that failed the run (status fail, or not-evaluable and blocking). */
  failures: GateResult[];
  /** Non-blocking findings worth showing (not-evaluable classes with warn, no baseline, ...). */
  notes: string[];
  /** false when no baseline was available: this run sets the first one. */
  comparedWithBaseline: boolean;
}
