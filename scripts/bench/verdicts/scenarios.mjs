// What `npm run bench:verdicts` simulates (the reasons are in docs/verdict-simulation.md).

/** Classes in every simulated report: one studied class, the others unchanged (Holm's family). */
export const CLASSES = 10;

/** Test samples per class. */
export const CLASS_SIZES = [30, 100, 300, 1000];

/** The real recall drops of table (b), on the studied class; 0 is table (a). */
export const DROPS = [0.02, 0.05, 0.1];

/** The gate under test: per-class recall, max-drop 0.02, at evalgate's defaults otherwise. */
export const TOLERANCE = 0.02;
export const ALPHA = 0.05;

/**
 * Baseline recall and churn (the share of a class's samples whose correctness a retrain flips,
 * half each way, with no real change).
 */
export const SCENARIOS = [
  { id: 'retrain', recall: 0.9, churn: 0.04, label: 'recall 0.90, churn 4%' },
  { id: 'fresh-seed', recall: 0.9, churn: 0.1, label: 'recall 0.90, churn 10%' },
  { id: 'high-recall', recall: 0.97, churn: 0.03, label: 'recall 0.97, churn 3%' },
];

export const DEFAULT_RUNS = 2000;
export const DEFAULT_SEED = 20250104;

/**
 * The three ways of judging the same pair of reports:
 * - `evalgate`: the defaults (significance on, Holm, on-unproven: warn);
 * - `strict`: the same with on-unproven: fail;
 * - `point`: significance off, i.e. fail when the observed drop exceeds the tolerance (the
 *   point-estimate gate of MLflow's and TFMA's threshold validation).
 */
export const MODES = ['evalgate', 'strict', 'point'];
