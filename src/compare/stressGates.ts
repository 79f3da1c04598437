/**
 * The stress gates (`gates.stress`), on the report's stress section (stressComparison.ts):
 * - `gates.stress.<perturbation>: { severity, min-accuracy }`: the accuracy under that perturbation
 *   at that severity must be at least the minimum; the one-sided exact binomial test of
 *   H0 "true accuracy ≥ min", as accuracy.min, with the Clopper–Pearson bound that inverts it;
 * - `mean-accuracy: { max-drop }`: mean corruption accuracy (over the ImageNet-C corruption cells
 *   both reports have) may not drop below the baseline's by more than max-drop. The mean is the
 *   mean over samples of each sample's share of cells it is right in (every cell has the same
 *   stressed samples), so when the samples pair its change is a paired mean difference of those
 *   per-sample shares: it is tested with the exact sign-flip (randomization) test
 *   (src/stats/randomization.ts), the test the cost gate uses on per-sample differences. Swapping
 *   the two models' outputs of one sample, in every cell at once, negates that sample's difference,
 *   so this is the paired randomization test of the macro-F1 gate with the per-sample statistic
 *   made additive; the paired t interval is shown beside it (a description, not the test's inverse).
 *   A McNemar test per cell could not judge the mean, and a bootstrap would add resampling noise
 *   to an exact answer. Unpaired: Welch's t-test on the per-sample shares of each side;
 * - `per-class-recall: { max-drop, severity? }`: the recall of each class under each stressed cell
 *   (at or below `severity`, every cell without it) may not drop below the baseline's same cell by
 *   more than max-drop: the paired exact test on the class's discordant pairs within the cell
 *   (Fisher's unpaired);
 * - `flip-rate: { max }`: each cell's flip rate may not exceed the ceiling: one-sided exact binomial
 *   test of H0 "true flip rate ≤ max" (on the non-flipped samples against 1 − max) with its
 *   Clopper–Pearson bound, so the interval's lower end is above the ceiling exactly when it rejects.
 *
 * Families (`statistics.correction`): the min-accuracy gates of every perturbation are one family;
 * every cell × class test of the per-class gate is one family; every cell's flip-rate test is one
 * family; the mean is one test. Each shown interval is at its test's family-adjusted level
 * (familyLevels, as the per-class and slice gates), so it excludes the null exactly when the
 * corrected test rejects. A gate naming a perturbation (or severity) the run did not stress is
 * refused (exit 2), naming the key and what was stressed.
 */
import type { GatesConfig, StressGatesConfig } from '../config/types.js';
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { InputError } from '../shared/errors.js';
import { binomialBoundInterval } from '../stats/exactIntervals.js';
import { binomialTestLess } from '../stats/exactTests.js';
import { pairedMeanDifference, welchMeanDifference } from '../stats/meanTests.js';
import { signFlipTest } from '../stats/randomization.js';
import { levelText } from './evidenceText.js';
import { decidedTest, decideFamily, familyFields, minimumTest, type Planned } from './familyDecisions.js';
import type { GateContext } from './gateContext.js';
import { boundGate, changeGate, type TestOutcome } from './gateResults.js';
import { messageName } from './messageText.js';
import { samplesText } from './recallGate.js';
import { sliceAccuracyCounts } from './sliceComparison.js';
import {
  cellKey,
  flipRate,
  isCorruption,
  pairStress,
  type StressView,
  stressView,
} from './stressComparison.js';
import type { GateResult, StressComparison, VerdictNote } from './types.js';

/** The note of a baseline report without a stress section. */
export const STRESS_NOT_COMPARED_NOTE =
  'The baseline report has no stress section: stress changes are not compared; regenerate the baseline with stress: ' +
  '(the same stress suite in evalgate.yml). The stress change gates were skipped; the bounds (min-accuracy, flip-rate) still apply.';

