// The simulations of `npm run bench:verdicts:other` (docs/verdict-simulation.md, "Checks of the
// other gates' tests"): the macro-F1, ECE and cost gates' tests on synthetic per-sample records.
// Each run calls the functions the gates call (src/compare/headlineGates.ts, calibrationGate.ts,
// costGate.ts), compiled to lib/, with the gates' default settings (bootstrap resamples, exact
// enumeration limits, α = 0.05), and decides with the gates' own findings (src/compare/findings.ts).
// A case's `run(random, testSeed)` simulates one run and returns counts (0/1 or a number to average).
import { bootstrapBound, eceStatistic, macroF1Statistic } from '../../../lib/compare/bootstrapTests.js';
import { boundFinding, changeFinding } from '../../../lib/compare/findings.js';
import { eceSwaps, macroF1Swaps } from '../../../lib/compare/randomizationTests.js';
import { pairedRandomizationTest, signFlipTest } from '../../../lib/stats/randomization.js';

export const OTHER_ALPHA = 0.05;
export const OTHER_DEFAULT_SEED = 20250105;

const CONFIDENCE = 0.95;
const evidence = (pValue) => ({ significance: true, pValue, alpha: OTHER_ALPHA });

/** Confidences are stored with 6 decimals in the reports' per-sample records. */
const stored = (confidence) => Math.round(confidence * 1e6) / 1e6;

function identity(n) {
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return indices;
}

function pairedOf(
  labels,
  baselinePredictions,
  candidatePredictions,
  baselineConfidences,
  candidateConfidences,
) {
  const n = labels.length;
  return {
    n,
    labels,
    baselinePredictions,
    candidatePredictions,
    baselineConfidences: baselineConfidences ?? new Float64Array(n),
    candidateConfidences: candidateConfidences ?? new Float64Array(n),
  };
}

/**
 * ece.max on one model of n samples whose true ECE is `gap`: confidence uniform on [0.6 + gap, 1],
 * right with probability confidence − gap (overconfident by `gap` in every bin; gap 0 = perfectly
 * calibrated). Counts: the point estimate is above `max`; the gate proves it above (basic bootstrap).
 */
function eceMaxRun({ n, max, gap }) {
  return (random, testSeed) => {
    const labels = new Int32Array(n);
    const predictions = new Int32Array(n);
    const confidences = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const confidence = 0.6 + gap + (0.4 - gap) * random.next();
      confidences[i] = stored(confidence);
      predictions[i] = random.next() < confidence - gap ? 0 : 1;
    }
    const own = pairedOf(labels, predictions, predictions, confidences, confidences);
    const statistic = eceStatistic(own);
    const ece = statistic(identity(n))[1];
    const breach = ece - max;
    const test =
      breach > 0
        ? bootstrapBound({
            n,
            statistic,
            kind: 'max',
            bound: max,
            settings: { seed: testSeed, confidence: CONFIDENCE },
          })
        : null;
    const finding = boundFinding(breach, evidence(test?.pValue ?? null));
    return { ece, breach: breach > 0 ? 1 : 0, blocked: finding === 'regressed' ? 1 : 0 };
  };
}

/**
 * macro-f1.min at the boundary: `classes` classes of `perClass` samples, each right with
 * probability 0.9, otherwise another class at random (true macro F1 0.9 = the minimum).
 */
function macroF1MinRun({ classes, perClass, min }) {
  return (random, testSeed) => {
    const n = classes * perClass;
    const labels = new Int32Array(n);
    const predictions = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const y = Math.floor(i / perClass);
      labels[i] = y;
      predictions[i] =
        random.next() < 0.9 ? y : (y + 1 + Math.floor(random.next() * (classes - 1))) % classes;
    }
    const own = pairedOf(labels, predictions, predictions);
    const statistic = macroF1Statistic(own, classes);
    const breach = min - statistic(identity(n))[1];
    const test =
      breach > 0
        ? bootstrapBound({
            n,
            statistic,
            kind: 'min',
            bound: min,
            settings: { seed: testSeed, confidence: CONFIDENCE },
          })
        : null;
    const finding = boundFinding(breach, evidence(test?.pValue ?? null));
    return { breach: breach > 0 ? 1 : 0, blocked: finding === 'regressed' ? 1 : 0 };
  };
}

