// Runs a range of simulated replicates of one scenario and class size through evalgate's real
// comparison and gate code (lib/compare/, compiled from src/), the way judgeReport calls it (pair
// the samples once, compare, evaluate the gates), and counts the verdicts.
import { compareReports } from '../../../lib/compare/compare.js';
import { evaluateGates } from '../../../lib/compare/gates.js';
import { pairSamples } from '../../../lib/compare/pairing.js';
import { defaultGates, defaultStatistics } from '../../../lib/config/defaults.js';
import { createRandom } from '../../../lib/stats/random.js';
import { ALPHA, CLASSES, DROPS, MODES, TOLERANCE } from './scenarios.mjs';
import { predictionsFrom, simulateRun } from './simulate.mjs';
import { syntheticReport, syntheticTestSet } from './reports.mjs';

/** The studied class (the one that gets the drop in table (b)). */
const STUDIED = 0;
/** Drop levels of one replicate: no change (table a), then each real drop (table b). */
export const DROP_LEVELS = [0, ...DROPS];

/** The gates of each mode (see MODES). */
function gatesFor(mode) {
  const gates = defaultGates();
  gates.perClassRecall = {
    ...gates.perClassRecall,
    maxDrop: TOLERANCE,
    alpha: ALPHA,
    significance: mode !== 'point',
    onUnproven: mode === 'strict' ? 'fail' : 'warn',
  };
  return gates;
}

/** What is counted per drop level and mode, over replicates. */
function emptyTally() {
  return {
    runs: 0,
    /** The verdict failed (any class). */
    runBlocked: 0,
    /** The verdict passed but carries a warning result (a possible regression on some class). */
    runWarnedOnly: 0,
    /** The studied class's result fails the run. */
    studiedBlocked: 0,
    /** The studied class's result is a warning (possible regression). */
    studiedWarned: 0,
  };
}

export function emptyCounts() {
  return {
    tallies: DROP_LEVELS.map(() => Object.fromEntries(MODES.map((mode) => [mode, emptyTally()]))),
    /** Class results on which on-unproven: fail and the point-estimate gate disagree (expected: none). */
    strictPointDisagreements: 0,
  };
}

/** Adds `b` into `a` (both from emptyCounts). */
export function addCounts(a, b) {
  for (let k = 0; k < DROP_LEVELS.length; k++) {
    for (const mode of MODES) {
      for (const key of Object.keys(a.tallies[k][mode])) a.tallies[k][mode][key] += b.tallies[k][mode][key];
    }
  }
  return a;
}

/**
 * The seed of one replicate: a fixed function of the bench seed, the scenario, the class size and
 * the replicate number, so results do not depend on how replicates are split among workers.
 */
export function replicateSeed(seed, scenarioIndex, perClass, replicate) {
  // FNV-1a over the four integers; only needs to give distinct, well-spread 32-bit seeds.
  let h = 2166136261;
  for (const value of [seed, scenarioIndex, perClass, replicate]) {
    let v = value >>> 0;
    for (let byte = 0; byte < 4; byte++) {
      h = Math.imul(h ^ (v & 0xff), 16777619) >>> 0;
      v >>>= 8;
    }
  }
  return h;
}

function resultOf(verdict, className) {
  const result = verdict.gates.find((g) => g.gate === 'per-class-recall' && g.subject === className);
  if (result === undefined) throw new Error(`no per-class-recall result for ${className}`);
  return result;
}

/** Counts one verdict: the run's outcome and the studied class's, under `blocks` and `warns`. */
function tallyVerdict(tally, verdict, studiedName, blocks, warns) {
  tally.runs++;
  const recall = verdict.gates.filter((g) => g.gate === 'per-class-recall');
  if (recall.some(blocks) || verdict.failures.some((g) => g.gate !== 'per-class-recall')) tally.runBlocked++;
  else if (verdict.gates.some(warns)) tally.runWarnedOnly++;
  const studied = resultOf(verdict, studiedName);
  if (blocks(studied)) tally.studiedBlocked++;
  else if (warns(studied)) tally.studiedWarned++;
}

/** The pairing pairSamples makes of two reports that list the same ids in the same order. */
function identityPairing(testSet, baselinePredictions, candidatePredictions) {
  return {
    n: testSet.labels.length,
    labels: testSet.labelArray,
    baselinePredictions: Int32Array.from(baselinePredictions),
    candidatePredictions: Int32Array.from(candidatePredictions),
    baselineConfidences: testSet.confidenceArray,
    candidateConfidences: testSet.confidenceArray,
  };
}