function hasStressGates(stress: StressGatesConfig | undefined): stress is StressGatesConfig {
  return (
    stress !== undefined &&
    (Object.keys(stress.perturbations).length > 0 ||
      stress.meanAccuracy !== undefined ||
      stress.perClassRecall !== undefined ||
      stress.flipRate !== undefined)
  );
}

/** The keys a `gates.stress` config holds, in config order, for messages. */
function gateKeys(stress: StressGatesConfig): string[] {
  return [
    ...Object.keys(stress.perturbations),
    ...(stress.meanAccuracy ? ['mean-accuracy'] : []),
    ...(stress.perClassRecall ? ['per-class-recall'] : []),
    ...(stress.flipRate ? ['flip-rate'] : []),
  ];
}

function severitiesText(severities: number[]): string {
  return severities.length === 1 ? `severity ${severities[0]}` : `severities ${severities.join(', ')}`;
}

/** What the run stressed, in a sentence: "gaussian_noise (severities 1, 3, 5), fog (severity 2)". */
function stressedText(report: Report): string {
  const by = new Map<string, number[]>();
  for (const cell of report.stress?.cells ?? []) {
    const list = by.get(cell.perturbation);
    if (list === undefined) by.set(cell.perturbation, [cell.severity]);
    else list.push(cell.severity);
  }
  return [...by].map(([name, s]) => `${name} (${severitiesText(s.sort((a, b) => a - b))})`).join(', ');
}

function refuse(key: string, message: string, hint: string): never {
  throw new InputError(`gates.stress.${messageName(key)} ${message}`, {
    code: 'E_CONFIG_INVALID',
    where: `gates.stress.${messageName(key)}`,
    hint,
  });
}

/**
 * Refuses a `gates.stress` gate the run cannot apply: any stress gate without a stress section, a
 * perturbation (or its severity) the run did not stress, a per-class severity below every stressed
 * cell, a mean-accuracy gate without corruption cells. A typo would otherwise gate nothing and pass.
 */
export function checkStressGates(gates: GatesConfig, candidate: Report): void {
  const stress = gates.stress;
  if (!hasStressGates(stress)) return;
  const cells = candidate.stress?.cells ?? [];
  if (candidate.stress === undefined || cells.length === 0) {
    refuse(
      gateKeys(stress)[0]!,
      'gates the stress suite, and this run stressed nothing (the report has no stress section)',
      'add stress: default (or stress: { perturbations, severities }) to evalgate.yml, or remove gates.stress',
    );
  }
  const stressed = stressedText(candidate);
  for (const [name, gate] of Object.entries(stress.perturbations)) {
    const severities = cells.filter((c) => c.perturbation === name).map((c) => c.severity);
    if (severities.length === 0) {
      refuse(
        name,
        `names a perturbation this run did not stress: it stressed ${stressed}`,
        `add ${name} to stress.perturbations, or gate one of those`,
      );
    }
    if (!severities.includes(gate.severity)) {
      refuse(
        name,
        `asks for severity ${gate.severity}, and this run stressed ${name} at ${severitiesText(severities.sort((a, b) => a - b))}`,
        `add ${gate.severity} to stress.severities, or gate one of those severities`,
      );
    }
  }
  const recall = stress.perClassRecall;
  if (recall?.severity !== undefined && !cells.some((c) => c.severity <= recall.severity!)) {
    refuse(
      'per-class-recall',
      `applies at severities up to ${recall.severity}, and this run stressed only ${stressed}`,
      'raise its severity, or add lower severities to stress.severities',
    );
  }
  if (stress.meanAccuracy !== undefined && !cells.some((c) => isCorruption(c.family))) {
    refuse(
      'mean-accuracy',
      `needs corruption cells (noise, blur, weather, digital), and this run stressed only ${stressed}`,
      'add corruptions to stress.perturbations, or remove gates.stress.mean-accuracy',
    );
  }
}

export interface StressGatesOutput {
  results: GateResult[];
  notes: VerdictNote[];
}