/**
 * macro-f1.max-drop with no real change: baseline right with probability 0.95 (wrong = the next
 * class); the candidate flips correctness on `churn` of the samples, half each way. Counts: the
 * gate blocks (drop beyond the tolerance and the paired randomization test significant) and the
 * test is significant in either direction.
 */
function macroF1NoChangeRun({ classes, perClass, churn, tolerance }) {
  return (random, testSeed) => {
    const n = classes * perClass;
    const labels = new Int32Array(n);
    const baseline = new Int32Array(n);
    const candidate = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const y = Math.floor(i / perClass);
      labels[i] = y;
      const wrong = (y + 1) % classes;
      const baseRight = random.next() < 0.95;
      baseline[i] = baseRight ? y : wrong;
      const flip = random.next() < (baseRight ? churn / 2 / 0.95 : churn / 2 / 0.05);
      candidate[i] = flip !== baseRight ? y : wrong;
    }
    const paired = pairedOf(labels, baseline, candidate);
    const [before, after] = macroF1Statistic(paired, classes)(identity(n));
    const { pValue } = pairedRandomizationTest(macroF1Swaps(paired, classes), { seed: testSeed });
    const finding = changeFinding(before - after, tolerance, evidence(pValue));
    return { blocked: finding === 'regressed' ? 1 : 0, significant: pValue < OTHER_ALPHA ? 1 : 0 };
  };
}

/**
 * ece.max-increase with no real change: two perfectly calibrated models (confidences drawn
 * independently, uniform on [0.6, 1]) on the same n samples, sharing the uniform that decides
 * correctness, so they agree on most samples.
 */
function eceNoChangeRun({ n, tolerance }) {
  return (random, testSeed) => {
    const labels = new Int32Array(n);
    const baseline = new Int32Array(n);
    const candidate = new Int32Array(n);
    const baselineConfidences = new Float64Array(n);
    const candidateConfidences = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = random.next();
      const before = stored(0.6 + 0.4 * random.next());
      const after = stored(0.6 + 0.4 * random.next());
      baselineConfidences[i] = before;
      candidateConfidences[i] = after;
      baseline[i] = u < before ? 0 : 1;
      candidate[i] = u < after ? 0 : 1;
    }
    const paired = pairedOf(labels, baseline, candidate, baselineConfidences, candidateConfidences);
    const [before, after] = eceStatistic(paired)(identity(n));
    const { pValue } = pairedRandomizationTest(eceSwaps(paired), { seed: testSeed });
    const finding = changeFinding(after - before, tolerance, evidence(pValue));
    return { blocked: finding === 'regressed' ? 1 : 0, significant: pValue < OTHER_ALPHA ? 1 : 0 };
  };
}

/**
 * cost.max-increase with no real change: each sample's cost changes with probability `changed`,
 * by +10 or −10 with equal probability (the exact sign-flip test on the per-sample differences).
 */
function costNoChangeRun({ n, changed, tolerance }) {
  return (random, testSeed) => {
    const differences = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (random.next() < changed) {
        differences[i] = random.next() < 0.5 ? 10 : -10;
        sum += differences[i];
      }
    }
    const { pValue } = signFlipTest(differences, { seed: testSeed });
    const finding = changeFinding(sum / n, tolerance, evidence(pValue));
    return { blocked: finding === 'regressed' ? 1 : 0, significant: pValue < OTHER_ALPHA ? 1 : 0 };
  };
}

/** What the table reports for the ece.max cases. */
const ECE_BOUND_COUNTS = {
  reported: ['blocked', 'proven above the maximum'],
  also: ['breach', 'estimated ECE above it'],
  mean: ['ece', 'mean estimated ECE'],
};

/** What the table reports for the no-change cases of a change gate decided by `test`. */
const noChangeCounts = (test) => ({
  reported: ['blocked', `blocked (${test})`],
  also: ['significant', 'significant either way'],
});

/**
 * The simulated cases, in table order. `row` groups cases into one table row; `what` describes the
 * case; `runs` is the default run count (chosen so the whole bench takes about two minutes on two
 * cores); `reported` names the count the table reports, `also` an optional second one.
 */
