/** Contracts of the compare stage: baseline comparison, gates and the verdict. */
import type { Interval, PairedCounts, UnpairedCounts } from '../stats/types.js';

export type { Interval, PairedCounts, UnpairedCounts } from '../stats/types.js';
import type { StatisticsConfig } from '../config/types.js';

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

/**
 * The test behind a difference of two proportions (accuracy, or one class's recall), with the raw
 * p-value: corrections across classes are applied by the gate, which knows the family tested.
 */
export interface ProportionTest {
  /**
   * 'mcnemar-exact': paired, all samples (accuracy); 'paired-exact-recall': the same exact test on
   * the discordant pairs among one class's samples; 'fisher-exact': unpaired fallback.
   */
  test: 'mcnemar-exact' | 'paired-exact-recall' | 'fisher-exact';
  /** Two-sided p-value of H0 "no change", before any multiple-comparison correction. */
  pValue: number;
  /**
   * Interval of candidate − baseline at `StatisticsConfig.confidence`, the test inverted (it
   * excludes 0 exactly when the raw p < 1 − confidence; proportionTests.ts); null when n = 0.
   * The gates show their own, at the level their (corrected) decision uses.
   */
  interval: Interval | null;
  /** Paired: the 2x2 table. Unpaired: each side's successes and trials. */
  counts: PairedCounts | UnpairedCounts;
}

/**
 * Whether the two reports could be compared sample by sample. Pairing needs per-sample records
 * in both reports with exactly the same set of ids (and the same true label for each id) and
 * counts that agree with each report's own per-class table; otherwise the comparison is unpaired
 * and `reason` says why, in a sentence a reader can act on.
 */
export type Pairing =
  | { paired: true; samples: number; changedPredictions: number }
  | { paired: false; reason: string };

export interface ClassDelta {
  name: string;
  support: number;
  baselineRecall: number | null;
  candidateRecall: number | null;
  recallDelta: number | null;
  /** Wilson intervals of each side's recall at the configured confidence (null without samples). */
  baselineRecallInterval: Interval | null;
  candidateRecallInterval: Interval | null;
  /** The test of the recall change; null when either side has no samples of the class. */
  recallTest: ProportionTest | null;
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
  /** Sample-by-sample, or unpaired with the reason. */
  pairing: Pairing;
  /** Level of every interval in this comparison. */
  confidence: number;
  /** The test of the accuracy change; null when either report has no samples. */
  accuracyTest: ProportionTest | null;
  /** Wilson intervals of each side's accuracy. */
  baselineAccuracyInterval: Interval | null;
  candidateAccuracyInterval: Interval | null;
  /** Every slice of the candidate side by side with the baseline's (sliceComparison.ts); absent = none. */
  slices?: SliceComparison;
  /** The candidate's stress cells beside the baseline's (stressComparison.ts); absent = no stress section. */
  stress?: StressComparison;
}

/**
 * How the stress cells were compared:
 * - paired: both reports stressed the same samples (same test-set digest, seed, subset and ids), so
 *   each stressed image is the same corrupted image on both sides and the tests pair by sample id;
 * - unpaired: Fisher's exact tests on each cell's counts (Welch for the mean); `reason` says why;
 * - not-compared: no baseline, or the baseline report has no stress section.
 */
export type StressDesign = 'paired' | 'unpaired' | 'not-compared';

/** A flip rate: stressed samples whose prediction differs from the same model's clean prediction. */
export interface FlipRate {
  flips: number;
  samples: number;
  /** flips / samples; null without samples. */
  rate: number | null;
  /** Wilson interval at the comparison's confidence; null without samples. */
  interval: Interval | null;
}

/** One stress cell (perturbation × severity) of the candidate beside the baseline's same cell. */
export interface StressCellDelta {
  perturbation: string;
  family: string;
  severity: number;
  /** Whether the perturbation is an ImageNet-C corruption (families noise, blur, weather, digital). */
  corruption: boolean;
  samples: number;
  /** null when the baseline has no such cell (or no stress section). */
  baselineSamples: number | null;
  baselineAccuracy: number | null;
  candidateAccuracy: number | null;
  accuracyDelta: number | null;
  baselineAccuracyInterval: Interval | null;
  candidateAccuracyInterval: Interval | null;
  /** McNemar on the cell's stressed samples when paired, Fisher otherwise; raw p. */
  accuracyTest: ProportionTest | null;
  /** The candidate's classes under this cell, recall against the baseline's same cell (raw p). */
  classes: ClassDelta[];
  /** The cell's McNemar table when paired; null otherwise. */
  pairedCounts: PairedCounts | null;
  candidateFlips: FlipRate;
  /** null when the baseline has no such cell. */
  baselineFlips: FlipRate | null;
  /** candidate − baseline flip rate; null when either is undefined. */
  flipRateDelta: number | null;
}

