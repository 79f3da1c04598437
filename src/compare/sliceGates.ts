/**
 * The slice gates (`gates.slices.<column>`): the whole-set accuracy and per-class-recall limits,
 * applied to every value of a manifest column, so that a regression confined to one slice
 * ("night") fails the run even when the whole-set figures stay within their tolerances.
 *
 * Tests: those of the rest of the verdict, on the slice's samples (sliceComparison.ts): McNemar's
 * exact test for a slice's accuracy change and the paired exact test on a class's discordant pairs
 * within the slice when the samples pair by id, Fisher's exact test otherwise, and the one-sided
 * exact binomial test for `accuracy.min`.
 *
 * Family: every test the slice gates make in one run (each slice's accuracy tests and each
 * slice × class recall test, over every gated column) is one family for `statistics.correction`.
 * With m tests Holm holds the chance of any false "regressed" among them at α: a pull request is
 * judged once, by every slice gate together, so the family is what the verdict rests on, and the
 * correction must not depend on which slices happened to drop. The whole-set gates keep their
 * own families (the per-class gate's is its classes), as before.
 */
import type { ClassMetrics } from '../metrics/types.js';
import type { SliceReport } from '../report/types.js';
import { InputError } from '../shared/errors.js';
import { binomialTestLess } from '../stats/exactTests.js';
import { minimumDetectableDrop, samplesForDrop } from '../stats/power.js';
import { alphaText, correctionName } from './evidenceText.js';
import { decidedTest, decideFamily, minimumTest, type Planned } from './familyDecisions.js';
import type { GateContext } from './gateContext.js';
import { boundGate, changeGate } from './gateResults.js';
import { formatPoints, messageName } from './messageText.js';
import { samplesText } from './recallGate.js';
import { recallPower } from './recallPower.js';
import { sliceAccuracyCounts, sliceColumnsOf } from './sliceComparison.js';
import type { GateResult, SliceColumnPairing, SliceDelta, VerdictNote } from './types.js';
import type { GateEvidence, GatesConfig, SliceGatesConfig } from '../config/types.js';

/**
 * Refuses a `gates.slices` column the test set does not have (a typo would otherwise gate
 * nothing and pass). `columns` are the test set's slice columns (its manifest's extra columns).
 */
export function checkSliceGateColumns(gates: GatesConfig, columns: readonly string[]): void {
  for (const column of Object.keys(gates.slices ?? {})) {
    if (columns.includes(column)) continue;
    const there =
      columns.length === 0
        ? 'the test set has no slice columns (slices are the extra columns of a manifest, test-set.manifest)'
        : `the test set's slice columns are ${columns.map((c) => `'${messageName(c)}'`).join(', ')}`;
    throw new InputError(
      `gates.slices.${messageName(column)} names no slice column of the test set: ${there}`,
      {
        code: 'E_CONFIG_INVALID',
        where: `gates.slices.${messageName(column)}`,
        hint:
          columns.length === 0
            ? 'add the column to the manifest (path,label,<column>) and set test-set.manifest, or remove it from gates.slices'
            : 'name one of those columns, or remove it from gates.slices',
      },
    );
  }
}

/** How the slice gates' intervals name their correction family. */
const SLICE_UNIT = 'slice tests';

export interface SliceGatesOutput {
  results: GateResult[];
  notes: VerdictNote[];
  /** Tests in the slice family (the correction ran over them). */
  tested: number;
}

/** The slice gates' results, in config order (column, then value, accuracy before classes), and their notes. */
export function sliceGates(context: GateContext): SliceGatesOutput {
  const configured = context.gates.slices ?? {};
  const columns = Object.keys(configured);
  const notes = pairingNotes(context, columns);
  if (columns.length === 0) return { results: [], notes, tested: 0 };
  checkSliceGateColumns(context.gates, sliceColumnsOf(context.candidate));
  const planned: Planned[] = [];
  for (const column of columns) {
    for (const slice of slicesOf(context, column))
      planned.push(...planSlice(context, configured[column]!, slice));
  }
  const decisions = decideFamily(planned, context.statistics.correction);
  const results = planned.map((p, i) => p.build(decisions[i]!));
  const tested = decisions.filter((d) => d !== null).length;
  notes.push(...powerNotes(context, configured, tested));
  return { results, notes, tested };
}