/** Throws unless pairSamples' `attempt` is exactly the pairing built directly. */
function checkPairing(expected, attempt) {
  if (!('paired' in attempt)) throw new Error(`simulated reports did not pair: ${attempt.reason}`);
  for (const key of Object.keys(expected)) {
    const a = expected[key];
    const b = attempt.paired[key];
    const same = typeof a === 'number' ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);
    if (!same) throw new Error(`the direct pairing differs from pairSamples in ${key}`);
  }
}

/** Throws unless the real gates of another mode block exactly the results `blocks` picks. */
function checkDerived(mode, judged, real, blocks) {
  judged.gates.forEach((g, i) => {
    if (blocks(g) !== real.gates[i].blocking) {
      throw new Error(`${mode} does not block as derived for ${g.subject}: ${real.gates[i].message}`);
    }
  });
}

/** Replicates [from, to) of `scenario` (index `scenarioIndex`) with `perClass` samples per class. */
export function runReplicates({ seed, scenario, scenarioIndex, perClass, from, to }) {
  const testSet = syntheticTestSet(CLASSES, perClass);
  const statistics = { ...defaultStatistics(), alpha: ALPHA };
  const gates = Object.fromEntries(MODES.map((mode) => [mode, gatesFor(mode)]));
  const studiedName = testSet.classNames[STUDIED];
  const counts = emptyCounts();

  for (let r = from; r < to; r++) {
    const random = createRandom(replicateSeed(seed, scenarioIndex, perClass, r));
    const draws = simulateRun(random.next, {
      classes: CLASSES,
      perClass,
      recall: scenario.recall,
      churn: scenario.churn,
      drops: DROP_LEVELS,
      studied: STUDIED,
    });
    const baselinePredictions = predictionsFrom(draws.baseline, CLASSES, perClass);
    const baseline = syntheticReport(testSet, baselinePredictions, 'baseline');

    for (let k = 0; k < DROP_LEVELS.length; k++) {
      const candidatePredictions = predictionsFrom(draws.candidates[k], CLASSES, perClass);
      const candidate = syntheticReport(testSet, candidatePredictions, 'candidate');

      // As src/pipeline/judgeReport.ts: pair once, compare, then gate under each mode. The
      // simulated reports list the same ids in the same order, so the pairing is the identity; it
      // is built directly (pairSamples' id lookup would be half of the bench's time) and checked
      // against pairSamples on the first run of every work item.
      const pairing = { paired: identityPairing(testSet, baselinePredictions, candidatePredictions) };
      if (r === from) checkPairing(pairing.paired, pairSamples(baseline, candidate));
      const comparison = compareReports(baseline, candidate, { confidence: statistics.confidence, pairing });
      const options = { statistics, comparison, pairing };

      const judged = evaluateGates(gates.evalgate, candidate, baseline, options);
      tallyVerdict(
        counts.tallies[k].evalgate,
        judged,
        studiedName,
        (g) => g.blocking,
        (g) => g.status === 'warn',
      );
      // on-unproven changes only what a possible regression does to the run (findings.ts statusOf),
      // never the finding, so the strict verdict is read off the same results.
      const strictBlocks = (g) => g.blocking || g.finding === 'possible-regression';
      tallyVerdict(counts.tallies[k].strict, judged, studiedName, strictBlocks, () => false);
      // The point-estimate gate is arithmetic on the two reports' recalls (the same 1e-12
      // allowance for float noise as src/compare/findings.ts).
      const pointBlocks = (g) => g.baseline - g.candidate > TOLERANCE + 1e-12;
      tallyVerdict(counts.tallies[k].point, judged, studiedName, pointBlocks, () => false);
      for (const g of judged.gates) if (strictBlocks(g) !== pointBlocks(g)) counts.strictPointDisagreements++;
      // Both derivations are checked against the real gates (on-unproven: fail; significance: off)
      // on the first run of every work item.
      if (r === from) {
        checkDerived(
          'on-unproven: fail',
          judged,
          evaluateGates(gates.strict, candidate, baseline, options),
          strictBlocks,
        );
        checkDerived(
          'significance: off',
          judged,
          evaluateGates(gates.point, candidate, baseline, options),
          pointBlocks,
        );
      }
    }
  }
  return counts;
}
