// The data generator of `npm run bench:verdicts` (design: docs/verdict-simulation.md).
//
// One simulated run = one locked test set of `classes` classes with `perClass` samples each, and
// the per-sample correctness of two models on it: the baseline, and a candidate that is a retrain
// of it. For every sample the pair (baseline right?, candidate right?) is one draw from the
// paired 2x2 table of the class it belongs to:
//
//   both right      a = recall - b
//   baseline only   b = churn/2 + drop   (baseline right, candidate wrong)
//   candidate only  c = churn/2          (baseline wrong, candidate right)
//   both wrong      d = 1 - recall - c
//
// so the baseline's expected recall is `recall`, the candidate's is `recall - drop`, and
// `churn + drop` of the samples change correctness between the two models (`churn` of them in
// both directions alike, the disagreement a retrain produces with no real change, plus `drop`
// that only go from right to wrong). Only the studied class gets the drop; every other class is
// the same retrain with no real change.
//
// Pure functions of a uniform generator (`random(): number` in [0, 1)): no imports, so the test
// of the generator (`__tests__/bench/verdictSimulation.test.ts`) runs it with the seeded
// generator of src/stats without a build.

/** Outcome codes of one sample, in the order of the table above. */
export const BOTH_RIGHT = 0;
export const BASELINE_ONLY = 1;
export const CANDIDATE_ONLY = 2;
export const BOTH_WRONG = 3;

/** The paired cell probabilities of one class (see the table at the top). */
export function pairedCellProbabilities({ recall, churn, drop }) {
  const baselineOnly = churn / 2 + drop;
  const candidateOnly = churn / 2;
  const bothRight = recall - baselineOnly;
  const bothWrong = 1 - recall - candidateOnly;
  // A tiny negative from float rounding (recall 0.97, churn 0.06) is a zero.
  if (bothRight < -1e-12 || bothWrong < -1e-12 || churn < 0 || drop < 0) {
    throw new Error(
      `no paired table has recall ${recall}, churn ${churn} and drop ${drop}: ` +
        'needs churn/2 + drop <= recall and churn/2 <= 1 - recall',
    );
  }
  return {
    bothRight: Math.max(0, bothRight),
    baselineOnly,
    candidateOnly,
    bothWrong: Math.max(0, bothWrong),
  };
}

/**
 * The outcome code of a sample whose uniform draw is `u`. The cells are laid out on [0, 1) as
 * [a | b | c | d]: b ends at `recall` whatever the drop, so the same draw gives the same baseline
 * correctness at every drop, and a larger drop only moves samples from a to b. Runs that share
 * their draws therefore differ only by the drop (common random numbers across the drop levels).
 */
export function outcomeOf(u, probabilities) {
  const { bothRight, baselineOnly, candidateOnly } = probabilities;
  if (u < bothRight) return BOTH_RIGHT;
  if (u < bothRight + baselineOnly) return BASELINE_ONLY;
  if (u < bothRight + baselineOnly + candidateOnly) return CANDIDATE_ONLY;
  return BOTH_WRONG;
}

/**
 * One simulated run. Samples are laid out class by class (sample i belongs to class
 * floor(i / perClass)); `studied` is the class that gets each of `drops`.
 * Returns the baseline's correctness (1 = right) and one candidate correctness per drop, all over
 * the same draws, as Uint8Arrays of classes * perClass.
 */
export function simulateRun(random, { classes, perClass, recall, churn, drops, studied = 0 }) {
  const size = classes * perClass;
  const uniforms = new Float64Array(size);
  for (let i = 0; i < size; i++) uniforms[i] = random();

  const unchanged = pairedCellProbabilities({ recall, churn, drop: 0 });
  const baseline = new Uint8Array(size);
  const unchangedCandidate = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const outcome = outcomeOf(uniforms[i], unchanged);
    // Baseline correctness does not depend on the drop: right exactly when u < recall (cells a, b).
    baseline[i] = outcome === BOTH_RIGHT || outcome === BASELINE_ONLY ? 1 : 0;
    unchangedCandidate[i] = outcome === BOTH_RIGHT || outcome === CANDIDATE_ONLY ? 1 : 0;
  }
  // Each drop changes only the studied class; the other classes are the unchanged retrain.
  const candidates = drops.map((drop) => {
    const candidate = Uint8Array.from(unchangedCandidate);
    const probabilities = pairedCellProbabilities({ recall, churn, drop });
    for (let i = studied * perClass; i < (studied + 1) * perClass; i++) {
      const outcome = outcomeOf(uniforms[i], probabilities);
      candidate[i] = outcome === BOTH_RIGHT || outcome === CANDIDATE_ONLY ? 1 : 0;
    }
    return candidate;
  });
  return { baseline, candidates };
}

/**
 * The paired counts of one class: a, b, c, d over its samples (the figures a paired test reads).
 */
export function pairedCounts(baseline, candidate, label, perClass) {
  const counts = { bothRight: 0, baselineOnly: 0, candidateOnly: 0, bothWrong: 0 };
  for (let i = label * perClass; i < (label + 1) * perClass; i++) {
    if (baseline[i] === 1 && candidate[i] === 1) counts.bothRight++;
    else if (baseline[i] === 1) counts.baselineOnly++;
    else if (candidate[i] === 1) counts.candidateOnly++;
    else counts.bothWrong++;
  }
  return counts;
}

/**
 * Predicted class indices from correctness: the true class when right, else the next class. Only
 * correctness matters to recall and to the paired tests; the wrong class is fixed so that a
 * sample wrong in both reports keeps the same prediction.
 */
export function predictionsFrom(correct, classes, perClass) {
  const predictions = new Array(correct.length);
  for (let i = 0; i < correct.length; i++) {
    const label = Math.floor(i / perClass);
    predictions[i] = correct[i] === 1 ? label : (label + 1) % classes;
  }
  return predictions;
}