function built(planned: Planned[], method: GateContext['statistics']['correction']): GateResult[] {
  const decisions = decideFamily(planned, method);
  return planned.map((p, i) => p.build(decisions[i]!));
}

function cellLabel(perturbation: string, severity: number): string {
  return `${messageName(perturbation)} at severity ${severity}`;
}

function tagged(result: GateResult, perturbation: string, severity: number, subject?: string): GateResult {
  return { ...result, subject: subject ?? perturbation, stressCell: { perturbation, severity } };
}

/** The stress gates' results (config order: perturbations, mean, per-class, flip rate) and the stress notes. */
export function stressGates(context: GateContext): StressGatesOutput {
  const notes = stressNotes(context);
  const stress = context.gates.stress;
  if (!hasStressGates(stress)) return { results: [], notes };
  checkStressGates(context.gates, context.candidate);
  const view = stressView(context.candidate)!;
  const method = context.statistics.correction;
  const results: GateResult[] = [
    ...built(minAccuracyPlans(context, stress, view), method),
    ...meanAccuracyGate(context, stress, view),
    ...built(perClassPlans(context, stress), method),
    ...built(flipRatePlans(context, stress, view), method),
  ];
  return { results, notes };
}

function minAccuracyPlans(context: GateContext, stress: StressGatesConfig, view: StressView): Planned[] {
  const { statistics, baseline } = context;
  const before = baseline === null ? null : stressView(baseline);
  return Object.entries(stress.perturbations).map(([name, gate]) => {
    const cell = view.cells.get(cellKey(name, gate.severity))!;
    const { correct, samples } = sliceAccuracyCounts(cell.classes);
    const min = gate.minAccuracy;
    const earlier = before?.cells.get(cellKey(name, gate.severity));
    const baselineAccuracy = earlier === undefined ? null : accuracyOf(earlier.classes);
    return {
      raw: gate.significance && samples > 0 ? binomialTestLess(correct, samples, min) : null,
      alpha: gate.alpha ?? statistics.alpha,
      build: (decision) => {
        const test = minimumTest({ correct, samples }, min, decision, {
          confidence: statistics.confidence,
          unit: 'perturbation minimums',
        });
        return tagged(
          boundGate({
            gate: `stress.${name}.min-accuracy`,
            label: `accuracy under ${cellLabel(name, gate.severity)}`,
            scale: 'rate',
            evidence: gate,
            statistics,
            candidate: samples > 0 ? correct / samples : null,
            figuresSuffix: `, ${samplesText(samples)}`,
            kind: 'min',
            bound: min,
            baseline: baselineAccuracy,
            test,
            correction: decision?.correction,
          }),
          name,
          gate.severity,
        );
      },
    };
  });
}

function accuracyOf(classes: readonly ClassMetrics[]): number | null {
  const { correct, samples } = sliceAccuracyCounts(classes);
  return samples > 0 ? correct / samples : null;
}

/** Why the stress change gates have no baseline figures; null when they have. */
function notComparedReason(comparison: StressComparison | undefined): string | null {
  if (comparison === undefined || comparison.design !== 'not-compared') return null;
  return 'the baseline report has no stress section (regenerate the baseline with stress:)';
}

/**
 * The per-sample share of `keys` cells each stressed sample is right in, aligned with the view's
 * stressed samples; with `order`, the baseline's shares in the candidate's sample order.
 */
function shares(view: StressView, keys: string[], order: Int32Array | null, n: number): Float64Array {
  const out = new Float64Array(n);
  for (const key of keys) {
    const cell = view.cells.get(key)!;
    for (let k = 0; k < n; k++) {
      const at = order === null ? k : order[k]!;
      if (cell.predictions[at] === view.labels[at]) out[k]! += 1;
    }
  }
  for (let k = 0; k < n; k++) out[k]! /= keys.length;
  return out;
}

