/**
 * The summary table of the comment: headline figures side by side, with the accuracy's Wilson
 * interval, the interval and p-value of each change a gate tested, and one line saying how the
 * evidence was weighed (paired or not, which correction).
 */
import { markdownTable } from 'markdown-table';
import { accuracyInterval, headlineMetrics } from '../compare/compare.js';
import { correctionName, levelText } from '../compare/evidenceText.js';
import type { Comparison, GateResult, Interval, Verdict } from '../compare/types.js';
import type { Report } from '../report/types.js';
import { baselineCost } from '../compare/costGate.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import {
  CHANGE_MARKS_LEGEND,
  formatChange,
  formatChangeInterval,
  formatCount,
  formatMetric,
  formatPValue,
  formatRateInterval,
  NONE,
} from './formatNumbers.js';

/** The gate whose test stands for a headline metric's change. */
const CHANGE_GATES: Record<string, string> = {
  accuracy: 'accuracy.max-drop',
  'macro-f1': 'macro-f1.max-drop',
};

function withInterval(value: string, interval: Interval | null): string {
  return interval === null ? value : `${value} (${formatRateInterval(interval)})`;
}

export function renderSummary(
  candidate: Report,
  baseline: Report | null,
  comparison: Comparison | null,
  verdict: Verdict,
): string {
  const confidence = verdict.statistics?.confidence ?? comparison?.confidence ?? 0.95;
  const level = levelText(confidence);
  if (comparison === null) {
    const interval = accuracyInterval(candidate, confidence);
    const rows = headlineMetrics(candidate).map((m) => [
      escapeMarkdown(m.label),
      formatMetric(m.value, m.scale),
      m.metric === 'accuracy' ? formatRateInterval(interval) : '',
    ]);
    const cost = candidate.cost;
    if (cost !== undefined) {
      rows.push([costLabel(candidate), formatCost(cost.expected), formatCostInterval(cost.interval)]);
    }
    return [
      '### Summary',
      '',
      markdownTable([['metric', 'value', `${level} CI`], ...rows], { align: ['l', 'r', 'r'] }),
    ].join('\n');
  }

  const gateByName = new Map<string, GateResult>(verdict.gates.map((g) => [g.gate, g]));
  const rows = comparison.metrics.map((m) => {
    const gate = CHANGE_GATES[m.metric] ? gateByName.get(CHANGE_GATES[m.metric]!) : undefined;
    let interval: Interval | null = gate?.interval ?? null;
    let p: number | null = gate?.pValue ?? null;
    if (m.metric === 'accuracy' && gate === undefined && comparison.accuracyTest !== null) {
      // No accuracy gate: still show the evidence of the change.
      interval = comparison.accuracyTest.interval;
      p = comparison.accuracyTest.pValue;
    }
    const isAccuracy = m.metric === 'accuracy';
    return [
      escapeMarkdown(m.label),
      isAccuracy
        ? withInterval(formatMetric(m.baseline, m.scale), comparison.baselineAccuracyInterval)
        : formatMetric(m.baseline, m.scale),
      isAccuracy
        ? withInterval(formatMetric(m.candidate, m.scale), comparison.candidateAccuracyInterval)
        : formatMetric(m.candidate, m.scale),
      formatChange(m.delta, m.scale),
      interval === null ? '' : formatChangeInterval(interval, m.scale) + otherLevel(gate, confidence),
      p === null ? '' : escapeMarkdown(formatPValue(p)),
    ];
  });
  const cost = candidate.cost;
  if (cost !== undefined) {
    const gate = gateByName.get('cost.max-increase');
    const baselineValue =
      gate?.baseline ??
      (baseline === null ? null : (baselineCost(baseline, cost, confidence)?.expected ?? null));
    const delta = cost.expected === null || baselineValue === null ? null : cost.expected - baselineValue;
    rows.push([
      costLabel(candidate),
      formatCost(baselineValue),
      `${formatCost(cost.expected)}${cost.interval ? ` (${formatCostInterval(cost.interval)})` : ''}`,
      formatChange(delta, 'correlation', 'lower'),
      gate?.interval ? formatChangeInterval(gate.interval, 'plain') + otherLevel(gate, confidence) : '',
      gate?.pValue === null || gate?.pValue === undefined ? '' : escapeMarkdown(formatPValue(gate.pValue)),
    ]);
  }
  return [
    '### Summary',
    '',
    markdownTable([['metric', 'baseline', 'candidate', 'change', `${level} CI of change`, 'p'], ...rows], {
      align: ['l', 'r', 'r', 'r', 'r', 'r'],
    }),
    '',
    methodLine(comparison, verdict, level),
  ].join('\n');
}