/** What one slice is, for the gates: the candidate's figures and, when compared, the baseline's. */
interface SliceView {
  column: string;
  value: string;
  report: SliceReport;
  /** undefined without a baseline. */
  delta: SliceDelta | undefined;
  baseline: SliceReport | undefined;
}

function slicesOf(context: GateContext, column: string): SliceView[] {
  const own = (context.candidate.slices ?? []).filter((s) => s.column === column);
  own.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const deltas = context.comparison?.slices?.slices ?? [];
  return own.map((report) => ({
    column,
    value: report.value,
    report,
    delta: deltas.find((d) => d.column === column && d.value === report.value),
    baseline: (context.baseline?.slices ?? []).find((s) => s.column === column && s.value === report.value),
  }));
}

/** "ink = light", as messages name a slice. */
export function sliceLabel(column: string, value: string): string {
  return `${messageName(column)} = ${value === '' ? '(empty)' : messageName(value)}`;
}

function tagged(result: GateResult, view: SliceView, subject?: string): GateResult {
  return { ...result, subject: subject ?? view.value, slice: { column: view.column, value: view.value } };
}

function planSlice(context: GateContext, gates: SliceGatesConfig, view: SliceView): Planned[] {
  const { statistics, baseline } = context;
  const label = sliceLabel(view.column, view.value);
  const prefix = `slices.${view.column}`;
  const out: Planned[] = [];
  const { correct, samples } = sliceAccuracyCounts(view.report.classes);
  const accuracy = gates.accuracy;
  const common = (evidence: GateEvidence) => ({
    label: `accuracy in ${label}`,
    scale: 'rate' as const,
    evidence,
    statistics,
    candidate: view.report.metrics.accuracy,
    figuresSuffix: `, ${samplesText(samples)}`,
  });
  if (accuracy?.min !== undefined) {
    const min = accuracy.min;
    const raw = accuracy.significance && samples > 0 ? binomialTestLess(correct, samples, min) : null;
    const alpha = accuracy.alpha ?? statistics.alpha;
    out.push({
      raw,
      alpha,
      build: (decision) => {
        // Beside a decision: the one-sided test inverted at its family level (as accuracy.min does).
        const test = minimumTest({ correct, samples }, min, decision, {
          confidence: statistics.confidence,
          unit: SLICE_UNIT,
        });
        return tagged(
          boundGate({
            ...common(accuracy),
            gate: `${prefix}.accuracy.min`,
            kind: 'min',
            bound: min,
            baseline: view.baseline?.metrics.accuracy ?? null,
            test,
            correction: decision?.correction,
          }),
          view,
        );
      },
    });
  }
  if (accuracy?.maxDrop !== undefined) {
    const maxDrop = accuracy.maxDrop;
    const test = view.delta?.accuracyTest ?? null;
    out.push({
      raw: accuracy.significance && test !== null ? test.pValue : null,
      alpha: accuracy.alpha ?? statistics.alpha,
      build: (decision) =>
        tagged(
          changeGate({
            ...common(accuracy),
            gate: `${prefix}.accuracy.max-drop`,
            direction: 'drop',
            tolerance: maxDrop,
            baseline: baseline === null ? undefined : (view.delta?.baselineAccuracy ?? null),
            baselineMissingReason: `the baseline has no slice ${label}`,
            test: test === null ? null : decidedTest(test, decision, SLICE_UNIT),
            correction: decision?.correction,
          }),
          view,
        ),
    });
  }
  const recall = gates.perClassRecall;
  if (recall !== undefined) {
    const gate = `${prefix}.per-class-recall`;
    const classes = view.delta?.classes.filter(
      (c) => c.recallTest !== null && c.baselineRecall !== null && c.candidateRecall !== null,
    );
    if (baseline === null || view.delta === undefined || view.delta.baselineSamples === null || !classes) {
      const why =
        baseline === null
          ? 'no baseline (this run sets the first one)'
          : `the baseline has no slice ${label}`;
      out.push({
        raw: null,
        alpha: recall.alpha ?? statistics.alpha,
        build: () =>
          tagged(
            {
              gate,
              status: 'skipped',
              baseline: null,
              candidate: null,
              threshold: recall.maxDrop,
              message: `recall per class in ${label} not compared: ${why}`,
              blocking: false,
            },
            view,
          ),
      });
    } else {
      for (const cls of classes) {
        const test = cls.recallTest!;
        out.push({
          raw: recall.significance ? test.pValue : null,
          alpha: recall.alpha ?? statistics.alpha,
          build: (decision) =>
            tagged(
              changeGate({
                gate,
                label: `recall of '${messageName(cls.name)}' in ${label}`,
                scale: 'rate',
                evidence: recall,
                statistics,
                candidate: cls.candidateRecall,
                baseline: cls.baselineRecall,
                direction: 'drop',
                tolerance: recall.maxDrop,
                figuresSuffix: `, ${samplesText(cls.support)}`,
                test: decidedTest(test, decision, SLICE_UNIT),
                correction: decision?.correction,
              }),
              view,
              cls.name,
            ),
        });
      }
    }
  }
  return out;
}