function meanAccuracyGate(context: GateContext, stress: StressGatesConfig, view: StressView): GateResult[] {
  const gate = stress.meanAccuracy;
  if (gate === undefined) return [];
  const { statistics, baseline, comparison } = context;
  const mean = comparison?.stress?.meanCorruptionAccuracy;
  const missing = notComparedReason(comparison?.stress);
  const before = baseline === null ? null : stressView(baseline);
  const keys =
    before === null
      ? []
      : view.stress.cells
          .filter((c) => isCorruption(c.family) && before.cells.has(cellKey(c.perturbation, c.severity)))
          .map((c) => cellKey(c.perturbation, c.severity));
  let test: TestOutcome | null = null;
  let noTestReason = 'no corruption cell is in both reports';
  if (gate.significance && before !== null && keys.length > 0) {
    const pairing =
      comparison?.stress?.design === 'paired' ? pairStress(before, view, context.pairing) : null;
    if (pairing !== null && 'order' in pairing) {
      const n = view.labels.length;
      const candidate = shares(view, keys, null, n);
      const earlier = shares(before, keys, pairing.order, n);
      const differences = new Float64Array(n);
      let sum = 0;
      let sumOfSquares = 0;
      for (let k = 0; k < n; k++) {
        const d = candidate[k]! - earlier[k]!;
        differences[k] = d;
        sum += d;
        sumOfSquares += d * d;
      }
      test = {
        test: 'sign-flip',
        pValue: signFlipTest(differences, { seed: context.seed }).pValue,
        interval: pairedMeanDifference(sum, sumOfSquares, n, statistics.confidence).interval,
        intervalInfo: {
          intervalLevel: statistics.confidence,
          intervalMethod: 'paired-t',
          intervalMatchesTest: false,
        },
      };
    } else {
      const sums = (x: Float64Array) => {
        let sum = 0;
        let sumOfSquares = 0;
        for (const v of x) {
          sum += v;
          sumOfSquares += v * v;
        }
        return { sum, sumOfSquares, n: x.length };
      };
      const welch = welchMeanDifference(
        sums(shares(before, keys, null, before.labels.length)),
        sums(shares(view, keys, null, view.labels.length)),
        statistics.confidence,
      );
      noTestReason =
        "without paired samples Welch's t-test needs at least 2 samples per report and some spread";
      test =
        welch.pValue === null
          ? null
          : {
              test: 'welch-t',
              pValue: welch.pValue,
              interval: welch.interval,
              intervalInfo: {
                intervalLevel: statistics.confidence,
                intervalMethod: 'welch-t',
                intervalMatchesTest: false,
              },
            };
    }
  }
  return [
    changeGate({
      gate: 'stress.mean-accuracy.max-drop',
      label: `mean corruption accuracy (${cellsText(keys.length > 0 ? keys.length : (mean?.cells ?? 0))})`,
      scale: 'rate',
      evidence: gate,
      statistics,
      candidate: mean?.candidate ?? meanOwn(view),
      figuresSuffix: `, ${samplesText(view.labels.length)} each`,
      direction: 'drop',
      tolerance: gate.maxDrop,
      baseline:
        baseline === null
          ? undefined
          : missing !== null || keys.length === 0
            ? null
            : (mean?.baseline ?? null),
      baselineMissingReason: missing ?? "the baseline stressed none of the candidate's corruption cells",
      test,
      noTestReason,
    }),
  ];
}

function cellsText(n: number): string {
  return `${n} ${n === 1 ? 'cell' : 'cells'}`;
}

/** The candidate's own mean corruption accuracy (no baseline). */
function meanOwn(view: StressView): number | null {
  const values = view.stress.cells.filter((c) => isCorruption(c.family)).map((c) => accuracyOf(c.classes));
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return values.reduce<number>((s, v) => s + v!, 0) / values.length;
}

