/**
 * The slices of the test set (a manifest's extra columns: `light = night`) in the comment and in
 * the terminal: per slice, accuracy with its Wilson interval and its change against the baseline's
 * same slice with the change's interval, and the class whose recall fell most within it, worst
 * slices first (largest accuracy drop; without a baseline, lowest accuracy). A slice gate's finding
 * (`gates.slices`) is its status; beside a gated slice the change's interval is the gate's, at the
 * family-adjusted level its corrected decision uses, so that the two always agree.
 */
import { markdownTable } from 'markdown-table';
import { correctionName, levelText } from '../compare/evidenceText.js';
import { printableName, truncate } from '../compare/messageText.js';
import type { ClassDelta, Comparison, GateResult, Interval, Verdict } from '../compare/types.js';
import type { Report, SliceReport } from '../report/types.js';
import { MAX_SLICE_ROWS, SLICE_NAME_CHARS, TEXT_MAX_SLICE_VALUES } from './commentBudget.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import {
  formatChange,
  formatChangeInterval,
  formatCount,
  formatRate,
  formatRateInterval,
  NONE,
} from './formatNumbers.js';

/** One slice as both renderers show it. */
export interface SliceRow {
  column: string;
  value: string;
  samples: number;
  baselineAccuracy: number | null;
  candidateAccuracy: number | null;
  candidateInterval: Interval | null;
  accuracyDelta: number | null;
  deltaInterval: Interval | null;
  /** Whether `deltaInterval` is a slice gate's (family-adjusted) rather than the comparison's. */
  gatedInterval: boolean;
  /** The class whose recall fell most in the slice (lowest recall without a baseline). */
  worstClass: ClassDelta | null;
  /** The slice gates' worst status for this slice; null when no slice gate applies to it. */
  status: GateResult['status'] | null;
  /** A blocking or warning result of the slice is a possible (unproven) regression. */
  possible: boolean;
}

const STATUS_RANK: Record<GateResult['status'], number> = {
  fail: 0,
  'not-evaluable': 1,
  warn: 2,
  pass: 3,
  skipped: 4,
};

/** The slice rows, worst first; empty when the candidate has no slices. */
export function sliceRows(candidate: Report, comparison: Comparison | null, verdict: Verdict): SliceRow[] {
  const slices: SliceReport[] = candidate.slices ?? [];
  if (slices.length === 0) return [];
  const deltas = comparison?.slices?.slices ?? [];
  const rows = slices.map((slice): SliceRow => {
    const delta = deltas.find((d) => d.column === slice.column && d.value === slice.value);
    const results = verdict.gates.filter(
      (g) => g.slice !== undefined && g.slice.column === slice.column && g.slice.value === slice.value,
    );
    const worst = [...results].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status])[0];
    const accuracyGate = results.find((g) => g.gate.endsWith('.accuracy.max-drop') && g.interval);
    const classes: ClassDelta[] =
      delta?.classes ??
      slice.classes.map((c) => ({
        name: c.name,
        support: c.support,
        baselineRecall: null,
        candidateRecall: c.recall,
        recallDelta: null,
        baselineRecallInterval: null,
        candidateRecallInterval: c.recallInterval ?? null,
        recallTest: null,
        baselinePrecision: null,
        candidatePrecision: c.precision,
        baselineF1: null,
        candidateF1: c.f1,
        f1Delta: null,
      }));
    return {
      column: slice.column,
      value: slice.value,
      samples: slice.samples,
      baselineAccuracy: delta?.baselineAccuracy ?? null,
      candidateAccuracy: slice.metrics.accuracy,
      candidateInterval: delta?.candidateAccuracyInterval ?? slice.metrics.accuracyInterval ?? null,
      accuracyDelta: delta?.accuracyDelta ?? null,
      deltaInterval: accuracyGate?.interval ?? delta?.accuracyTest?.interval ?? null,
      gatedInterval: accuracyGate !== undefined,
      worstClass: worstClassOf(classes),
      status: worst?.status ?? null,
      possible: worst?.finding === 'possible-regression',
    };
  });
  // Worst first: a failed slice gate, then the largest accuracy drop, then the lowest accuracy.
  const failing = (r: SliceRow) => (r.status === 'fail' ? 0 : r.status === 'warn' ? 1 : 2);
  const key = (r: SliceRow) => r.accuracyDelta ?? Number.POSITIVE_INFINITY;
  return rows.sort(
    (a, b) =>
      failing(a) - failing(b) ||
      key(a) - key(b) ||
      (a.candidateAccuracy ?? 1) - (b.candidateAccuracy ?? 1) ||
      (a.column < b.column ? -1 : a.column > b.column ? 1 : 0),
  );
}