export const OTHER_CASES = [
  ...[300, 500].map((n) => ({
    id: `ece-max-calibrated-${n}`,
    row: 'ece.max: 0.03, perfectly calibrated model (true ECE 0)',
    what: `${n} samples`,
    runs: 400,
    run: eceMaxRun({ n, max: 0.03, gap: 0 }),
    ...ECE_BOUND_COUNTS,
  })),
  ...[
    { n: 500, gap: 0.03, runs: 600 },
    { n: 2000, gap: 0.03, runs: 150 },
    { n: 1000, gap: 0.05, runs: 300 },
    { n: 5000, gap: 0.02, runs: 60 },
  ].map(({ n, gap, runs }) => ({
    id: `ece-max-boundary-${n}`,
    row: 'ece.max at the boundary (true ECE = the maximum: overconfident by δ in every bin)',
    what: `δ = ${gap}, ${n.toLocaleString('en-US')} samples`,
    runs,
    run: eceMaxRun({ n, max: gap, gap }),
    ...ECE_BOUND_COUNTS,
  })),
  ...[
    { classes: 10, perClass: 50, runs: 600 },
    { classes: 10, perClass: 30, runs: 400 },
    { classes: 5, perClass: 200, runs: 600 },
  ].map(({ classes, perClass, runs }) => ({
    id: `macro-f1-min-${classes}x${perClass}`,
    row: 'macro-f1.min: 0.9 at the boundary (true macro F1 0.9)',
    what: `${classes} classes × ${perClass}`,
    runs,
    run: macroF1MinRun({ classes, perClass, min: 0.9 }),
    reported: ['blocked', 'proven below the minimum'],
    also: ['breach', 'estimated macro F1 below it'],
  })),
  ...[
    { perClass: 30, churn: 0.02, runs: 10000 },
    { perClass: 100, churn: 0.04, runs: 4000 },
  ].map(({ perClass, churn, runs }) => ({
    id: `macro-f1-no-change-${perClass}`,
    row: 'macro-f1.max-drop: 0.005, no real change (baseline recall 0.95)',
    what: `10 classes × ${perClass}, churn ${churn * 100}%`,
    runs,
    run: macroF1NoChangeRun({ classes: 10, perClass, churn, tolerance: 0.005 }),
    ...noChangeCounts('randomization test'),
  })),
  ...[
    { n: 300, tolerance: 0.01, runs: 1500 },
    { n: 1000, tolerance: 0.005, runs: 300 },
  ].map(({ n, tolerance, runs }) => ({
    id: `ece-no-change-${n}`,
    row: 'ece.max-increase, no real change (two calibrated models)',
    what: `${n.toLocaleString('en-US')} samples, max-increase ${tolerance}`,
    runs,
    run: eceNoChangeRun({ n, tolerance }),
    ...noChangeCounts('randomization test'),
  })),
  ...[
    { n: 300, changed: 0.013, runs: 4000 },
    { n: 1000, changed: 0.05, runs: 2000 },
  ].map(({ n, changed, runs }) => ({
    id: `cost-no-change-${n}`,
    row: 'cost.max-increase: 0.1, no real change (costs ±10)',
    what: `${n.toLocaleString('en-US')} samples, ${(changed * 100).toFixed(1)}% changed`,
    runs,
    run: costNoChangeRun({ n, changed, tolerance: 0.1 }),
    ...noChangeCounts('sign-flip test'),
  })),
];

/**
 * The deterministic check: four samples of 300 broken, none fixed — the p-value of the macro-F1
 * gate's randomization test and of the cost gate's sign-flip test (cost +10 each).
 */
export function fourBrokenPValues() {
  const n = 300;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const candidate = labels.map((y, i) => (i < 12 && y === 0 ? 1 : y));
  const paired = pairedOf(labels, labels.slice(), candidate);
  const macroF1 = pairedRandomizationTest(macroF1Swaps(paired, 3), { seed: 0 }).pValue;
  const differences = new Float64Array(n);
  differences.fill(10, 0, 4);
  const cost = signFlipTest(differences, { seed: 0 }).pValue;
  return { macroF1, cost };
}