function perClassPlans(context: GateContext, stress: StressGatesConfig): Planned[] {
  const recall = stress.perClassRecall;
  if (recall === undefined) return [];
  const { statistics, baseline, comparison } = context;
  const alpha = recall.alpha ?? statistics.alpha;
  const gate = 'stress.per-class-recall';
  const why =
    baseline === null
      ? 'no baseline (this run sets the first one)'
      : (notComparedReason(comparison?.stress) ?? 'the baseline stressed none of these cells');
  const cells = (comparison?.stress?.cells ?? []).filter(
    (c) => c.baselineSamples !== null && (recall.severity === undefined || c.severity <= recall.severity),
  );
  if (cells.length === 0) {
    return [
      {
        raw: null,
        alpha,
        build: () => ({
          gate,
          status: 'skipped',
          baseline: null,
          candidate: null,
          threshold: recall.maxDrop,
          message: `recall per class under stress not compared: ${why}`,
          blocking: false,
        }),
      },
    ];
  }
  const out: Planned[] = [];
  for (const cell of cells) {
    const where = cellLabel(cell.perturbation, cell.severity);
    for (const cls of cell.classes) {
      if (cls.recallTest === null || cls.baselineRecall === null || cls.candidateRecall === null) continue;
      const test = cls.recallTest;
      out.push({
        raw: recall.significance ? test.pValue : null,
        alpha,
        build: (decision) =>
          tagged(
            changeGate({
              gate,
              label: `recall of '${messageName(cls.name)}' under ${where}`,
              scale: 'rate',
              evidence: recall,
              statistics,
              candidate: cls.candidateRecall,
              baseline: cls.baselineRecall,
              direction: 'drop',
              tolerance: recall.maxDrop,
              figuresSuffix: `, ${samplesText(cls.support)}`,
              test: decidedTest(test, decision, 'stress cell × class tests'),
              correction: decision?.correction,
            }),
            cell.perturbation,
            cell.severity,
            cls.name,
          ),
      });
    }
  }
  return out;
}

function flipRatePlans(context: GateContext, stress: StressGatesConfig, view: StressView): Planned[] {
  const gate = stress.flipRate;
  if (gate === undefined) return [];
  const { statistics, baseline } = context;
  const before = baseline === null ? null : stressView(baseline);
  const max = gate.max;
  return view.stress.cells.map((cell) => {
    const flips = flipRate(view, cell, statistics.confidence);
    const kept = flips.samples - flips.flips;
    const earlier = before?.cells.get(cellKey(cell.perturbation, cell.severity));
    const baselineRate =
      earlier === undefined || before === null ? null : flipRate(before, earlier, statistics.confidence).rate;
    return {
      // H0 "flip rate ≤ max" is H0 "share kept ≥ 1 − max": the one-sided binomial test on the kept samples.
      raw: gate.significance && flips.samples > 0 ? binomialTestLess(kept, flips.samples, 1 - max) : null,
      alpha: gate.alpha ?? statistics.alpha,
      build: (decision) => {
        const level = decision?.intervalAlpha ?? (1 - statistics.confidence) / 2;
        const keptInterval =
          flips.samples > 0 ? binomialBoundInterval(kept, flips.samples, 1 - max, level) : null;
        const test: TestOutcome | null =
          flips.samples > 0
            ? {
                test: 'binomial-exact',
                pValue: decision?.pValue ?? null,
                // The kept share's interval mirrored: its lower end is above max exactly when the test rejects.
                interval:
                  keptInterval === null ? null : { low: 1 - keptInterval.high, high: 1 - keptInterval.low },
                intervalInfo: {
                  intervalLevel: 1 - 2 * level,
                  intervalMethod: 'clopper-pearson',
                  intervalMatchesTest: true,
                  note: `its lower end the one-sided ${levelText(1 - level)} bound`,
                  ...(decision ? familyFields(decision, 'stress cells') : {}),
                },
              }
            : null;
        return tagged(
          boundGate({
            gate: 'stress.flip-rate.max',
            label: `flip rate under ${cellLabel(cell.perturbation, cell.severity)}`,
            scale: 'rate',
            evidence: gate,
            statistics,
            candidate: flips.rate,
            figuresSuffix: `, ${flips.flips} of ${samplesText(flips.samples)} changed prediction`,
            kind: 'max',
            bound: max,
            baseline: baselineRate,
            test,
            correction: decision?.correction,
          }),
          cell.perturbation,
          cell.severity,
        );
      },
    };
  });
}