/** The class with the largest recall drop (ties: fewer samples last), or the lowest recall without a baseline. */
function worstClassOf(classes: ClassDelta[]): ClassDelta | null {
  const present = classes.filter((c) => c.support > 0 && c.candidateRecall !== null);
  if (present.length === 0) return null;
  const compared = present.filter((c) => c.recallDelta !== null);
  if (compared.length > 0) {
    return compared.reduce((w, c) => (c.recallDelta! < w.recallDelta! ? c : w));
  }
  return present.reduce((w, c) => (c.candidateRecall! < w.candidateRecall! ? c : w));
}

function statusText(row: SliceRow): string {
  switch (row.status) {
    case null:
      return '➖ not gated';
    case 'fail':
      return row.possible ? '❌ possible regression' : '❌ regressed';
    case 'warn':
      return '⚠️ possible regression';
    case 'not-evaluable':
      return '⚠️ not evaluable';
    case 'pass':
      return '✅ within tolerance';
    case 'skipped':
      return '➖ not compared';
  }
}

function sliceName(row: SliceRow, max: number): string {
  const value = row.value === '' ? '(empty)' : row.value;
  return `${escapeMarkdown(row.column, max)} = ${escapeMarkdown(value, max)}`;
}

export interface SliceSectionOptions {
  compared: boolean;
  confidence: number;
  /** The slice gates' correction and family size, for the caption; family 0 = no slice gate tested. */
  correction: string;
  family: number;
}

/**
 * The slice table: a section of its own when a slice gate failed or warned (it is then news),
 * folded otherwise. '' when the test set has no slices.
 */
export function renderSliceSection(rows: SliceRow[], options: SliceSectionOptions): string {
  if (rows.length === 0) return '';
  const ci = `${levelText(options.confidence)} CI`;
  const header = options.compared
    ? [
        'status',
        'slice',
        'samples',
        'accuracy (baseline)',
        'accuracy (candidate)',
        ci,
        'change',
        `CI of change`,
        'class that fell most',
        'its recall',
        'its change',
      ]
    : ['status', 'slice', 'samples', 'accuracy', ci, 'lowest class recall', 'its recall'];
  const shown = rows.slice(0, MAX_SLICE_ROWS);
  const cells = shown.map((r) => {
    const cls = r.worstClass;
    const className =
      cls === null ? NONE : `'${escapeMarkdown(cls.name, SLICE_NAME_CHARS)}' (${formatCount(cls.support)})`;
    const recall =
      cls === null
        ? NONE
        : `${formatRate(cls.candidateRecall)} (${formatRateInterval(cls.candidateRecallInterval)})`;
    return options.compared
      ? [
          statusText(r),
          sliceName(r, SLICE_NAME_CHARS),
          formatCount(r.samples),
          formatRate(r.baselineAccuracy),
          formatRate(r.candidateAccuracy),
          formatRateInterval(r.candidateInterval),
          formatChange(r.accuracyDelta, 'rate'),
          formatChangeInterval(r.deltaInterval),
          className,
          recall,
          cls === null ? NONE : formatChange(cls.recallDelta, 'rate'),
        ]
      : [
          statusText(r),
          sliceName(r, SLICE_NAME_CHARS),
          formatCount(r.samples),
          formatRate(r.candidateAccuracy),
          formatRateInterval(r.candidateInterval),
          className,
          recall,
        ];
  });
  const table = markdownTable([header, ...cells], {
    alignDelimiters: false,
    align: ['l', 'l', ...header.slice(2).map(() => 'r' as const)],
  });
  const rest = rows.length - shown.length;
  const gated = rows.some((r) => r.gatedInterval);
  const caption =
    `_Accuracy per slice (the manifest's extra columns), worst first, with ${ci}s` +
    (options.compared
      ? `; the change against the baseline's same slice, with the interval of its test (${ci}` +
        (gated
          ? options.family > 1 && options.correction !== 'none'
            ? `; for a gated slice, at the level its decision uses after ${options.correction} across the ${formatCount(options.family)} slice tests`
            : '; for a gated slice, the level its decision uses'
          : '') +
        '), and the class whose recall fell most within the slice'
      : ', and the class with the lowest recall within each') +
    '._';
  const parts = [
    caption,
    '',
    table,
    ...(rest > 0 ? ['', `_… and ${formatCount(rest)} more slices in the full report._`] : []),
  ];
  const news = rows.some((r) => r.status === 'fail' || r.status === 'warn');
  const count = `${formatCount(rows.length)} ${rows.length === 1 ? 'slice' : 'slices'}`;
  if (news) return [`### Slices (${count})`, '', ...parts].join('\n');
  return [
    '<details>',
    `<summary>Slices (${count}): ${summaryWords(rows)}</summary>`,
    '',
    ...parts,
    '',
    '</details>',
  ].join('\n');
}