/**
 * "Which class degrades first" under one perturbation, for one model: at the lowest severity s at
 * which some class's recall falls below its clean recall (on the same stressed samples) by more
 * than the per-class tolerance, the class among those beyond the tolerance whose drop is largest
 * relative to its clean recall (ties: the larger absolute drop, then class order). Classes without
 * stressed samples or with a clean recall of 0 cannot degrade and are left out.
 */
export interface DegradesFirst {
  class: string;
  severity: number;
  cleanRecall: number;
  recall: number;
  /** cleanRecall − recall (absolute). */
  drop: number;
  /** drop / cleanRecall. */
  relativeDrop: number;
}

/** A figure that can be undefined, with why when it is. */
export interface RatioFigure {
  value: number | null;
  /** Why `value` is null ("the baseline makes no error under 'fog' at severities 1–5"). */
  reason?: string;
}

/** The figures of one perturbation over its severities. */
export interface StressPerturbationSummary {
  perturbation: string;
  family: string;
  corruption: boolean;
  /** The candidate's severities of this perturbation, ascending. */
  severities: number[];
  /** Severities both reports stressed (the CE sums run over them). */
  sharedSeverities: number[];
  /** Corruption error CE = Σ_s E_s(candidate) / Σ_s E_s(baseline) (Hendrycks & Dietterich 2019). */
  ce: RatioFigure;
  /** Relative CE = Σ_s (E_s − E_clean)(candidate) / Σ_s (E_s − E_clean)(baseline). */
  relativeCe: RatioFigure;
  candidateDegradesFirst: DegradesFirst | null;
  /** null also without a baseline stress section. */
  baselineDegradesFirst: DegradesFirst | null;
}

/** A mean over cells, for each side. */
export interface StressMean {
  /** Cells the mean runs over. */
  cells: number;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
}

export interface StressComparison {
  design: StressDesign;
  /** Why the cells are not paired (unpaired, not-compared). */
  reason?: string;
  /** What differs between the two suites (cells only one report has, other parameters); null when they match. */
  suitesDiffer: string | null;
  /** Stressed samples of the candidate. */
  samples: number;
  /** Each model's clean accuracy on its stressed samples (E_clean of relative CE). */
  cleanAccuracy: { baseline: number | null; candidate: number | null };
  /**
   * Mean corruption accuracy: the mean accuracy over the corruption cells (ImageNet-C families
   * noise, blur, weather, digital) that both reports have (all the candidate's without a baseline
   * stress section). Geometry and occlusion are not corruptions and are averaged apart.
   */
  meanCorruptionAccuracy: StressMean;
  /** The same mean over the geometry and occlusion cells. */
  meanGeometryOcclusionAccuracy: StressMean;
  /** mCE: the mean CE over the corruptions; null when any corruption's CE is (reason says which). */
  mce: RatioFigure;
  relativeMce: RatioFigure;
  /** Candidate's cells in report order. */
  cells: StressCellDelta[];
  /** One per perturbation of the candidate, in report order. */
  perturbations: StressPerturbationSummary[];
  /** The per-class tolerance "degrades first" used. */
  classTolerance: number;
}

/**
 * How one slice column was compared:
 * - paired: both reports carry each sample's slice value, and they agree sample by sample;
 * - paired-by-candidate: the baseline report carries no per-sample slice values, but it is on the
 *   same test set (same digest), so its samples are paired by id and put in the candidate's slices
 *   (checked against the baseline's own per-slice figures);
 * - unpaired: Fisher's exact tests on each side's per-slice counts; `reason` says why;
 * - not-compared: the baseline has no figures for this column.
 */
export interface SliceColumnPairing {
  column: string;
  design: 'paired' | 'paired-by-candidate' | 'unpaired' | 'not-compared';
  /** Why the column is not paired sample by sample (unpaired, not-compared). */
  reason?: string;
}

/** One slice (column = value) of the candidate beside the baseline's same slice. */
export interface SliceDelta {
  column: string;
  value: string;
  /** The candidate's samples in the slice. */
  samples: number;
  /** The baseline's samples in the slice; null when the baseline has no such slice. */
  baselineSamples: number | null;
  baselineAccuracy: number | null;
  candidateAccuracy: number | null;
  accuracyDelta: number | null;
  baselineAccuracyInterval: Interval | null;
  candidateAccuracyInterval: Interval | null;
  /** Test of the accuracy change (McNemar on the slice's samples when paired); raw p. */
  accuracyTest: ProportionTest | null;
  /** The candidate's classes within the slice, with their recall tests (raw p). */
  classes: ClassDelta[];
  /** The slice's overall McNemar table when paired (for the power estimate); null otherwise. */
  pairedCounts: PairedCounts | null;
}