function costLabel(report: Report): string {
  const unit = report.cost?.unit;
  return escapeMarkdown(`expected cost per sample${unit ? ` (${unit})` : ''}`, 80);
}

/** A cost per sample with 3 decimals (costs are in the configured unit, not rates). */
function formatCost(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : NONE;
}

function formatCostInterval(interval: Interval | null): string {
  return interval === null ? NONE : `${formatCost(interval.low)} to ${formatCost(interval.high)}`;
}

/** The figure a headline gate is about, for the method line: 'macro-f1.max-drop' -> 'macro F1'. */
const FIGURE_NAMES: Record<string, string> = { 'macro-f1': 'macro F1', ece: 'ECE', cost: 'cost' };

/** "macro F1 and ECE" for the gates that ran `test`; '' when none did. */
function figuresTestedBy(verdict: Verdict, test: GateResult['test']): string {
  const names = [
    ...new Set(
      verdict.gates.filter((g) => g.test === test).map((g) => FIGURE_NAMES[g.gate.split('.')[0]!] ?? g.gate),
    ),
  ];
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * How the evidence was weighed, in one line: the design and tests, which figures used the
 * resampling tests, that change tests are two-sided and bound tests one-sided, and the correction.
 */
/**
 * The level of a gate's interval when it is not the column's (a gate whose `alpha` is not
 * 1 - statistics.confidence shows the interval that agrees with its own test), e.g. " (99% CI)".
 */
function otherLevel(gate: GateResult | undefined, confidence: number): string {
  const level = gate?.intervalLevel;
  return level === undefined || Math.abs(level - confidence) < 1e-9 ? '' : ` (${levelText(level)} CI)`;
}

function methodLine(comparison: Comparison, verdict: Verdict, level: string): string {
  const tested = verdict.gates.filter((g) => g.gate === 'per-class-recall' && g.test !== undefined).length;
  const correction = verdict.statistics?.correction ?? 'none';
  const corrected =
    correction === 'none' || tested <= 1
      ? ''
      : `; per-class p-values and intervals adjusted by ${correctionName(correction)} across ${formatCount(tested)} classes`;
  const how = comparison.pairing.paired
    ? `compared sample by sample on ${formatCount(comparison.pairing.samples)} paired samples (exact McNemar tests, with the intervals that invert them)`
    : 'compared without pairing samples (Fisher exact tests, with the intervals that invert them; see the notes)';
  const others: string[] = [];
  const randomized = figuresTestedBy(verdict, 'paired-randomization');
  if (randomized) {
    others.push(`${randomized} changes by paired randomization tests (intervals: basic bootstrap)`);
  }
  if (figuresTestedBy(verdict, 'sign-flip'))
    others.push('the cost change by an exact sign-flip test (t interval)');
  const bounded = figuresTestedBy(verdict, 'bootstrap');
  if (bounded) others.push(`${bounded} bounds by a one-sided basic bootstrap`);
  const sides = 'p-values of changes are two-sided, of bounds (min, max) one-sided';
  return `_${CHANGE_MARKS_LEGEND}. Intervals at ${level}; ${how}${others.length > 0 ? `; ${others.join('; ')}` : ''}; ${sides}${corrected}._`;
}