/**
 * One note naming the perturbations that left every stressed image exactly as it was at some of
 * their severities (saturate on gray images, a blur of a fraction of a pixel on tiny ones): those
 * cells repeat the clean figures, and reading them as robustness would be wrong.
 */
export function ineffectiveStressNotes(report: Report): VerdictNote[] {
  const cells = report.stress?.cells ?? [];
  const stressed = new Map<string, number[]>();
  const unchanged = new Map<string, number[]>();
  for (const cell of cells) {
    stressed.set(cell.perturbation, [...(stressed.get(cell.perturbation) ?? []), cell.severity]);
    if (cell.samples === 0 || cell.unchanged < cell.samples) continue;
    unchanged.set(cell.perturbation, [...(unchanged.get(cell.perturbation) ?? []), cell.severity]);
  }
  if (unchanged.size === 0) return [];
  const everywhere: string[] = [];
  const parts = [...unchanged].map(([perturbation, severities]) => {
    if (severities.length === stressed.get(perturbation)!.length) {
      everywhere.push(perturbation);
      return `${perturbation} at every severity`;
    }
    return `${perturbation} at ${severities.length === 1 ? 'severity' : 'severities'} ${severities.join(', ')}`;
  });
  const samples = report.stress!.sampleIndices.length;
  const advice =
    everywhere.length === 0
      ? ''
      : ` Leave ${everywhere.length === 1 ? 'it' : 'them'} out of stress.perturbations for these images` +
        (everywhere.length === unchanged.size ? '' : ` (${everywhere.join(', ')})`) +
        '.';
  return [
    {
      kind: 'stress-no-effect',
      text:
        `Stress that changed no image: ${listText(parts)} left all ${samples} stressed images exactly as they were, ` +
        'so those cells repeat the clean figures and say nothing about robustness (docs/stress.md, "When a perturbation changes nothing").' +
        advice,
    },
  ];
}

/** "a", "a and b", "a, b and c". */
function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The stress notes: perturbations that changed nothing, a baseline without a stress section, suites that differ, stress cells compared
 * without pairing (when the clean samples do pair: otherwise the verdict's unpaired note says it).
 */
function stressNotes(context: GateContext): VerdictNote[] {
  const notes: VerdictNote[] = ineffectiveStressNotes(context.candidate);
  const stress = context.comparison?.stress;
  if (stress === undefined || context.baseline === null) return notes;
  if (stress.design === 'not-compared') {
    notes.push({ kind: 'stress-not-compared', text: STRESS_NOT_COMPARED_NOTE });
    return notes;
  }
  if (stress.suitesDiffer !== null) {
    notes.push({
      kind: 'stress-suites-differ',
      text:
        `The stress suites differ: ${stress.suitesDiffer}. Stress changes are compared only on the cells both reports have ` +
        `(mean corruption accuracy over ${stress.meanCorruptionAccuracy.cells} shared corruption cells); ` +
        'regenerate the baseline with the same stress: to compare every cell.',
    });
  }
  if (stress.design === 'unpaired' && context.comparison?.pairing.paired) {
    notes.push({
      kind: 'stress-pairing',
      text:
        `Stress cells compared without pairing samples (Fisher's exact tests; Welch's t-test for the mean corruption accuracy): ${stress.reason}. ` +
        'Stress both models with the same stress.seed and stress.samples on the same test set to compare the same corrupted images.',
    });
  }
  return notes;
}