export interface SliceComparison {
  columns: SliceColumnPairing[];
  /** Column order of the candidate's report, values sorted within a column. */
  slices: SliceDelta[];
}

/**
 * - pass: within tolerance, improved, or a bound respected;
 * - warn: a possible regression (beyond the tolerance without enough evidence) under
 *   `on-unproven: warn`; it does not fail the run;
 * - fail: fails the run: a proven regression, or a possible one under `on-unproven: fail`
 *   (then `finding` says 'possible-regression');
 * - not-evaluable: the figure does not exist (no test samples); blocking unless configured to warn;
 * - skipped: nothing to compare with (no baseline, or the baseline lacks the figure).
 */
export type GateStatus = 'pass' | 'warn' | 'fail' | 'not-evaluable' | 'skipped';

/** What a gate concluded about a change (or a bound), separating tolerance from evidence. */
export type Finding = 'regressed' | 'possible-regression' | 'within-tolerance' | 'improved';

/**
 * Name of the test behind a result: the proportion tests above, 'binomial-exact' (one-sided, a rate
 * against a fixed minimum), 'paired-randomization' (macro F1, ECE changes: swap the two models'
 * outputs per sample), 'bootstrap' (one-sided basic bootstrap, macro F1 or ECE against a fixed
 * bound), 'sign-flip' (exact sign-flip test of paired cost differences) and 'welch-t' (cost,
 * unpaired), 't-test' (one-sample, cost against a fixed maximum), or 'threshold' (no test).
 */
export type GateTest =
  | ProportionTest['test']
  | 'binomial-exact'
  | 'paired-randomization'
  | 'bootstrap'
  | 'sign-flip'
  | 'welch-t'
  | 't-test'
  | 'threshold';

/**
 * How a result's interval was made:
 * - 'exact-mcnemar': the exact McNemar test inverted (paired; its end nearer 0 conditional on the
 *   samples that changed, its far end at least Newcombe's); 'exact-fisher': Fisher's exact test
 *   inverted (unpaired), likewise; 'clopper-pearson': the exact binomial test inverted (a bound);
 *   these exclude 0 (the bound) exactly when the test rejects;
 * - 'basic-bootstrap', 'paired-t', 'welch-t', 't': shown beside a randomization, sign-flip,
 *   bootstrap or t-test; see `intervalMatchesTest`.
 */
export type IntervalMethod =
  | 'exact-mcnemar'
  | 'exact-fisher'
  | 'clopper-pearson'
  | 'basic-bootstrap'
  | 'paired-t'
  | 'welch-t'
  | 't';

/** The family-wise adjustment behind an interval's level. */
export interface IntervalCorrection {
  correction: Exclude<StatisticsConfig['correction'], 'none'>;
  /** Tests in the family (classes tested). */
  family: number;
}

export interface GateResult {
  /** Config key of the gate: 'per-class-recall', 'accuracy.min', 'accuracy.max-drop', 'macro-f1.max-drop', ... */
  gate: string;
  /** Class name for per-class gates. */
  subject?: string;
  status: GateStatus;
  /** Figures behind the result, for the message and the tables. */
  baseline: number | null;
  candidate: number | null;
  /** The threshold the gate applied (max drop, max increase, min or max). */
  threshold: number;
  /**
   * One sentence, with the numbers: "recall of '8' dropped by 0.173 (0.962 -> 0.788, 52 samples;
   * 95% CI of the change −0.29 to −0.07; paired exact p = 0.039 after Holm), more than the allowed 0.020".
   */
  message: string;
  /**
   * Whether this result fails the run: true exactly for status fail, and for not-evaluable when
   * that is not only a warning (on-missing-class: warn makes it false); never for pass, warn or skipped.
   */
  blocking: boolean;
  /** Set for pass, warn and fail. */
  finding?: Finding;
  /** p-value the finding rests on, after the multiple-comparison correction; null when no test was made. */
  pValue?: number | null;
  /**
   * Difference interval (candidate − baseline) for change gates; for bound gates (min, max) the
   * interval of the candidate's figure. null when none could be computed.
   */
  interval?: Interval | null;
  test?: GateTest;
  /** Significance level applied (undefined with `significance: off`). */
  alpha?: number;
  /**
   * Confidence level of `interval` (set with it): 1 − α′, where α′ is the level the decision
   * uses (family-adjusted beside a corrected p: 0.995 for the first of 10 classes under Holm).
   */
  intervalLevel?: number;
  intervalMethod?: IntervalMethod;
  /** Present when `intervalLevel` is family-adjusted (Holm, Benjamini–Hochberg across classes). */
  intervalCorrection?: IntervalCorrection;
  /**
   * Whether `interval` excludes 0 (for a bound gate: the bound) exactly when the test rejects:
   * true for the exact methods; false for a bootstrap or t interval beside a randomization,
   * sign-flip or bootstrap test, which is only a description (docs/statistics.md).
   */
  intervalMatchesTest?: boolean;
  /** The slice a slice gate's result is about (`gates.slices`); absent for whole-set gates. */
  slice?: { column: string; value: string };
  /** The stress cell a stress gate's result is about (`gates.stress`); absent for the mean and clean gates. */
  stressCell?: { perturbation: string; severity: number };
}