/** "worst: ink = heavy 91.2% (❗ −6.30 pp)". */
function summaryWords(rows: SliceRow[]): string {
  const worst = rows[0]!;
  const change = worst.accuracyDelta === null ? '' : ` (${formatChange(worst.accuracyDelta, 'rate')})`;
  return `worst: ${sliceName(worst, SLICE_NAME_CHARS)} ${formatRate(worst.candidateAccuracy)}${change}`;
}

/**
 * The terminal's one line: "slices: light — night 91.2% (-6.30 pp), day 98.9% (-0.40 pp)"; the
 * values of each column worst first, columns in report order. null when there are no slices.
 */
export function sliceSummaryLine(rows: SliceRow[]): string | null {
  if (rows.length === 0) return null;
  const columns: string[] = [];
  for (const row of rows) if (!columns.includes(row.column)) columns.push(row.column);
  const parts = columns.map((column) => {
    const own = rows.filter((r) => r.column === column);
    const shown = own.slice(0, TEXT_MAX_SLICE_VALUES).map((r) => {
      const value = truncate(printableName(r.value === '' ? '(empty)' : r.value), SLICE_NAME_CHARS);
      const change = r.accuracyDelta === null ? '' : ` (${formatChange(r.accuracyDelta, 'rate', false)})`;
      const mark = r.status === 'fail' ? ' FAILED' : r.status === 'warn' ? ' possible regression' : '';
      return `${value} ${formatRate(r.candidateAccuracy)}${change}${mark}`;
    });
    const more = own.length - shown.length;
    return (
      `${truncate(printableName(column), SLICE_NAME_CHARS)} — ${shown.join(', ')}` +
      (more > 0 ? ` and ${formatCount(more)} more` : '')
    );
  });
  return `slices: ${parts.join('; ')}`;
}

/**
 * The comment's slice section for a verdict: the rows, and the slice family (the slice gates'
 * tested results) for the caption. '' when the test set has no slices.
 */
export function renderSlices(candidate: Report, comparison: Comparison | null, verdict: Verdict): string {
  const rows = sliceRows(candidate, comparison, verdict);
  const family = verdict.gates.filter(
    (g) => g.slice !== undefined && g.alpha !== undefined && g.pValue != null,
  ).length;
  return renderSliceSection(rows, {
    compared: comparison !== null,
    confidence: verdict.statistics?.confidence ?? comparison?.confidence ?? 0.95,
    correction: correctionName(verdict.statistics?.correction ?? 'holm'),
    family,
  });
}