/**
 * How each slice column was compared, when it was not sample by sample with both reports' own slice
 * values: paired through the candidate's values, unpaired (with why), or not compared at all. A
 * column that is unpaired only because the whole comparison is says nothing new (the verdict's
 * unpaired note says it).
 */
function pairingNotes(context: GateContext, gated: string[]): VerdictNote[] {
  const columns: SliceColumnPairing[] = context.comparison?.slices?.columns ?? [];
  const overallUnpaired = context.comparison !== null && !context.comparison.pairing.paired;
  const notes: VerdictNote[] = [];
  for (const column of columns) {
    const name = `'${messageName(column.column)}'`;
    if (column.design === 'paired-by-candidate') {
      notes.push({
        kind: 'slice-pairing',
        text:
          `Slices of ${name} paired by sample id using the candidate's slice values: ${column.reason}. ` +
          'Re-run the baseline with this evalgate to record its own (samples.slices).',
      });
    } else if (column.design === 'unpaired' && !overallUnpaired) {
      notes.push({
        kind: 'slice-pairing',
        text: `Slices of ${name} compared without pairing samples (Fisher's exact tests): ${column.reason}.`,
      });
    } else if (column.design === 'not-compared' && gated.includes(column.column)) {
      notes.push({
        kind: 'slice-pairing',
        text: `Slices of ${name} not compared with the baseline: ${column.reason}; its change gates were skipped.`,
      });
    }
  }
  return notes;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * One line per gated slice whose samples cannot see its gates' tolerances: the smallest drop a test
 * on the slice's samples detects with `statistics.power` at the family's level (α/m for Holm and
 * Benjamini–Hochberg, as recallPower.ts explains), from src/stats/power.ts through recallPower.
 */
function powerNotes(
  context: GateContext,
  configured: Record<string, SliceGatesConfig>,
  tested: number,
): VerdictNote[] {
  const { statistics, baseline } = context;
  const family = Math.max(1, baseline === null ? wouldTest(context, configured) : tested);
  const notes: VerdictNote[] = [];
  for (const [column, gates] of Object.entries(configured)) {
    const pairing = context.comparison?.slices?.columns.find((c) => c.column === column);
    const design =
      baseline === null
        ? context.candidate.samples?.slices?.[column] !== undefined
          ? 'paired'
          : 'unpaired'
        : pairing?.design === 'paired' || pairing?.design === 'paired-by-candidate'
          ? 'paired'
          : 'unpaired';
    for (const view of slicesOf(context, column)) {
      const parts: string[] = [];
      const counts = view.delta?.pairedCounts ?? null;
      const n = counts ? counts.bothRight + counts.baselineOnly + counts.candidateOnly + counts.bothWrong : 0;
      const churn = counts && n > 0 ? counts.candidateOnly / n : undefined;
      const accuracy = gates.accuracy;
      if (accuracy?.maxDrop !== undefined && accuracy.significance && accuracy.maxDrop > 0) {
        const alpha = levelOf(accuracy.alpha ?? statistics.alpha, statistics.correction, family);
        const rate = view.delta?.baselineAccuracy ?? view.report.metrics.accuracy;
        if (rate !== null && rate > accuracy.maxDrop) {
          const options = { baselineRate: rate, alpha, power: statistics.power, design, churn } as const;
          const detectable = minimumDetectableDrop({ ...options, n: view.report.samples });
          if (detectable === null || detectable > accuracy.maxDrop + 1e-12) {
            const needed = samplesForDrop({ ...options, drop: accuracy.maxDrop });
            parts.push(
              `an accuracy drop of ${formatPoints(accuracy.maxDrop)} needs about ${needed === null ? 'more' : thousands(needed)} samples`,
            );
          }
        }
      }
      const recall = gates.perClassRecall;
      if (recall?.significance && recall.maxDrop > 0) {
        const summary = recallPower({
          gate: { ...recall, onMissingClass: 'warn' },
          statistics,
          candidateClasses: view.report.classes,
          baselineClasses: view.baseline
            ? new Map<string, ClassMetrics>(view.baseline.classes.map((c) => [c.name, c]))
            : null,
          design,
          overall: counts,
          family,
        });
        const weak = summary?.classes.filter((c) => c.underpowered) ?? [];
        if (summary && weak.length > 0) {
          const needed = weak.map((c) => c.samplesNeeded).filter((s): s is number => s !== null);
          parts.push(
            `a recall drop of ${formatPoints(recall.maxDrop)} needs about ${needed.length > 0 ? thousands(Math.max(...needed)) : 'more'} ` +
              `samples per class (${weak.length} of ${summary.classesChecked} classes have too few)`,
          );
        }
      }
      if (parts.length === 0) continue;
      notes.push({
        kind: 'slice-underpowered',
        text:
          `Slice ${sliceLabel(column, view.value)} (${samplesText(view.report.samples)}) is too small to see its gates' ` +
          `tolerances at ${familyLevel(statistics, family)}: ${parts.join('; ')}.`,
      });
    }
  }
  return notes;
}

function levelOf(alpha: number, correction: GateContext['statistics']['correction'], family: number): number {
  return correction === 'none' ? alpha : alpha / family;
}

function familyLevel(statistics: GateContext['statistics'], family: number): string {
  if (statistics.correction === 'none' || family <= 1) return `α = ${alphaText(statistics.alpha)}`;
  return `α = ${alphaText(statistics.alpha / family)} (${correctionName(statistics.correction)} across ${thousands(family)} slice tests)`;
}

/** Without a baseline: the tests a comparison would make, for the power notes' level. */
function wouldTest(context: GateContext, configured: Record<string, SliceGatesConfig>): number {
  let m = 0;
  for (const [column, gates] of Object.entries(configured)) {
    for (const slice of (context.candidate.slices ?? []).filter((s) => s.column === column)) {
      if (gates.accuracy?.significance) {
        if (gates.accuracy.min !== undefined) m++;
        if (gates.accuracy.maxDrop !== undefined) m++;
      }
      if (gates.perClassRecall?.significance) m += slice.classes.filter((c) => c.support > 0).length;
    }
  }
  return m;
}