/**
 * The smallest recall drop a class's test samples can detect (per-class gate), and what it would
 * take to detect the gate's tolerance. Reported for every class whose test cannot see the
 * tolerance, or that has fewer samples than `statistics.min-class-samples`.
 */
export interface ClassPower {
  name: string;
  support: number;
  /** Smallest drop detectable at `PowerSummary.alpha` with `PowerSummary.power`; null when none is. */
  minimumDetectableDrop: number | null;
  /** Samples of this class needed to detect a drop of the tolerance; null when no number is enough. */
  samplesNeeded: number | null;
  /** samplesNeeded − support (0 when enough); null as above. */
  moreSamples: number | null;
  /** The detectable drop is larger than the tolerance. */
  underpowered: boolean;
  /** Fewer test samples than `statistics.min-class-samples`. */
  small: boolean;
}

export interface PowerSummary {
  /** The per-class gate's tolerance (max-drop). */
  tolerance: number;
  /**
   * Significance level a single regressed class must reach: the gate's α divided by the number
   * of classes tested under Holm or Benjamini–Hochberg (their threshold for the smallest p-value),
   * the gate's α without correction.
   */
  alpha: number;
  power: number;
  design: 'paired' | 'unpaired';
  minClassSamples: number;
  /** Classes checked for power (evaluable ones). */
  classesChecked: number;
  /** Only the classes that are underpowered or small, most samples missing first. */
  classes: ClassPower[];
}

export interface Verdict {
  passed: boolean;
  /** Every gate evaluated, in a stable order. */
  gates: GateResult[];
  /** The gates that failed the run (blocking results), proven regressions first. */
  failures: GateResult[];
  /** Possible regressions that only warn (status warn), largest first. */
  warnings: GateResult[];
  /** Non-blocking findings worth showing (not-evaluable classes with warn, no baseline, unpaired fallback, ...). */
  notes: VerdictNote[];
  /** false when no baseline was available: this run sets the first one. */
  comparedWithBaseline: boolean;
  /** How the evidence was weighed, for renderers and verdict.json. */
  statistics: VerdictStatistics;
}

/**
 * What a note is about, so consumers switch on it instead of matching its words:
 * - baseline: which baseline was used and how it was found, why there is none, or that it is the
 *   candidate's own file (the notes of the stages before the gates);
 * - first-baseline: no baseline, this run sets the first one (headlines say it themselves);
 * - unpaired: the samples could not be paired, so the tests are unpaired;
 * - preprocessing-differs: the baseline was made with other preprocessing, input size or output
 *   kind, so a change may come from the settings rather than the model (compatibility.ts);
 * - class-not-evaluable: a class without test samples, under on-missing-class: warn;
 * - underpowered: classes whose test cannot detect the per-class tolerance;
 * - small-classes: classes with fewer samples than statistics.min-class-samples;
 * - zero-tolerance: per-class max-drop 0 without significance;
 * - slice-pairing: how a slice column was compared when not sample by sample with both reports' values;
 * - slice-underpowered: a gated slice whose samples cannot detect its gate's tolerance (one per slice);
 * - stress-not-compared: the candidate has a stress section and the baseline report has none, so
 *   no stress change is compared (the stress change gates are skipped, saying so);
 * - stress-suites-differ: the two reports stressed different cells (or with other parameters);
 * - stress-pairing: the stress cells were compared without pairing samples, and why.
 */
export type NoteKind =
  | 'baseline'
  | 'first-baseline'
  | 'unpaired'
  | 'preprocessing-differs'
  | 'class-not-evaluable'
  | 'underpowered'
  | 'small-classes'
  | 'zero-tolerance'
  | 'slice-pairing'
  | 'slice-underpowered'
  | 'stress-not-compared'
  | 'stress-suites-differ'
  | 'stress-pairing'
  | 'stress-no-effect';

/** A non-blocking note of the verdict: its kind, and the sentence shown (verdict.json keeps only the text). */
export interface VerdictNote {
  kind: NoteKind;
  text: string;
}

export interface VerdictStatistics {
  confidence: number;
  correction: StatisticsConfig['correction'];
  /** Sample-by-sample or not; null without a baseline. */
  pairing: Pairing | null;
  /** Power of the per-class gate; null when it has no evaluable class. */
  power: PowerSummary | null;
}
